#include "drsmon/core/text.hpp"
#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/state/cadence.hpp"

#include "job_format.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

namespace drsmon::metrics {

using namespace detail;

namespace {

constexpr std::string_view polled = " Value from background polling, not fetched at scrape time.";

struct family_spec
{
    const char* name;
    const char* type;
    const char* help;
};

// Declaration order is exposition order; `family` (job_format.hpp) indexes it.
const family_spec specs[] = {
    {"drs_job_info",
     "gauge",
     "Job identity, always 1 (name, db_use_type, engine_type, task_type, job_direction, parent_id from v3 "
     "batch-detail / POST /v3/{project_id}/jobs / v5 job detail; async_job_id from v5 batch-async-jobs)."},
    {"drs_job_status",
     "gauge",
     "Current job status as a label, always 1 (v3 batch-status results[].status)."},
    {"drs_job_failed",
     "gauge",
     "1 when the job status ends in _FAILED, else 0 (v3 batch-status results[].status)."},
    {"drs_job_progress_ratio",
     "gauge",
     "Overall progress 0..1 (v3 batch-progress results[].progress / 100)."},
    {"drs_job_phase_progress_ratio",
     "gauge",
     "Progress of one phase 0..1 (v3 batch-progress results[].progress_map.<phase>.completed / 100)."},
    {"drs_job_replication_delay_seconds",
     "gauge",
     "Incremental replication delay in seconds (v3 batch-progress incre_trans_delay, v5 "
     "progress_info.incr_trans_delay); "
     "absent when not applicable (-1)."},
    {"drs_job_remaining_seconds",
     "gauge",
     "Estimated remaining time in seconds (v3 batch-progress remaining_time)."},
    {"drs_job_created_timestamp_seconds", "gauge", "Job creation time (v3 batch-detail create_time)."},
    {"drs_job_status_last_change_timestamp_seconds",
     "gauge",
     "When the monitor observed the latest status change (successive v3 batch-status results[].status)."},
    {"drs_job_last_refresh_timestamp_seconds",
     "gauge",
     "When the monitor last refreshed the job from any DRS API."},
    {"drs_job_status_changes_total",
     "counter",
     "Status transitions observed by the monitor (successive v3 batch-status results[].status), kept across "
     "restarts."},
    {"drs_job_stale",
     "gauge",
     "1 when the job was not refreshed within the staleness limit; its value series are then withdrawn."},
    {"drs_job_api_error",
     "gauge",
     "Per-job error reported inside a DRS API response (results[].error_code of the v3 batch APIs; "
     "\"unknown\" for a message without a code, as a child's error_msg in the job list), always 1."},
    {"drs_job_precheck_complete",
     "gauge",
     "1 when the pre-check finished (v3 batch-precheck-result results[].process = 100%)."},
    {"drs_job_precheck_passed",
     "gauge",
     "1 when every pre-check item passed (v3 batch-precheck-result results[].result)."},
    {"drs_job_precheck_passed_ratio",
     "gauge",
     "Passed share of the pre-check 0..1 (v3 batch-precheck-result results[].total_passed_rate / 100)."},
    {"drs_job_precheck_items",
     "gauge",
     "Pre-check items by result: passed, alarm, failed (v3 batch-precheck-result precheck_result[].result)."},
    {"drs_job_precheck_item_not_passed",
     "gauge",
     "1 for each pre-check item whose result is not PASSED (v3 batch-precheck-result precheck_result[] item, "
     "group, result)."},
    {"drs_job_init_objects",
     "gauge",
     "DR initialisation object count per type; side=source is src_count, side=target is dst_count "
     "(v3 batch-struct-process struct_process.result[])."},
    {"drs_job_init_complete",
     "gauge",
     "1 when DR initialisation of the object type is complete (v3 batch-struct-process "
     "struct_process.result[].status = 2)."},
    {"drs_job_init_detail_objects",
     "gauge",
     "DR initialisation objects per type by state complete or in_progress (v3 batch-struct-detail "
     "struct_detail.list[].progress)."},
    {"drs_job_node_cpu_ratio",
     "gauge",
     "Replication node CPU utilisation 0..1 (v5 job detail metrics.cpu_util / 100)."},
    {"drs_job_node_memory_ratio",
     "gauge",
     "Replication node memory utilisation 0..1 (v5 job detail metrics.mem_util / 100)."},
    {"drs_job_apply_rows_per_second",
     "gauge",
     "Rows applied per second (v5 job detail metrics.apply_rows_rate)."},
    {"drs_job_apply_transactions_per_second",
     "gauge",
     "Transactions applied per second (v5 job detail metrics.apply_transactions_rate)."},
    {"drs_job_node_network_receive_bytes_per_second",
     "gauge",
     "Node network receive rate in bytes/s (v5 job detail metrics.network_incoming_bytes_rate)."},
    {"drs_job_node_network_transmit_bytes_per_second",
     "gauge",
     "Node network transmit rate in bytes/s (v5 job detail metrics.network_outgoing_bytes_rate)."},
    {"drs_job_node_disk_read_bytes_per_second",
     "gauge",
     "Node disk read rate in bytes/s (v5 job detail metrics.disk_read_bytes_rate)."},
    {"drs_job_node_disk_write_bytes_per_second",
     "gauge",
     "Node disk write rate in bytes/s (v5 job detail metrics.disk_write_bytes_rate)."},
    {"drs_job_objects_collect_status",
     "gauge",
     "Database-object collection status; the current one of pending, success, failed is 1 "
     "(v5.1 db-objects/collect and v5 db-objects/collection-status status)."},
    {"drs_job_objects_collect_last_success_timestamp_seconds",
     "gauge",
     "When a database-object collection last succeeded (v5 db-objects/collection-status status = success)."},
    {"drs_job_rpo_seconds",
     "gauge",
     "Recovery point objective of a DR job in seconds (v3 batch-rpo-and-rto rpo_info.delay); absent when not "
     "reported (-1, empty) or not a DR job."},
    {"drs_job_rto_seconds",
     "gauge",
     "Recovery time objective of a DR job in seconds (v3 batch-rpo-and-rto rto_info.delay)."},
    {"drs_job_rpo_checkpoint_timestamp_seconds",
     "gauge",
     "Time of the RPO check point (v3 batch-rpo-and-rto rpo_info.time, yyyy-MM-dd HH:mm:ss taken as UTC)."},
    {"drs_job_endpoint_up",
     "gauge",
     "1 when the DR link's source or target endpoint is normal, else 0 (v3 disaster-recovery-monitoring-data "
     "data_guard_minitor.src_normal / dst_normal)."},
    {"drs_job_dr_delay_seconds",
     "gauge",
     "Delay of the DR link at the source or target side in seconds (data_guard_minitor.sr_delay / "
     "dst_delay)."},
    {"drs_job_dr_rows_per_second",
     "gauge",
     "Rows per second at the source or target side of the DR link (data_guard_minitor.src_rps / dst_rps)."},
    {"drs_job_dr_io",
     "gauge",
     "I/O figure at the source or target side of the DR link, as the API reports it without a documented "
     "unit "
     "(data_guard_minitor.src_io / dst_io)."},
    {"drs_job_dr_node_cpu_ratio",
     "gauge",
     "CPU utilisation 0..1 of the DR link's node (data_guard_minitor.cpuUsed_percent / 100)."},
    {"drs_job_dr_memory_used_bytes",
     "gauge",
     "Memory used by the DR link's node in bytes (data_guard_minitor.mem_used_inMB x 2^20)."},
    {"drs_job_dr_node_memory_bytes",
     "gauge",
     "Memory of the DR link's node in bytes (data_guard_minitor.node_mem_inMB x 2^20)."},
    {"drs_job_dr_volume_used_bytes",
     "gauge",
     "Disk used by the DR link's node in bytes (data_guard_minitor.volume_used_inGB x 2^30)."},
    {"drs_job_dr_node_volume_bytes",
     "gauge",
     "Disk of the DR link's node in bytes (data_guard_minitor.node_volume_inGB x 2^30)."},
    {"drs_job_dr_transferred_bytes",
     "gauge",
     "Data transferred by the DR link in bytes (data_guard_minitor.trans_inMB x 2^20)."},
    {"drs_job_dr_transferred_rows",
     "gauge",
     "Rows transferred by the DR link (data_guard_minitor.trans_lines)."},
    {"drs_job_dr_bandwidth",
     "gauge",
     "Bandwidth figure of the DR link as the API reports it, without a documented unit "
     "(data_guard_minitor.bandwidth)."},
    {"drs_job_dr_migration_bytes_per_second",
     "gauge",
     "Transfer rate of the DR link in bytes/s (data_guard_minitor.migration_bytes_per_second)."},
    {"drs_job_component_status",
     "gauge",
     "Status of an incremental component (capture, apply) as a state set: STARTED, STARTING, STOPPED, "
     "STOPPING (and any other reported value), 1 for the current one (v5 increment-components-detail)."},
    {"drs_job_component_delay_seconds",
     "gauge",
     "Delay of an incremental component in seconds (v5 increment-components-detail delay); absent when -1."},
    {"drs_job_current_action",
     "gauge",
     "1 while an action such as a switch-over (SWITCH_OVER) runs on the job; absent when none "
     "(v5 actions current_action)."},
    {"drs_async_batch_jobs",
     "gauge",
     "Jobs known to belong to an asynchronous creation batch (v5 batch-async-jobs/{async_job_id} jobs[])."},
    {"drs_monitor_jobs",
     "gauge",
     "Jobs tracked by the monitor per project and source (config: listed in the configuration; async_batch: "
     "discovered through v5 batch-async-jobs)."},
    {"drs_monitor_jobs_by_cadence",
     "gauge",
     "Jobs per project and polling class (transfer: status and progress every poll_interval; watch: status "
     "every poll_interval; finished: status every finished_interval)."},
};

static_assert(f_count == job_collector::family_count);
static_assert(std::size(specs) == job_collector::family_count);

// "# HELP …\n# TYPE …\n" of every family, escaped as the text format asks of HELP lines.
const std::array<std::string, f_count>& headers()
{
    static const auto all = [] {
        std::array<std::string, f_count> out;
        for (std::size_t i = 0; i < f_count; ++i)
        {
            auto& h = out[i];
            h = "# HELP ";
            h += specs[i].name;
            h += ' ';
            for (const char c : std::string_view(specs[i].help))
            {
                if (c == '\\')
                    h += "\\\\";
                else if (c == '\n')
                    h += "\\n";
                else
                    h += c;
            }
            h += polled;
            h += "\n# TYPE ";
            h += specs[i].name;
            h += ' ';
            h += specs[i].type;
            h += '\n';
        }
        return out;
    }();
    return all;
}

// A label value escaped for the text format: backslash, double quote and line feed.
void append_escaped(std::string& out, std::string_view v)
{
    core::append_escaped(out, v, [](char c) -> std::string_view {
        switch (c)
        {
        case '\\': return "\\\\";
        case '"': return "\\\"";
        case '\n': return "\\n";
        default: return {};
        }
    });
}

// The value as prometheus-cpp's serializer writes it (%.16g): the same text as before this
// renderer existed, and exact for integers below 10^15, which take the integer path.
void append_value(std::string& out, double v)
{
    char buf[32];
    std::to_chars_result r;
    if (v == std::trunc(v) && std::fabs(v) < 1e15 && !(v == 0 && std::signbit(v)))
        r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v));
    else
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 16);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

std::string_view lower_result(std::string_view raw, std::string& scratch)
{
    scratch.assign(raw);
    // In place: the scratch buffer is reused for every job, core::lower(string_view) would allocate.
    for (auto& c : scratch)
        c = core::lower(c);
    return scratch;
}

}  // namespace

namespace detail {

void append_label(std::string& out, std::string_view name, std::string_view value)
{
    out += ',';
    out += name;
    out += "=\"";
    append_escaped(out, value);
    out += '"';
}

// Non-finite values never get here (see sample()).
void line_end(std::string& out, double v)
{
    out += "} ";
    append_value(out, v);
    out += '\n';
}

}  // namespace detail

job_collector::job_collector(
    const state::store& store,
    const core::clock& clock,
    job_collector_options options
)
    : store_(store), clock_(clock), options_(options)
{
}

job_collector::pass::pass(const job_collector& owner)
    : owner_(&owner), generation_(owner.store_.generation()), now_(owner.clock_.now())
{
    // Each family takes the smallest recycled buffer that holds what it needed last time.
    auto& spare = owner.spare_;
    for (std::size_t i = 0; i < f_count; ++i)
    {
        const auto need = owner.last_sizes_[i];
        if (need == 0)
            continue;
        auto best = spare.end();
        for (auto it = spare.begin(); it != spare.end(); ++it)
            if (it->capacity() >= need && (best == spare.end() || it->capacity() < best->capacity()))
                best = it;
        if (best != spare.end())
        {
            samples_[i] = std::move(*best);
            spare.erase(best);
        }
        samples_[i].reserve(need);
    }
    spare.clear();
}

std::string& job_collector::pass::line(std::size_t fam)
{
    std::string& out = samples_[fam];
    if (out.empty())
        out += headers()[fam];
    out += specs[fam].name;
    out += '{';
    out += id_;
    return out;
}

bool job_collector::pass::step(std::size_t max_jobs)
{
    if (done_)
        return true;
    if (max_jobs == 0)
        max_jobs = 1;
    const state::job_key* last = nullptr;
    const auto n = owner_->store_.for_each_after(
        last_ ? &*last_ : nullptr,
        max_jobs,
        [&](const state::job_key& key, const state::job_state& s) {
            render_job(key, s);
            last = &key;
        }
    );
    if (last)
        last_ = *last;
    if (n == max_jobs)
        return false;

    // Every job is rendered: the per-batch and per-source counts of the jobs seen.
    auto counts = [this](std::size_t fam, std::string_view label, const auto& by_key) {
        for (const auto& [k, count] : by_key)
        {
            std::string& out = samples_[fam];
            if (out.empty())
                out += headers()[fam];
            out += specs[fam].name;
            out += "{project=\"";
            append_escaped(out, k.first);
            out += '"';
            append_label(out, label, k.second);
            line_end(out, static_cast<double>(count));
        }
    };
    counts(f_async_batch_jobs, "async_job_id", async_batches_);
    counts(f_monitor_jobs, "source", by_source_);
    counts(f_monitor_jobs_by_cadence, "class", by_cadence_);
    done_ = true;
    return true;
}

std::vector<std::string> job_collector::pass::take()
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < f_count; ++i)
    {
        owner_->last_sizes_[i] = samples_[i].size();
        if (!samples_[i].empty())
            out.push_back(std::move(samples_[i]));
        samples_[i] = {};
    }
    return out;
}

void job_collector::pass::render_job(const state::job_key& key, const state::job_state& s)
{
    id_.clear();
    id_ += "project=\"";
    append_escaped(id_, key.project);
    id_ += "\",job_id=\"";
    append_escaped(id_, key.job_id);
    id_ += '"';

    // A sample without extra labels; non-finite values are dropped so NaN never reaches the text.
    auto sample = [this](family fam, double v) {
        if (!std::isfinite(v))
            return;
        std::string& out = line(fam);
        line_end(out, v);
    };
    auto optional_sample = [&](family fam, const std::optional<double>& v) {
        if (v)
            sample(fam, *v);
    };
    auto labelled = [this](family fam, std::string_view name, std::string_view value, double v) {
        if (!std::isfinite(v))
            return;
        std::string& out = line(fam);
        append_label(out, name, value);
        line_end(out, v);
    };
    auto labelled2 = [this](
                         family fam,
                         std::string_view n1,
                         std::string_view v1,
                         std::string_view n2,
                         std::string_view v2,
                         double v
                     ) {
        if (!std::isfinite(v))
            return;
        std::string& out = line(fam);
        append_label(out, n1, v1);
        append_label(out, n2, v2);
        line_end(out, v);
    };

    const auto& m = s.metadata;
    {
        std::string& out = line(f_info);
        for (const auto& [name, field] : state::metadata_text_fields)
            append_label(out, name, m.*field);
        line_end(out, 1);
    }
    if (!m.async_job_id.empty())
        ++async_batches_[{key.project, m.async_job_id}];
    ++by_source_[{key.project, s.source}];
    ++by_cadence_[{key.project, state::to_string(state::cadence_of(s))}];
    if (s.last_refresh)
        sample(f_last_refresh, core::to_unix_seconds(*s.last_refresh));

    const auto& opts = owner_->options_;
    const auto limit = opts.max_staleness.count() > 0
                           ? state::staleness_limit(s, opts.max_staleness, opts.finished_interval)
                           : opts.max_staleness;
    const bool overdue = limit.count() > 0 && s.last_refresh && now_ - *s.last_refresh > limit;
    const bool stale = s.stale || overdue;
    sample(f_stale, stale ? 1 : 0);
    // Old values of a job we can no longer see would look current; withdraw them.
    if (stale)
        return;
    if (limit.count() > 0 && s.last_refresh)
    {
        const core::wall_time until = *s.last_refresh + limit;
        if (!valid_until_ || until < *valid_until_)
            valid_until_ = until;
    }

    if (!s.status.empty())
    {
        labelled(f_status, "status", s.status, 1);
        sample(f_failed, state::is_failed_status(s.status) ? 1 : 0);
    }
    optional_sample(f_progress, s.progress_ratio);
    for (const auto& [phase, ratio] : s.phases)
        labelled(f_phase_progress, "phase", phase, ratio);
    optional_sample(f_delay, s.delay_seconds);
    optional_sample(f_remaining, s.remaining_seconds);
    if (m.created)
        sample(f_created, core::to_unix_seconds(*m.created));
    if (s.status_changed_at)
        sample(f_status_last_change, core::to_unix_seconds(*s.status_changed_at));
    sample(f_status_changes, static_cast<double>(s.status_changes));
    // One series per job: the API's own error wins; a child's error in the job list has no code.
    if (!s.api_error.empty())
        labelled(f_api_error, "error_code", s.api_error.code, 1);
    else if (!s.listed_error.empty())
        labelled(f_api_error, "error_code", state::unknown_error_code, 1);

    if (s.precheck.present)
    {
        sample(f_precheck_complete, s.precheck.complete ? 1 : 0);
        if (s.precheck.passed)
            sample(f_precheck_passed, *s.precheck.passed ? 1 : 0);
        optional_sample(f_precheck_passed_ratio, s.precheck.passed_ratio);
        // Counted per lowercased result; passed, alarm and failed always appear (as 0 when none).
        std::size_t alarm = 0, failed = 0, passed = 0;
        std::map<std::string, std::size_t> other;
        std::string scratch;
        for (const auto& item : s.precheck.items)
        {
            const auto result = lower_result(item.result, scratch);
            if (result == "passed")
            {
                ++passed;
                continue;
            }
            if (result == "alarm")
                ++alarm;
            else if (result == "failed")
                ++failed;
            else
                ++other[std::string(result)];
            std::string& out = line(f_precheck_item_not_passed);
            append_label(out, "item", item.item);
            append_label(out, "group", item.group);
            append_label(out, "result", result);
            line_end(out, 1);
        }
        other.emplace("alarm", alarm);
        other.emplace("failed", failed);
        other.emplace("passed", passed);
        for (const auto& [result, count] : other)
            labelled(f_precheck_items, "result", result, static_cast<double>(count));
    }

    for (const auto& [type, obj] : s.init)
    {
        if (obj.src_count)
            labelled2(f_init_objects, "object_type", type, "side", "source", double(*obj.src_count));
        if (obj.dst_count)
            labelled2(f_init_objects, "object_type", type, "side", "target", double(*obj.dst_count));
        if (obj.status)
            labelled(f_init_complete, "object_type", type, obj.complete() ? 1 : 0);
        if (obj.detail_complete)
            labelled2(
                f_init_detail_objects,
                "object_type",
                type,
                "state",
                "complete",
                double(*obj.detail_complete)
            );
        if (obj.detail_in_progress)
            labelled2(
                f_init_detail_objects,
                "object_type",
                type,
                "state",
                "in_progress",
                double(*obj.detail_in_progress)
            );
    }

    optional_sample(f_node_cpu, s.node.cpu_ratio);
    optional_sample(f_node_memory, s.node.memory_ratio);
    optional_sample(f_apply_rows, s.node.apply_rows_per_second);
    optional_sample(f_apply_transactions, s.node.apply_transactions_per_second);
    optional_sample(f_network_receive, s.node.network_receive_bytes_per_second);
    optional_sample(f_network_transmit, s.node.network_transmit_bytes_per_second);
    optional_sample(f_disk_read, s.node.disk_read_bytes_per_second);
    optional_sample(f_disk_write, s.node.disk_write_bytes_per_second);

    if (!s.collect.status.empty())
        for (const char* st : {"pending", "success", "failed"})
            labelled(f_collect_status, "status", st, s.collect.status == st ? 1 : 0);
    if (s.collect.last_success)
        sample(f_collect_last_success, core::to_unix_seconds(*s.collect.last_success));
    render_dr(s.dr);
}

void job_collector::recycle(std::vector<std::string> buffers) const
{
    for (auto& b : buffers)
    {
        b.clear();
        if (b.capacity() > 0)
            spare_.push_back(std::move(b));
    }
}

std::string job_collector::render() const
{
    auto p = start();
    p.step(std::numeric_limits<std::size_t>::max());
    std::string out;
    for (auto& part : p.take())
        out += part;
    return out;
}

}  // namespace drsmon::metrics
