#include "drsmon/core/text.hpp"
#include "drsmon/drs_api/dr_parse.hpp"

#include "parse_common.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace drsmon::drs_api {

using namespace detail;

namespace {

constexpr double bytes_per_mb = 1024.0 * 1024.0;
constexpr double bytes_per_gb = 1024.0 * bytes_per_mb;

// Seconds per unit; the long forms are those a console or a log line would spell out.
std::optional<double> unit_seconds(std::string_view unit) noexcept
{
    static constexpr std::array<std::pair<std::string_view, double>, 17> units{{
        {"", 1.0},
        {"s", 1.0},
        {"sec", 1.0},
        {"secs", 1.0},
        {"second", 1.0},
        {"seconds", 1.0},
        {"ms", 0.001},
        {"millis", 0.001},
        {"milliseconds", 0.001},
        {"m", 60.0},
        {"min", 60.0},
        {"mins", 60.0},
        {"minute", 60.0},
        {"minutes", 60.0},
        {"h", 3600.0},
        {"hour", 3600.0},
        {"hours", 3600.0},
    }};
    for (const auto& [name, factor] : units)
    {
        if (core::iequals(unit, name))
            return factor;
    }
    return std::nullopt;
}

bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::optional<double> delay_value(const json::value& v) noexcept
{
    if (const json::string* s = v.if_string())
        return parse_delay_text(std::string_view(s->data(), s->size()));
    const auto n = to_number(v);
    if (!n || *n < 0)
        return std::nullopt;
    return n;
}

std::optional<double> delay(const json::object& o, std::initializer_list<std::string_view> keys) noexcept
{
    const json::value* v = reader::find_any(o, keys);
    return v ? delay_value(*v) : std::nullopt;
}

// A finite, non-negative figure times its unit; a product that overflows (1e306 GB, 1e306 h) is
// no figure rather than infinity.
std::optional<double> times_unit(std::optional<double> n, double factor) noexcept
{
    if (!n || *n < 0)
        return std::nullopt;
    const double v = *n * factor;
    if (!std::isfinite(v))
        return std::nullopt;
    return v;
}

// A size in MB or GB as a number or string; negative sizes are not sizes.
std::optional<double> scaled(const json::object& o, std::string_view key, double factor) noexcept
{
    return times_unit(reader::number(o, key), factor);
}

std::optional<double> non_negative(
    const json::object& o,
    std::initializer_list<std::string_view> keys
) noexcept
{
    const json::value* v = reader::find_any(o, keys);
    if (!v)
        return std::nullopt;
    const auto n = to_number(*v);
    if (!n || *n < 0)
        return std::nullopt;
    return n;
}

std::optional<double> percent_ratio(const json::object& o, std::string_view key) noexcept
{
    const auto r = reader::ratio(o, key);
    if (!r || *r < 0)
        return std::nullopt;
    return r;
}

recovery_point read_recovery_point(const json::object& o)
{
    recovery_point p;
    p.delay_seconds = delay(o, {"delay"});
    p.time = reader::time(o, "time");
    p.check_point = reader::text(o, "check_point");
    return p;
}

dr_side read_side(
    const json::object& o,
    std::initializer_list<std::string_view> normal,
    std::initializer_list<std::string_view> delay_keys,
    std::initializer_list<std::string_view> rps,
    std::initializer_list<std::string_view> io,
    std::initializer_list<std::string_view> offset
)
{
    dr_side s;
    if (const json::value* v = reader::find_any(o, normal))
    {
        if (v->is_bool())
            s.normal = v->get_bool();
        else if (const json::string* t = v->if_string())
        {
            const std::string_view text(t->data(), t->size());
            if (core::iequals(text, "true"))
                s.normal = true;
            else if (core::iequals(text, "false"))
                s.normal = false;
        }
    }
    s.delay_seconds = delay(o, delay_keys);
    s.rows_per_second = non_negative(o, rps);
    s.io = non_negative(o, io);
    s.offset = reader::text_any(o, offset);
    return s;
}

dr_monitor read_monitor(const json::object& o)
{
    dr_monitor m;
    m.source = read_side(
        o,
        {"src_normal"},
        {"sr_delay", "src_delay"},
        {"src_rps"},
        {"src_io"},
        {"sr_offset", "src_offset"}
    );
    m.target = read_side(o, {"dst_normal"}, {"dst_delay"}, {"dst_rps"}, {"dst_io"}, {"dst_offset"});
    m.bandwidth = non_negative(o, {"bandwidth"});
    m.cpu_used_ratio = percent_ratio(o, "cpuUsed_percent");
    m.memory_used_bytes = scaled(o, "mem_used_inMB", bytes_per_mb);
    m.volume_used_bytes = scaled(o, "volume_used_inGB", bytes_per_gb);
    m.node_memory_bytes = scaled(o, "node_mem_inMB", bytes_per_mb);
    m.node_volume_bytes = scaled(o, "node_volume_inGB", bytes_per_gb);
    m.transferred_bytes = scaled(o, "trans_inMB", bytes_per_mb);
    m.transferred_rows = non_negative(o, {"trans_lines"});
    m.migration_bytes_per_second = non_negative(o, {"migration_bytes_per_second"});
    m.node_offset = reader::text(o, "node_offset");
    return m;
}

// The string entries of an optional list; other entries are ignored (an action list is only
// descriptive).
std::vector<std::string> string_list(reader& r, const json::object& o, std::string_view key, const jpath& at)
{
    std::vector<std::string> out;
    if (const json::array* a = r.optional_array(o, key, at))
    {
        for (const json::value& v : *a)
        {
            if (const json::string* s = v.if_string())
                out.emplace_back(s->data(), s->size());
        }
    }
    return out;
}

}  // namespace

std::optional<double> parse_delay_text(std::string_view text) noexcept
{
    text = core::trim(text, core::json_whitespace);
    std::size_t n = text.size();
    while (n > 0 && is_letter(text[n - 1]))
        --n;
    const auto factor = unit_seconds(text.substr(n));
    const std::string_view number = core::trim(text.substr(0, n), core::json_whitespace);
    // parse_number_text also takes a trailing '%', which a delay never has.
    if (!factor || number.empty() || number.back() == '%')
        return std::nullopt;
    return times_unit(parse_number_text(number), *factor);
}

core::result<batch_rpo_rto_response> parse_batch_rpo_rto(std::string_view body)
{
    return read_batch<batch_rpo_rto_response>(
        api::batch_rpo_rto,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            job_rpo_rto j;
            j.error = reader::item_err(o);
            j.job_id = r.item_id(o, {"job_id", "id"}, j.error, at);
            if (const json::object* rpo = r.optional_object(o, "rpo_info", at))
                j.rpo = read_recovery_point(*rpo);
            if (const json::object* rto = r.optional_object(o, "rto_info", at))
                j.rto = read_recovery_point(*rto);
            return j;
        }
    );
}

core::result<batch_dr_monitor_response> parse_dr_monitoring(std::string_view body)
{
    return read_batch<batch_dr_monitor_response>(
        api::dr_monitoring,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            job_dr_monitor j;
            j.error = reader::item_err(o);
            j.job_id = r.item_id(o, {"id", "job_id"}, j.error, at);
            // find() would also match a differently cased key; the misspelling is exact.
            const char* key = reader::find(o, "data_guard_minitor") ? "data_guard_minitor"
                                                                    : "data_guard_monitor";
            if (const json::object* m = r.optional_object(o, key, at))
                j.monitor = read_monitor(*m);
            return j;
        }
    );
}

core::result<increment_components_response> parse_increment_components(std::string_view body)
{
    return read_document<increment_components_response>(
        api::increment_components,
        body,
        [](reader& r, const json::object& root) {
            increment_components_response out;
            out.update_time = reader::time(root, "update_time");
            const auto read = [&](const json::object& c, const jpath& at) {
                increment_component ic;
                ic.type = r.strict_text(c, "type", at);
                ic.status = r.strict_text(c, "status", at);
                ic.delay_seconds = delay(c, {"delay"});
                ic.start_point = reader::text(c, "start_point");
                ic.current_point = reader::text(c, "current_point");
                ic.resolution_time = reader::time(c, "resolution_time");
                return ic;
            };
            read_list(r, root, "increment_components_list", root_path, out.components, read);
            return out;
        }
    );
}

core::result<job_actions_response> parse_job_actions(std::string_view body)
{
    return read_document<job_actions_response>(
        api::job_actions,
        body,
        [](reader& r, const json::object& root) {
            job_actions_response out;
            const json::object* o = &root;
            jpath wrapped = root_path.child("job_action");
            const jpath* at = &root_path;
            if (const json::object* inner = r.optional_object(root, "job_action", root_path))
            {
                o = inner;
                at = &wrapped;
            }
            out.available = string_list(r, *o, "available_actions", *at);
            out.unavailable = string_list(r, *o, "unavailable_actions", *at);
            out.current_action = r.strict_text(*o, "current_action", *at);
            return out;
        }
    );
}

}  // namespace drsmon::drs_api
