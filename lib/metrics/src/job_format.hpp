#pragma once

// Shared by the job collector's translation units (job_collector.cpp, job_collector_dr.cpp): the
// families in exposition order and the text-format helpers of a sample line.

#include <cstddef>
#include <string>
#include <string_view>

namespace drsmon::metrics::detail {

// Declaration order is exposition order (job_collector.cpp's specs follow it).
enum family : std::size_t
{
    f_info,
    f_status,
    f_failed,
    f_progress,
    f_phase_progress,
    f_delay,
    f_remaining,
    f_created,
    f_status_last_change,
    f_last_refresh,
    f_status_changes,
    f_stale,
    f_api_error,
    f_precheck_complete,
    f_precheck_passed,
    f_precheck_passed_ratio,
    f_precheck_items,
    f_precheck_item_not_passed,
    f_init_objects,
    f_init_complete,
    f_init_detail_objects,
    f_node_cpu,
    f_node_memory,
    f_apply_rows,
    f_apply_transactions,
    f_network_receive,
    f_network_transmit,
    f_disk_read,
    f_disk_write,
    f_collect_status,
    f_collect_last_success,
    f_rpo,
    f_rto,
    f_rpo_checkpoint,
    f_endpoint_up,
    f_dr_delay,
    f_dr_rows,
    f_dr_io,
    f_dr_node_cpu,
    f_dr_memory_used,
    f_dr_node_memory,
    f_dr_volume_used,
    f_dr_node_volume,
    f_dr_transferred_bytes,
    f_dr_transferred_rows,
    f_dr_bandwidth,
    f_dr_migration_rate,
    f_component_status,
    f_component_delay,
    f_current_action,
    f_async_batch_jobs,
    f_monitor_jobs,
    f_monitor_jobs_by_cadence,
    f_count
};

// Appends `,name="value"` with the value escaped as the text format asks.
void append_label(std::string& out, std::string_view name, std::string_view value);

// Appends `} value\n`; the caller drops non-finite values before.
void line_end(std::string& out, double v);

}  // namespace drsmon::metrics::detail
