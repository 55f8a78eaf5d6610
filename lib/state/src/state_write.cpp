// The writer of the state file and its journal lines.
#include "drsmon/core/json_writer.hpp"

#include "state_format.hpp"

#include <cmath>

namespace drsmon::state {

using core::json_writer;

namespace detail {

namespace {

// The members below are written in the order (and with the omissions) of the first format
// version, which built a boost::json::object per job: the text is the same byte for byte.
void put(json_writer& w, std::string_view k, const std::string& v)
{
    if (!v.empty())
    {
        w.key(k);
        w.string(v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<double>& v)
{
    // JSON has no NaN or infinity; such a value carries no information anyway.
    if (v && std::isfinite(*v))
    {
        w.key(k);
        w.dbl(*v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<core::wall_time>& v)
{
    if (v)
    {
        w.key(k);
        w.int64(to_ns(*v));
    }
}
void put(json_writer& w, std::string_view k, const std::optional<std::int64_t>& v)
{
    if (v)
    {
        w.key(k);
        w.int64(*v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<int>& v)
{
    if (v)
    {
        w.key(k);
        w.int64(*v);
    }
}
void put(json_writer& w, std::string_view k, const std::optional<bool>& v)
{
    if (v)
    {
        w.key(k);
        w.boolean(*v);
    }
}

// The members naming the job, first in a job record and all of a removal.
void write_key(json_writer& w, const job_key& key)
{
    w.key("project");
    w.string(key.project);
    w.key("job_id");
    w.string(key.job_id);
}

void write_job(json_writer& w, const job_key& key, const job_state& s)
{
    w.begin_object();
    write_key(w, key);

    w.key("metadata");
    w.begin_object();
    for (const auto& [name, field] : metadata_text_fields)
        put(w, name, s.metadata.*field);
    put(w, "created_ns", s.metadata.created);
    w.end_object();

    put(w, "status", s.status);
    put(w, "status_changed_at_ns", s.status_changed_at);
    w.key("status_changes");
    w.uint64(s.status_changes);
    put(w, "progress_ratio", s.progress_ratio);
    w.key("phases");
    w.begin_object();
    for (const auto& [phase, ratio] : s.phases)
        if (std::isfinite(ratio))
        {
            w.key(phase);
            w.dbl(ratio);
        }
    w.end_object();
    put(w, "delay_seconds", s.delay_seconds);
    put(w, "remaining_seconds", s.remaining_seconds);

    w.key("precheck");
    w.begin_object();
    w.key("present");
    w.boolean(s.precheck.present);
    w.key("complete");
    w.boolean(s.precheck.complete);
    put(w, "passed", s.precheck.passed);
    put(w, "passed_ratio", s.precheck.passed_ratio);
    put(w, "progress_ratio", s.precheck.progress_ratio);
    w.key("items");
    w.begin_array();
    for (const auto& i : s.precheck.items)
    {
        w.begin_object();
        for (const auto& [name, field] : precheck_item_fields)
        {
            w.key(name);
            w.string(i.*field);
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();

    w.key("init");
    w.begin_object();
    for (const auto& [type, obj] : s.init)
    {
        w.key(type);
        w.begin_object();
        put(w, "status", obj.status);
        for (const auto& [name, field] : init_count_fields)
            put(w, name, obj.*field);
        w.end_object();
    }
    w.end_object();

    w.key("node");
    w.begin_object();
    for (const auto& [name, field] : node_metric_fields)
        put(w, name, s.node.*field);
    w.end_object();

    w.key("collect");
    w.begin_object();
    put(w, "status", s.collect.status);
    put(w, "last_success_ns", s.collect.last_success);
    put(w, "query_id", s.collect.query_id);
    w.end_object();

    w.key("dr");
    w.begin_object();
    for (const auto& [name, field] : dr_number_fields)
        put(w, name, s.dr.*field);
    put(w, "rpo_checkpoint_ns", s.dr.rpo_checkpoint);
    for (const auto& [name, field] : dr_flag_fields)
        put(w, name, s.dr.*field);
    for (const auto& [name, field] : dr_text_fields)
        put(w, name, s.dr.*field);
    w.key("components");
    w.begin_object();
    for (const auto& [type, c] : s.dr.components)
    {
        w.key(type);
        w.begin_object();
        put(w, "status", c.status);
        put(w, "delay_seconds", c.delay_seconds);
        w.end_object();
    }
    w.end_object();
    w.end_object();

    w.key("api_error");
    w.begin_object();
    put(w, "code", s.api_error.code);
    put(w, "message_short", s.api_error.message_short);
    w.end_object();
    put(w, "listed_error", s.listed_error);

    w.key("source");
    w.string(s.source);
    put(w, "last_refresh_ns", s.last_refresh);
    put(w, "last_change_ns", s.last_change);
    w.key("stale");
    w.boolean(s.stale);
    w.end_object();
}

}  // namespace

void write_state(const store& s, std::uint64_t seq, std::size_t chunk, const chunk_sink& sink)
{
    std::string buffer;
    json_writer w(buffer, core::double_style::boost_json);
    w.begin_object();
    w.key("format");
    w.string(format_name);
    w.key("version");
    w.int64(format_version);
    w.key("next_event_seq");
    w.uint64(seq);
    w.key("jobs");
    w.begin_array();
    s.for_each([&](const job_key& k, const job_state& st) {
        write_job(w, k, st);
        if (chunk != 0 && w.size() > chunk)
            w.drain(sink);
    });
    w.end_array();
    w.end_object();
    w.drain(sink);
}

void write_journal_line(std::string& out, const store& s, const job_key& key, std::uint64_t next_event_seq)
{
    json_writer w(out, core::double_style::boost_json);
    w.begin_object();
    w.key("next_event_seq");
    w.uint64(next_event_seq);
    if (const auto* st = s.find(key))
    {
        w.key("job");
        write_job(w, key, *st);
    }
    else
    {
        w.key("removed");
        w.begin_object();
        write_key(w, key);
        w.end_object();
    }
    w.end_object();
    w.finish();
    out += '\n';
}

}  // namespace detail

std::string serialize_state(const store& s, std::uint64_t next_event_seq)
{
    std::string text;
    detail::write_state(s, next_event_seq, 0, [&](std::string_view all) { text = all; });
    return text;
}

}  // namespace drsmon::state
