#include "drsmon/sim/dr_health.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace drsmon::sim {

namespace json = boost::json;

namespace {

constexpr double rpo_peak = 600;

// Seconds into the current DR cycle; precondition: s.incr_start.
double phase(const job_snapshot& s, double t)
{
    return std::fmod(std::max(0.0, t - *s.incr_start), dr_cycle_seconds);
}

bool is_dr(const job_spec& job) { return job.db_use_type == "cloudDataGuard"; }

std::string fixed(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return buf;
}

// "yyyy-MM-dd HH:mm:ss" in UTC, as batch-rpo-and-rto writes its times.
std::string rpo_time(core::wall_time at)
{
    const auto secs = std::chrono::floor<std::chrono::seconds>(at);
    const auto day = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{secs - day};
    char buf[32];
    std::snprintf(
        buf,
        sizeof(buf),
        "%04d-%02u-%02u %02d:%02d:%02d",
        static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()),
        static_cast<unsigned>(ymd.day()),
        static_cast<int>(hms.hours().count()),
        static_cast<int>(hms.minutes().count()),
        static_cast<int>(hms.seconds().count())
    );
    return buf;
}

json::object not_applicable(const char* id_key, const std::string& id)
{
    return json::object{
        {id_key, id},
        {"error_code", not_applicable_code},
        {"error_msg", not_applicable_message}};
}

std::string binlog_point(double t)
{
    return "mysql-bin.000012:" + std::to_string(static_cast<long long>(4 + t * 37));
}

}  // namespace

bool dr_reads_apply(const job_spec& job, const job_snapshot& s)
{
    return is_dr(job) && s.incr_start && s.status != "RELEASE_RESOURCE_COMPLETE" && s.status != "DELETED" &&
           s.status != "RELEASE_RESOURCE_STARTED";
}

bool components_apply(const job_snapshot& s)
{
    return s.status == "INCRE_TRANSFER_STARTED" || s.status == "INCRE_TRANSFER_FAILED" ||
           (s.incr_start && s.status == "PAUSING");
}

dr_figures dr_figures_at(const world& w, const job_spec& job, const job_snapshot& s, double t)
{
    dr_figures f;
    const double p = phase(s, t);
    const auto bucket = static_cast<std::int64_t>(t / 10);
    const double base = 2 + 4 * w.noise(job.id, 0xd1, bucket);
    if (p >= 120 && p < 240)
        f.rpo_seconds = base + (rpo_peak - base) * (p - 120) / 120;
    else if (p >= 240 && p < 300)
        f.rpo_seconds = rpo_peak - (rpo_peak - base) * (p - 240) / 60;
    else
        f.rpo_seconds = base;
    f.rto_seconds = f.rpo_seconds / 3;
    f.target_up = !(p >= 360 && p < 420);
    f.source_delay = std::round(base);
    f.target_delay = f.target_up ? std::round(base + 1) : std::round(base + 1 + (p - 360));
    f.source_rps = std::round(1000 + 500 * w.noise(job.id, 0xd2, bucket));
    f.target_rps = f.target_up ? f.source_rps - 3 : 0;
    return f;
}

std::vector<component_figures> components_at(
    const world& w,
    const job_spec& job,
    const job_snapshot& s,
    double t
)
{
    const double base = std::round(1 + 3 * w.noise(job.id, 0xd3, static_cast<std::int64_t>(t / 10)));
    component_figures capture{"capture", "STARTED", base};
    component_figures apply{"apply", "STARTED", base + 1};
    if (s.status == "INCRE_TRANSFER_FAILED")
    {
        capture = {"capture", "STOPPED", std::nullopt};
        apply = {"apply", "STOPPED", std::nullopt};
    }
    else if (s.incr_start)
    {
        const double p = phase(s, t);
        if (p >= 420 && p < 425)
            apply.status = "STOPPING";
        else if (p >= 425 && p < 480)
            apply = {"apply", "STOPPED", std::nullopt};
        else if (p >= 480 && p < 485)
            apply.status = "STARTING";
    }
    return {capture, apply};
}

std::string current_action_at(const job_spec& job, const job_snapshot& s, double t)
{
    if (!dr_reads_apply(job, s) || s.status != "INCRE_TRANSFER_STARTED")
        return {};
    const double p = phase(s, t);
    return p >= 500 && p < 560 ? "SWITCH_OVER" : "";
}

json::object rpo_rto_item(const world& w, const job_spec& job, const job_snapshot& s, double t)
{
    if (!dr_reads_apply(job, s))
        return not_applicable("job_id", job.id);
    const dr_figures f = dr_figures_at(w, job, s, t);
    const auto point = [&](double delay) {
        // The check point is the last position applied `delay` seconds ago.
        return json::object{
            {"check_point", binlog_point(t - delay)},
            {"delay", fixed(delay, 0)},
            {"gtid_set",
             "6a1b0f6e-5f3c-11ee-8c99-0242ac120002:1-" + std::to_string(static_cast<long long>(t - delay))},
            {"time", rpo_time(w.wall_at(t - delay))}};
    };
    return json::object{
        {"job_id", job.id},
        {"rpo_info", point(f.rpo_seconds)},
        {"rto_info", point(f.rto_seconds)}};
}

json::object dr_monitoring_item(const world& w, const job_spec& job, const job_snapshot& s, double t)
{
    if (!dr_reads_apply(job, s))
        return not_applicable("id", job.id);
    const dr_figures f = dr_figures_at(w, job, s, t);
    const auto bucket = static_cast<std::int64_t>(t / 10);
    // Integers are Long, the rest strings, as the SDK model declares them.
    json::object m{
        {"sr_delay", static_cast<std::int64_t>(f.source_delay)},
        {"dst_delay", static_cast<std::int64_t>(f.target_delay)},
        {"src_normal", f.source_up},
        {"dst_normal", f.target_up},
        {"src_rps", fixed(f.source_rps, 0)},
        {"dst_rps", fixed(f.target_rps, 0)},
        {"src_io", fixed(20 + 30 * w.noise(job.id, 0xd4, bucket), 1)},
        {"dst_io", fixed(f.target_up ? 20 + 30 * w.noise(job.id, 0xd5, bucket) : 0, 1)},
        {"bandwidth", fixed(10 + 5 * w.noise(job.id, 0xd6, bucket), 1)},
        {"cpuUsed_percent", fixed(20 + 40 * w.noise(job.id, 0xd7, bucket), 0) + "%"},
        {"mem_used_inMB", fixed(2048 + 512 * w.noise(job.id, 0xd8, bucket), 0)},
        {"volume_used_inGB", "20"},
        {"trans_inMB", fixed((t - *s.incr_start) * 0.5, 0)},
        {"trans_lines", fixed((t - *s.incr_start) * f.source_rps, 0)},
        {"node_mem_inMB", 8192},
        {"node_volume_inGB", 100},
        {"migration_bytes_per_second", static_cast<std::int64_t>(f.source_rps * 64)},
        {"sr_offset", binlog_point(t)},
        {"node_offset", binlog_point(t - f.source_delay)},
        {"dst_offset", binlog_point(t - f.target_delay)}};
    return json::object{{"id", job.id}, {"data_guard_minitor", std::move(m)}};
}

json::object components_document(const world& w, const job_spec& job, const job_snapshot& s, double t)
{
    json::array list;
    for (const auto& c : components_at(w, job, s, t))
    {
        list.push_back(json::object{
            {"type", c.type},
            {"status", c.status},
            {"start_point", binlog_point(s.incr_start ? *s.incr_start : t)},
            {"current_point", binlog_point(t - c.delay.value_or(0))},
            {"resolution_time",
             std::to_string(
                 std::chrono::duration_cast<std::chrono::milliseconds>(w.wall_at(t).time_since_epoch())
                     .count()
             )},
            {"delay", c.delay ? fixed(*c.delay, 0) : std::string("-1")}});
    }
    return json::object{
        {"update_time",
         std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(w.wall_at(t).time_since_epoch()).count()
         )},
        {"increment_components_list", std::move(list)}};
}

json::object actions_document(const job_spec& job, const job_snapshot& s, double t)
{
    json::array available, unavailable;
    const std::string current = current_action_at(job, s, t);
    if (s.status == "INCRE_TRANSFER_STARTED" && current.empty())
    {
        available = {"PAUSE", "STOP"};
        if (is_dr(job))
            available.push_back("SWITCH_OVER");
        unavailable = {"START", "RETRY"};
    }
    else
    {
        available = {"STOP"};
        unavailable = {"PAUSE", "SWITCH_OVER"};
    }
    json::object o{
        {"available_actions", std::move(available)},
        {"unavailable_actions", std::move(unavailable)}};
    o["current_action"] = current.empty() ? json::value(nullptr) : json::value(current);
    return o;
}

}  // namespace drsmon::sim
