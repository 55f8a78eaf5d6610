#include "drsmon/metrics/job_collector.hpp"

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace drsmon::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* polled = " Value from background polling, not fetched at scrape time.";

struct family_spec
{
    const char* name;
    MetricType type;
    const char* help;
};

// Declaration order is exposition order.
const family_spec specs[] = {
    {"drs_job_info",
     MetricType::Gauge,
     "Job identity, always 1 (name, db_use_type, engine_type, task_type, job_direction, parent_id from v3 "
     "batch-detail / POST /v3/{project_id}/jobs / v5 job detail; async_job_id from v5 batch-async-jobs)."},
    {"drs_job_status",
     MetricType::Gauge,
     "Current job status as a label, always 1 (v3 batch-status results[].status)."},
    {"drs_job_failed",
     MetricType::Gauge,
     "1 when the job status ends in _FAILED, else 0 (v3 batch-status results[].status)."},
    {"drs_job_progress_ratio",
     MetricType::Gauge,
     "Overall progress 0..1 (v3 batch-progress results[].progress / 100)."},
    {"drs_job_phase_progress_ratio",
     MetricType::Gauge,
     "Progress of one phase 0..1 (v3 batch-progress results[].progress_map.<phase>.completed / 100)."},
    {"drs_job_replication_delay_seconds",
     MetricType::Gauge,
     "Incremental replication delay in seconds (v3 batch-progress incre_trans_delay, v5 "
     "progress_info.incr_trans_delay); "
     "absent when not applicable (-1)."},
    {"drs_job_remaining_seconds",
     MetricType::Gauge,
     "Estimated remaining time in seconds (v3 batch-progress remaining_time)."},
    {"drs_job_created_timestamp_seconds",
     MetricType::Gauge,
     "Job creation time (v3 batch-detail create_time)."},
    {"drs_job_status_last_change_timestamp_seconds",
     MetricType::Gauge,
     "When the monitor observed the latest status change (successive v3 batch-status results[].status)."},
    {"drs_job_last_refresh_timestamp_seconds",
     MetricType::Gauge,
     "When the monitor last refreshed the job from any DRS API."},
    {"drs_job_status_changes_total",
     MetricType::Counter,
     "Status transitions observed by the monitor (successive v3 batch-status results[].status), kept across "
     "restarts."},
    {"drs_job_stale",
     MetricType::Gauge,
     "1 when the job was not refreshed within the staleness limit; its value series are then withdrawn."},
    {"drs_job_api_error",
     MetricType::Gauge,
     "Per-job error reported inside a DRS API response (results[].error_code of the v3 batch APIs), always "
     "1."},
    {"drs_job_precheck_complete",
     MetricType::Gauge,
     "1 when the pre-check finished (v3 batch-precheck-result results[].process = 100%)."},
    {"drs_job_precheck_passed",
     MetricType::Gauge,
     "1 when every pre-check item passed (v3 batch-precheck-result results[].result)."},
    {"drs_job_precheck_passed_ratio",
     MetricType::Gauge,
     "Passed share of the pre-check 0..1 (v3 batch-precheck-result results[].total_passed_rate / 100)."},
    {"drs_job_precheck_items",
     MetricType::Gauge,
     "Pre-check items by result: passed, alarm, failed (v3 batch-precheck-result precheck_result[].result)."},
    {"drs_job_precheck_item_not_passed",
     MetricType::Gauge,
     "1 for each pre-check item whose result is not PASSED (v3 batch-precheck-result precheck_result[] item, "
     "group, result)."},
    {"drs_job_init_objects",
     MetricType::Gauge,
     "DR initialisation object count per type; side=source is src_count, side=target is dst_count "
     "(v3 batch-struct-process struct_process.result[])."},
    {"drs_job_init_complete",
     MetricType::Gauge,
     "1 when DR initialisation of the object type is complete (v3 batch-struct-process "
     "struct_process.result[].status = 2)."},
    {"drs_job_init_detail_objects",
     MetricType::Gauge,
     "DR initialisation objects per type by state complete or in_progress (v3 batch-struct-detail "
     "struct_detail.list[].progress)."},
    {"drs_job_node_cpu_ratio",
     MetricType::Gauge,
     "Replication node CPU utilisation 0..1 (v5 job detail metrics.cpu_util / 100)."},
    {"drs_job_node_memory_ratio",
     MetricType::Gauge,
     "Replication node memory utilisation 0..1 (v5 job detail metrics.mem_util / 100)."},
    {"drs_job_apply_rows_per_second",
     MetricType::Gauge,
     "Rows applied per second (v5 job detail metrics.apply_rows_rate)."},
    {"drs_job_apply_transactions_per_second",
     MetricType::Gauge,
     "Transactions applied per second (v5 job detail metrics.apply_transactions_rate)."},
    {"drs_job_node_network_receive_bytes_per_second",
     MetricType::Gauge,
     "Node network receive rate in bytes/s (v5 job detail metrics.network_incoming_bytes_rate)."},
    {"drs_job_node_network_transmit_bytes_per_second",
     MetricType::Gauge,
     "Node network transmit rate in bytes/s (v5 job detail metrics.network_outgoing_bytes_rate)."},
    {"drs_job_node_disk_read_bytes_per_second",
     MetricType::Gauge,
     "Node disk read rate in bytes/s (v5 job detail metrics.disk_read_bytes_rate)."},
    {"drs_job_node_disk_write_bytes_per_second",
     MetricType::Gauge,
     "Node disk write rate in bytes/s (v5 job detail metrics.disk_write_bytes_rate)."},
    {"drs_job_objects_collect_status",
     MetricType::Gauge,
     "Database-object collection status; the current one of pending, success, failed is 1 "
     "(v5.1 db-objects/collect and v5 db-objects/collection-status status)."},
    {"drs_job_objects_collect_last_success_timestamp_seconds",
     MetricType::Gauge,
     "When a database-object collection last succeeded (v5 db-objects/collection-status status = success)."},
    {"drs_async_batch_jobs",
     MetricType::Gauge,
     "Jobs known to belong to an asynchronous creation batch (v5 batch-async-jobs/{async_job_id} jobs[])."},
    {"drs_monitor_jobs",
     MetricType::Gauge,
     "Jobs tracked by the monitor per project and source (config: listed in the configuration; async_batch: "
     "discovered through v5 batch-async-jobs)."},
};

class family_set
{
public:
    family_set()
    {
        for (const auto& s : specs)
        {
            MetricFamily f;
            f.name = s.name;
            f.type = s.type;
            f.help = std::string(s.help) + polled;
            index_[s.name] = families_.size();
            families_.push_back(std::move(f));
        }
    }

    // Adds a sample; non-finite values are dropped so NaN never reaches the exposition.
    void add(const char* name, std::vector<ClientMetric::Label> labels, double value)
    {
        if (!std::isfinite(value))
            return;
        const auto it = index_.find(std::string_view(name));
        if (it == index_.end())
            throw std::out_of_range(std::string("unknown metric family ") + name);
        auto& f = families_[it->second];
        ClientMetric m;
        m.label = std::move(labels);
        if (f.type == MetricType::Counter)
            m.counter.value = value;
        else
            m.gauge.value = value;
        f.metric.push_back(std::move(m));
    }

    std::vector<MetricFamily> take()
    {
        std::vector<MetricFamily> out;
        for (auto& f : families_)
            if (!f.metric.empty())
                out.push_back(std::move(f));
        return out;
    }

private:
    std::vector<MetricFamily> families_;
    std::map<std::string, std::size_t, std::less<>> index_;
};

std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

using labels_t = std::vector<ClientMetric::Label>;

labels_t with(const labels_t& base, std::initializer_list<ClientMetric::Label> extra)
{
    labels_t out = base;
    out.insert(out.end(), extra);
    return out;
}

void add_optional(family_set& f, const char* name, const labels_t& labels, const std::optional<double>& v)
{
    if (v)
        f.add(name, labels, *v);
}

void add_values(family_set& f, const labels_t& id, const state::job_state& s)
{
    if (!s.status.empty())
    {
        f.add("drs_job_status", with(id, {{"status", s.status}}), 1);
        f.add("drs_job_failed", id, state::is_failed_status(s.status) ? 1 : 0);
    }
    add_optional(f, "drs_job_progress_ratio", id, s.progress_ratio);
    for (const auto& [phase, ratio] : s.phases)
        f.add("drs_job_phase_progress_ratio", with(id, {{"phase", phase}}), ratio);
    add_optional(f, "drs_job_replication_delay_seconds", id, s.delay_seconds);
    add_optional(f, "drs_job_remaining_seconds", id, s.remaining_seconds);
    if (s.metadata.created)
        f.add("drs_job_created_timestamp_seconds", id, core::to_unix_seconds(*s.metadata.created));
    if (s.status_changed_at)
        f.add(
            "drs_job_status_last_change_timestamp_seconds",
            id,
            core::to_unix_seconds(*s.status_changed_at)
        );
    f.add("drs_job_status_changes_total", id, static_cast<double>(s.status_changes));
    if (!s.api_error.empty())
        f.add("drs_job_api_error", with(id, {{"error_code", s.api_error.code}}), 1);

    if (s.precheck.present)
    {
        f.add("drs_job_precheck_complete", id, s.precheck.complete ? 1 : 0);
        if (s.precheck.passed)
            f.add("drs_job_precheck_passed", id, *s.precheck.passed ? 1 : 0);
        add_optional(f, "drs_job_precheck_passed_ratio", id, s.precheck.passed_ratio);
        std::map<std::string, int> by_result{{"passed", 0}, {"alarm", 0}, {"failed", 0}};
        for (const auto& item : s.precheck.items)
        {
            const auto result = lower(item.result);
            ++by_result[result];
            if (result != "passed")
                f.add(
                    "drs_job_precheck_item_not_passed",
                    with(id, {{"item", item.item}, {"group", item.group}, {"result", result}}),
                    1
                );
        }
        for (const auto& [result, count] : by_result)
            f.add("drs_job_precheck_items", with(id, {{"result", result}}), count);
    }

    for (const auto& [type, obj] : s.init)
    {
        if (obj.src_count)
            f.add(
                "drs_job_init_objects",
                with(id, {{"object_type", type}, {"side", "source"}}),
                double(*obj.src_count)
            );
        if (obj.dst_count)
            f.add(
                "drs_job_init_objects",
                with(id, {{"object_type", type}, {"side", "target"}}),
                double(*obj.dst_count)
            );
        if (obj.status)
            f.add("drs_job_init_complete", with(id, {{"object_type", type}}), obj.complete() ? 1 : 0);
        if (obj.detail_complete)
            f.add(
                "drs_job_init_detail_objects",
                with(id, {{"object_type", type}, {"state", "complete"}}),
                double(*obj.detail_complete)
            );
        if (obj.detail_in_progress)
            f.add(
                "drs_job_init_detail_objects",
                with(id, {{"object_type", type}, {"state", "in_progress"}}),
                double(*obj.detail_in_progress)
            );
    }

    add_optional(f, "drs_job_node_cpu_ratio", id, s.node.cpu_ratio);
    add_optional(f, "drs_job_node_memory_ratio", id, s.node.memory_ratio);
    add_optional(f, "drs_job_apply_rows_per_second", id, s.node.apply_rows_per_second);
    add_optional(f, "drs_job_apply_transactions_per_second", id, s.node.apply_transactions_per_second);
    add_optional(
        f,
        "drs_job_node_network_receive_bytes_per_second",
        id,
        s.node.network_receive_bytes_per_second
    );
    add_optional(
        f,
        "drs_job_node_network_transmit_bytes_per_second",
        id,
        s.node.network_transmit_bytes_per_second
    );
    add_optional(f, "drs_job_node_disk_read_bytes_per_second", id, s.node.disk_read_bytes_per_second);
    add_optional(f, "drs_job_node_disk_write_bytes_per_second", id, s.node.disk_write_bytes_per_second);

    if (!s.collect.status.empty())
        for (const char* st : {"pending", "success", "failed"})
            f.add(
                "drs_job_objects_collect_status",
                with(id, {{"status", st}}),
                s.collect.status == st ? 1 : 0
            );
    if (s.collect.last_success)
        f.add(
            "drs_job_objects_collect_last_success_timestamp_seconds",
            id,
            core::to_unix_seconds(*s.collect.last_success)
        );
}

}  // namespace

job_collector::job_collector(
    const state::store& store,
    const core::clock& clock,
    job_collector_options options
)
    : store_(store), clock_(clock), options_(options)
{
}

std::vector<MetricFamily> job_collector::Collect() const
{
    family_set f;
    const auto now = clock_.now();
    std::map<std::pair<std::string, std::string>, int> async_batches;

    store_.for_each([&](const state::job_key& key, const state::job_state& s) {
        const labels_t id{{"project", key.project}, {"job_id", key.job_id}};
        const auto& m = s.metadata;
        f.add(
            "drs_job_info",
            with(
                id,
                {{"name", m.name},
                 {"db_use_type", m.db_use_type},
                 {"engine_type", m.engine_type},
                 {"task_type", m.task_type},
                 {"job_direction", m.job_direction},
                 {"parent_id", m.parent_id},
                 {"async_job_id", m.async_job_id}}
            ),
            1
        );
        if (!m.async_job_id.empty())
            ++async_batches[{key.project, m.async_job_id}];
        if (s.last_refresh)
            f.add("drs_job_last_refresh_timestamp_seconds", id, core::to_unix_seconds(*s.last_refresh));

        const bool overdue = options_.max_staleness.count() > 0 && s.last_refresh &&
                             now - *s.last_refresh > options_.max_staleness;
        const bool stale = s.stale || overdue;
        f.add("drs_job_stale", id, stale ? 1 : 0);
        // Old values of a job we can no longer see would look current; withdraw them.
        if (!stale)
            add_values(f, id, s);
    });

    for (const auto& [k, n] : async_batches)
        f.add("drs_async_batch_jobs", {{"project", k.first}, {"async_job_id", k.second}}, n);
    for (const auto& [k, n] : store_.count_by_project_and_source())
        f.add("drs_monitor_jobs", {{"project", k.first}, {"source", k.second}}, double(n));
    return f.take();
}

}  // namespace drsmon::metrics
