#include "drsmon/app/api_views.hpp"
#include "drsmon/core/text.hpp"
#include "drsmon/core/version.hpp"
#include "drsmon/state/event_log.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <tuple>

namespace drsmon::app {

using core::json_writer;

namespace {

void text(json_writer& w, std::string_view k, std::string_view v)
{
    w.key(k);
    w.string(v);
}
void flag(json_writer& w, std::string_view k, bool v)
{
    w.key(k);
    w.boolean(v);
}

// `k` with the value written by write(*v), or null when there is none.
template <class T, class Write>
void nullable(json_writer& w, std::string_view k, const std::optional<T>& v, Write write)
{
    w.key(k);
    if (v)
        write(*v);
    else
        w.null();
}
void number(json_writer& w, std::string_view k, const std::optional<double>& v)
{
    // JSON has no NaN or infinity; such a value says as little as an absent one.
    nullable(w, k, v && std::isfinite(*v) ? v : std::nullopt, [&](double d) { w.dbl(d); });
}
template <class Int>
void number(json_writer& w, std::string_view k, const std::optional<Int>& v)
{
    nullable(w, k, v, [&](Int n) { w.int64(n); });
}
void flag(json_writer& w, std::string_view k, const std::optional<bool>& v)
{
    nullable(w, k, v, [&](bool b) { w.boolean(b); });
}
void time(json_writer& w, std::string_view k, const std::optional<core::wall_time>& t)
{
    nullable(w, k, t, [&](core::wall_time at) { w.string(state::format_rfc3339(at)); });
}

// `k` with an object whose members body() writes.
template <class Body>
void object(json_writer& w, std::string_view k, Body body)
{
    w.key(k);
    w.begin_object();
    body();
    w.end_object();
}

void write_precheck(json_writer& w, const state::precheck_state& pc)
{
    object(w, "precheck", [&] {
        flag(w, "present", pc.present);
        flag(w, "complete", pc.complete);
        flag(w, "passed", pc.passed);
        number(w, "passed_ratio", pc.passed_ratio);
        number(w, "progress_ratio", pc.progress_ratio);
        w.key("items");
        w.begin_array();
        for (const auto& i : pc.items)
        {
            w.begin_object();
            for (const auto& [name, field] : state::precheck_item_fields)
                text(w, name, i.*field);
            w.end_object();
        }
        w.end_array();
    });
}

void write_init(json_writer& w, const state::shared_flat_map<state::init_object>& init)
{
    object(w, "init", [&] {
        for (const auto& [type, obj] : init)
            object(w, type, [&] {
                number(w, "status", obj.status);
                flag(w, "complete", obj.complete());
                for (const auto& [name, field] : state::init_count_fields)
                    number(w, name, obj.*field);
            });
    });
}

// DR health: every figure (null when not reported), the endpoints, the increment components by
// type, the current action and the not-applicable marks (applicability keys).
void write_dr(json_writer& w, const state::dr_state& d)
{
    object(w, "dr", [&] {
        for (const auto& [name, field] : state::dr_number_fields)
            number(w, name, d.*field);
        time(w, "rpo_checkpoint", d.rpo_checkpoint);
        for (const auto& [name, field] : state::dr_flag_fields)
            flag(w, name, d.*field);
        for (const auto& [name, field] : state::dr_text_fields)
            text(w, name, d.*field);
        object(w, "components", [&] {
            for (const auto& [type, c] : d.components)
                object(w, type, [&] {
                    text(w, "status", c.status);
                    number(w, "delay_seconds", c.delay_seconds);
                });
        });
    });
}

// The members only the full view has.
void write_details(json_writer& w, const state::job_state& s)
{
    time(w, "created", s.metadata.created);
    time(w, "last_change", s.last_change);
    w.key("status_changes");
    w.uint64(s.status_changes);
    object(w, "phases", [&] {
        for (const auto& [phase, ratio] : s.phases)
            number(w, phase, std::optional<double>(ratio));
    });
    write_precheck(w, s.precheck);
    write_init(w, s.init);
    object(w, "collect", [&] {
        text(w, "status", s.collect.status);
        time(w, "last_success", s.collect.last_success);
        text(w, "query_id", s.collect.query_id);
    });
    object(w, "node", [&] {
        for (const auto& [name, field] : state::node_metric_fields)
            number(w, name, s.node.*field);
    });
    write_dr(w, s.dr);
}

std::string escape_html(std::string_view s)
{
    std::string out;
    core::append_escaped(out, s, [](char c) -> std::string_view {
        switch (c)
        {
        case '<': return "&lt;";
        case '>': return "&gt;";
        case '&': return "&amp;";
        case '"': return "&quot;";
        default: return {};
        }
    });
    return out;
}

// Digits only: std::stoull accepted "-1" (as a huge number) and trailing garbage.
bool read_count(const std::optional<std::string>& v, std::uint64_t& out)
{
    if (!v)
        return true;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    return !v->empty() && ec == std::errc() && end == v->data() + v->size();
}

// The figures of the job document under their JSON API names.
constexpr std::pair<std::string_view, std::optional<double> state::job_state::*> figure_fields[] = {
    {"progress_ratio", &state::job_state::progress_ratio},
    {"replication_delay_seconds", &state::job_state::delay_seconds},
    {"remaining_seconds", &state::job_state::remaining_seconds},
};

}  // namespace

void write_job(json_writer& w, const state::job_key& key, const state::job_state& s, job_view view)
{
    w.begin_object();
    text(w, "project", key.project);
    text(w, "job_id", key.job_id);
    for (const auto& [name, field] : state::metadata_text_fields)
        text(w, name, s.metadata.*field);
    text(w, "status", s.status);
    flag(w, "failed", state::is_failed_status(s.status));
    text(w, "source", s.source);
    for (const auto& [name, field] : figure_fields)
        number(w, name, s.*field);
    flag(w, "stale", s.stale);
    time(w, "last_refresh", s.last_refresh);
    time(w, "status_changed_at", s.status_changed_at);
    w.key("api_error");
    if (s.api_error.empty())
        w.null();
    else
    {
        w.begin_object();
        text(w, "code", s.api_error.code);
        text(w, "message", s.api_error.message_short);
        w.end_object();
    }
    // A child's error_msg as the job list shows it (free text, as the message above).
    w.key("listed_error");
    if (s.listed_error.empty())
        w.null();
    else
        w.string(s.listed_error);
    if (view == job_view::full)
        write_details(w, s);
    w.end_object();
}

namespace {

// "jobs":[every job of the store, in key order]
void write_jobs(json_writer& w, const state::store& store, job_view view)
{
    w.key("jobs");
    w.begin_array();
    store.for_each([&](const state::job_key& k, const state::job_state& s) { write_job(w, k, s, view); });
    w.end_array();
}

}  // namespace

std::string jobs_document(const state::store& store)
{
    std::string out;
    json_writer w(out);
    w.begin_object();
    write_jobs(w, store, job_view::summary);
    w.end_object();
    w.finish();
    return out;
}

std::optional<std::string> job_document(const state::store& store, std::string_view job_id)
{
    std::size_t matches = 0;
    store.for_each([&](const state::job_key& k, const state::job_state&) { matches += k.job_id == job_id; });
    if (matches == 0)
        return std::nullopt;
    std::string out;
    json_writer w(out);
    if (matches > 1)
    {
        w.begin_object();
        w.key("jobs");
        w.begin_array();
    }
    store.for_each([&](const state::job_key& k, const state::job_state& s) {
        if (k.job_id == job_id)
            write_job(w, k, s, job_view::full);
    });
    if (matches > 1)
    {
        w.end_array();
        w.end_object();
    }
    w.finish();
    return out;
}

std::string events_document(const std::vector<state::event>& events, std::uint64_t next_seq)
{
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.key("next_seq");
    w.uint64(next_seq);
    w.key("events");
    w.begin_array();
    for (const auto& e : events)
        state::write_json(w, e);
    w.end_array();
    w.end_object();
    w.finish();
    return out;
}

std::string error_document(std::string_view message)
{
    std::string out;
    json_writer w(out);
    w.begin_object();
    text(w, "error", message);
    w.end_object();
    w.finish();
    return out;
}

std::optional<events_query> parse_events_query(
    const std::optional<std::string>& since,
    const std::optional<std::string>& limit
)
{
    events_query q;
    if (!read_count(since, q.since) || !read_count(limit, q.limit))
        return std::nullopt;
    q.limit = std::min<std::uint64_t>(q.limit, 1000);
    return q;
}

std::string once_document(const std::vector<project_status>& projects, const state::store& store, bool ok)
{
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.key("projects");
    w.begin_array();
    for (const auto& p : projects)
    {
        w.begin_object();
        text(w, "project", p.name);
        flag(w, "up", p.up);
        w.end_object();
    }
    w.end_array();
    write_jobs(w, store, job_view::full);
    flag(w, "ok", ok);
    w.end_object();
    w.finish();
    return out;
}

namespace {

// The path segment of a job ID in a link: unreserved characters as they are, the rest %XX.
std::string path_segment(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s)
    {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            out += static_cast<char>(c);
        else
        {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// The jobs that need attention (attention_reasons), with a link to each job's document.
void append_attention(std::string& html, const state::store& store)
{
    std::string rows;
    store.for_each([&](const state::job_key& k, const state::job_state& s) {
        const auto reasons = attention_reasons(s);
        if (reasons.empty())
            return;
        const auto& name = s.metadata.name.empty() ? k.job_id : s.metadata.name;
        rows += "<tr><td>" + escape_html(k.project) + "</td><td><a href=\"/api/v1/jobs/" +
                escape_html(path_segment(k.job_id)) + "\">" + escape_html(name) + "</a></td><td>" +
                escape_html(s.status) + "</td><td>" +
                (s.status_changed_at ? escape_html(state::format_rfc3339(*s.status_changed_at)) : "") +
                "</td><td>" + escape_html(reasons) + "</td></tr>";
    });
    html += "<h2>Jobs that need attention</h2>";
    if (rows.empty())
    {
        html += "<p>None: no job is failed, stale, with a failed pre-check or with an API error.</p>";
        return;
    }
    html += "<table border=\"1\" cellpadding=\"4\"><tr><th>project</th><th>job</th><th>status</th>"
            "<th>status since (UTC)</th><th>why</th></tr>" +
            rows + "</table>";
}

}  // namespace

std::string landing_page(
    const std::vector<project_status>& projects,
    const state::store& store,
    std::string_view telemetry_path
)
{
    std::string
        html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>drs-monitor</title></head><body>"
               "<h1>drs-monitor</h1><p>Version " +
               escape_html(core::version) + " (" + escape_html(core::revision) + ")</p><ul><li><a href=\"" +
               escape_html(telemetry_path) +
               "\">Metrics</a></li>"
               "<li><a href=\"/api/v1/jobs\">Jobs (JSON)</a></li>"
               "<li><a href=\"/api/v1/events\">Events (JSON)</a></li>"
               "<li><a href=\"/-/healthy\">Health</a>, <a href=\"/-/ready\">Readiness</a></li></ul>"
               "<h2>Projects</h2><table border=\"1\" cellpadding=\"4\">"
               "<tr><th>project</th><th>up</th><th>jobs</th><th>failed</th><th>stale</th></tr>";
    std::map<std::string, std::tuple<std::size_t, std::size_t, std::size_t>, std::less<>> counts;
    store.for_each([&](const state::job_key& k, const state::job_state& s) {
        auto& [n, f, st] = counts[k.project];
        ++n;
        f += state::is_failed_status(s.status) ? 1 : 0;
        st += s.stale ? 1 : 0;
    });
    for (const auto& p : projects)
    {
        auto [n, f, st] = counts[p.name];
        html += "<tr><td>" + escape_html(p.name) + "</td><td>" + (p.up ? "yes" : "no") + "</td><td>" +
                std::to_string(n) + "</td><td>" + std::to_string(f) + "</td><td>" + std::to_string(st) +
                "</td></tr>";
    }
    html += "</table>";
    append_attention(html, store);
    html += "</body></html>";
    return html;
}

std::string attention_reasons(const state::job_state& s)
{
    std::string out;
    const auto add = [&](std::string_view reason) {
        if (!out.empty())
            out += ", ";
        out += reason;
    };
    if (state::is_failed_status(s.status))
        add("failed");
    if (s.stale)
        add("stale");
    if (s.precheck.complete && s.precheck.passed == false)
        add("pre-check failed");
    if (!s.api_error.empty())
        add("API error " + s.api_error.code);
    if (!s.listed_error.empty())
        add("job list error");
    return out;
}

}  // namespace drsmon::app
