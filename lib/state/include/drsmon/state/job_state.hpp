#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/dr_state.hpp"
#include "drsmon/state/shared_flat_map.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::state {

// Identifies one DRS job: the project (configured name) it is polled in and its job ID.
struct job_key
{
    std::string project;
    std::string job_id;

    friend auto operator<=>(const job_key&, const job_key&) = default;
    friend bool operator==(const job_key&, const job_key&) = default;
};

struct job_key_hash
{
    std::size_t operator()(const job_key& k) const noexcept;
};

// Descriptive fields of a job (batch-detail, ShowJobList, v5 job detail). Empty string = unknown.
struct job_metadata
{
    std::string name;
    std::string db_use_type;  // migration | sync | cloudDataGuard
    std::string engine_type;
    std::string task_type;      // FULL_TRANS | INCR_TRANS | FULL_INCR_TRANS
    std::string job_direction;  // up | down | non-dbs
    std::string parent_id;
    std::string async_job_id;  // the batch of asynchronously created jobs this job belongs to
    std::optional<core::wall_time> created;

    friend bool operator==(const job_metadata&, const job_metadata&) = default;
};

// One pre-check item as reported by batch-precheck-result.
struct precheck_item
{
    std::string item;
    std::string group;
    std::string result;  // PASSED | ALARM | FAILED (as reported; treated as an open set)

    friend bool operator==(const precheck_item&, const precheck_item&) = default;
};

// The pre-check items of a job. Copies share one vector until one of them is changed (copy on
// write), so copying a job_state does not copy its items and comparing two copies whose items were
// not changed does not read them. The monitor's state is used from one thread.
class precheck_item_list
{
public:
    using value_type = precheck_item;
    using const_iterator = std::vector<precheck_item>::const_iterator;
    using iterator = const_iterator;

    precheck_item_list() = default;
    precheck_item_list(std::initializer_list<precheck_item> items)
    {
        if (items.size() > 0)
            items_ = std::make_shared<std::vector<precheck_item>>(items);
    }

    const_iterator begin() const noexcept { return view().begin(); }
    const_iterator end() const noexcept { return view().end(); }
    std::size_t size() const noexcept { return items_ ? items_->size() : 0; }
    bool empty() const noexcept { return size() == 0; }
    const precheck_item& operator[](std::size_t i) const { return view()[i]; }

    void clear() noexcept { items_.reset(); }
    void push_back(precheck_item item) { writable().push_back(std::move(item)); }

    friend bool operator==(const precheck_item_list& a, const precheck_item_list& b)
    {
        return a.items_ == b.items_ || a.view() == b.view();
    }

private:
    const std::vector<precheck_item>& view() const noexcept
    {
        static const std::vector<precheck_item> none;
        return items_ ? *items_ : none;
    }
    std::vector<precheck_item>& writable()
    {
        if (!items_)
            items_ = std::make_shared<std::vector<precheck_item>>();
        else if (items_.use_count() > 1)
            items_ = std::make_shared<std::vector<precheck_item>>(*items_);
        return *items_;
    }

    std::shared_ptr<std::vector<precheck_item>> items_;
};

struct precheck_state
{
    bool present = false;                  // a pre-check result has been received
    bool complete = false;                 // process reached 100%
    std::optional<bool> passed;            // the API's overall `result`
    std::optional<double> passed_ratio;    // total_passed_rate / 100
    std::optional<double> progress_ratio;  // process / 100
    precheck_item_list items;

    friend bool operator==(const precheck_state&, const precheck_state&) = default;
};

// DR initialisation progress of one object type (batch-struct-process, batch-struct-detail).
struct init_object
{
    std::optional<int> status;  // 1 = in progress, 2 = complete
    std::optional<std::int64_t> src_count;
    std::optional<std::int64_t> dst_count;
    std::optional<std::int64_t> detail_complete;
    std::optional<std::int64_t> detail_in_progress;

    bool complete() const noexcept { return status == 2; }
    friend bool operator==(const init_object&, const init_object&) = default;
};

// Node-level metrics from the v5 job detail `metrics` block. Absent = not reported.
struct node_metrics
{
    std::optional<double> cpu_ratio;
    std::optional<double> memory_ratio;
    std::optional<double> apply_rows_per_second;
    std::optional<double> apply_transactions_per_second;
    std::optional<double> network_receive_bytes_per_second;
    std::optional<double> network_transmit_bytes_per_second;
    std::optional<double> disk_read_bytes_per_second;
    std::optional<double> disk_write_bytes_per_second;

    friend bool operator==(const node_metrics&, const node_metrics&) = default;
};

// The text fields of job_metadata (also the labels of the job info metric), of a pre-check item, the counts
// of init_object and the node metrics under the names the state file and the JSON API give them, in the order
// they are written: one list for every writer and reader of the record.
inline constexpr std::pair<std::string_view, std::string job_metadata::*> metadata_text_fields[] = {
    {"name", &job_metadata::name},
    {"db_use_type", &job_metadata::db_use_type},
    {"engine_type", &job_metadata::engine_type},
    {"task_type", &job_metadata::task_type},
    {"job_direction", &job_metadata::job_direction},
    {"parent_id", &job_metadata::parent_id},
    {"async_job_id", &job_metadata::async_job_id},
};
inline constexpr std::pair<std::string_view, std::string precheck_item::*> precheck_item_fields[] = {
    {"item", &precheck_item::item},
    {"group", &precheck_item::group},
    {"result", &precheck_item::result},
};
inline constexpr std::pair<std::string_view, std::optional<std::int64_t> init_object::*> init_count_fields[] =
    {
        {"src_count", &init_object::src_count},
        {"dst_count", &init_object::dst_count},
        {"detail_complete", &init_object::detail_complete},
        {"detail_in_progress", &init_object::detail_in_progress},
};
inline constexpr std::pair<std::string_view, std::optional<double> node_metrics::*> node_metric_fields[] = {
    {"cpu_ratio", &node_metrics::cpu_ratio},
    {"memory_ratio", &node_metrics::memory_ratio},
    {"apply_rows_per_second", &node_metrics::apply_rows_per_second},
    {"apply_transactions_per_second", &node_metrics::apply_transactions_per_second},
    {"network_receive_bytes_per_second", &node_metrics::network_receive_bytes_per_second},
    {"network_transmit_bytes_per_second", &node_metrics::network_transmit_bytes_per_second},
    {"disk_read_bytes_per_second", &node_metrics::disk_read_bytes_per_second},
    {"disk_write_bytes_per_second", &node_metrics::disk_write_bytes_per_second},
};

// The asynchronous database-object collection (v5.1 db-objects/collect).
struct collect_state
{
    std::string status;  // pending | success | failed | "" (never collected)
    std::optional<core::wall_time> last_success;
    std::string query_id;

    friend bool operator==(const collect_state&, const collect_state&) = default;
};

// A per-job error reported inside a successful API response. Empty code = none.
struct api_error_state
{
    std::string code;
    std::string message_short;

    bool empty() const noexcept { return code.empty(); }
    friend bool operator==(const api_error_state&, const api_error_state&) = default;
};

// The code a per-job error is exported with when the API gave only a message: a per-item error
// without error_code, and a child's error_msg in the job list (which carries no code).
inline constexpr std::string_view unknown_error_code = "unknown";

inline constexpr std::string_view source_config = "config";
inline constexpr std::string_view source_async_batch = "async_batch";
inline constexpr std::string_view source_discovery = "discovery";

// Everything the monitor knows about one job. Every API-derived value is optional (or empty)
// because each one comes from a different API at a different time.
struct job_state
{
    job_metadata metadata;

    std::string status;  // raw DRS status string; treated as an open set
    std::optional<core::wall_time> status_changed_at;
    std::uint64_t status_changes = 0;

    std::optional<double> progress_ratio;
    shared_flat_map<double> phases;       // progress_map key (struct, data, index, ...) -> ratio
    std::optional<double> delay_seconds;  // absent = not applicable (not incremental)
    std::optional<double> remaining_seconds;

    precheck_state precheck;
    shared_flat_map<init_object> init;  // lowercased object type -> progress
    node_metrics node;
    collect_state collect;
    dr_state dr;
    api_error_state api_error;
    // A child's error_msg as the job list last showed it, cut to 160 bytes (free text: never a
    // label); empty = none. Its own field: the status round rewrites api_error every round, and
    // two sources in one field would flap.
    std::string listed_error;

    std::string source{source_config};  // "config" | "async_batch" | "discovery"
    std::optional<core::wall_time> last_refresh;
    std::optional<core::wall_time> last_change;
    bool stale = false;

    friend bool operator==(const job_state&, const job_state&) = default;
};

// True for statuses that end in _FAILED (the DRS "abnormal" family, see drs-api.md §3.1).
bool is_failed_status(std::string_view status) noexcept;

// True when the two states differ in anything but the monitor's own bookkeeping
// (status_changed_at, status_changes, last_refresh, last_change, stale).
bool domain_differs(const job_state& a, const job_state& b);

}  // namespace drsmon::state

template <>
struct std::hash<drsmon::state::job_key>
{
    std::size_t operator()(const drsmon::state::job_key& k) const noexcept
    {
        return drsmon::state::job_key_hash{}(k);
    }
};
