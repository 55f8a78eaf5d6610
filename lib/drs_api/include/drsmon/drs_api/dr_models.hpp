#pragma once

#include "drsmon/drs_api/models.hpp"

#include <optional>
#include <string>
#include <vector>

// Typed models of the disaster-recovery and replication-health reads (reference §2.8 and §2.13):
// batch-rpo-and-rto, disaster-recovery-monitoring-data, increment-components-detail and actions.
// The conventions of models.hpp apply: whitelists only, absent numbers are std::nullopt (never 0),
// "-1" and the empty string are "not reported", text is copied verbatim (open enumerations).
// Units are converted to base units: seconds, bytes (MB = 2^20 bytes, GB = 2^30 bytes, as the
// console's figures are binary), ratios 0..1 for percentages.
namespace drsmon::drs_api {

// ---- batch-rpo-and-rto --------------------------------------------------------------

// rpo_info or rto_info of one job.
struct recovery_point
{
    // delay: a string of seconds, or a number with a unit ("12", "12s", "1500ms", "2min", "1h").
    // Nullopt when absent, empty, negative ("-1") or unparseable.
    std::optional<double> delay_seconds;
    // time: "yyyy-MM-dd HH:mm:ss", taken as UTC (the API gives no offset).
    std::optional<core::wall_time> time;
    std::string check_point;  // verbatim, e.g. a binlog position; gtid_set is not kept (unbounded)
};

struct job_rpo_rto
{
    std::string job_id;
    std::optional<recovery_point> rpo;  // nullopt when rpo_info is absent or null
    std::optional<recovery_point> rto;
    std::optional<item_error> error;
};

using batch_rpo_rto_response = batch_response<job_rpo_rto>;

// ---- disaster-recovery-monitoring-data ----------------------------------------------

// The figures of one end of a DR link.
struct dr_side
{
    std::optional<bool> normal;             // src_normal / dst_normal
    std::optional<double> delay_seconds;    // sr_delay (or src_delay) / dst_delay; "-1" is nullopt
    std::optional<double> rows_per_second;  // src_rps / dst_rps
    std::optional<double> io;               // src_io / dst_io, as sent (the API gives no unit)
    std::string offset;                     // sr_offset (or src_offset) / dst_offset, verbatim
};

// data_guard_minitor (sic) of one job.
struct dr_monitor
{
    dr_side source;
    dr_side target;
    std::optional<double> bandwidth;                   // as sent (no documented unit)
    std::optional<double> cpu_used_ratio;              // cpuUsed_percent, 0..1
    std::optional<double> memory_used_bytes;           // mem_used_inMB
    std::optional<double> volume_used_bytes;           // volume_used_inGB
    std::optional<double> node_memory_bytes;           // node_mem_inMB
    std::optional<double> node_volume_bytes;           // node_volume_inGB
    std::optional<double> transferred_bytes;           // trans_inMB
    std::optional<double> transferred_rows;            // trans_lines
    std::optional<double> migration_bytes_per_second;  // migration_bytes_per_second
    std::string node_offset;                           // verbatim
};

struct job_dr_monitor
{
    std::string job_id;
    std::optional<dr_monitor> monitor;  // nullopt when the object is absent or null
    std::optional<item_error> error;
};

using batch_dr_monitor_response = batch_response<job_dr_monitor>;

// ---- increment-components-detail (v5) -------------------------------------------------

struct increment_component
{
    std::string type;                     // capture, apply (verbatim)
    std::string status;                   // STOPPED, STARTED, STOPPING, STARTING (verbatim)
    std::optional<double> delay_seconds;  // string seconds (units accepted as for RPO); "-1" is nullopt
    std::string start_point;
    std::string current_point;
    std::optional<core::wall_time> resolution_time;
};

struct increment_components_response
{
    std::optional<core::wall_time> update_time;
    std::vector<increment_component> components;  // increment_components_list, in response order
};

// ---- actions (v5) ---------------------------------------------------------------------

struct job_actions_response
{
    std::vector<std::string> available;    // available_actions (string entries only)
    std::vector<std::string> unavailable;  // unavailable_actions (string entries only)
    std::string current_action;            // e.g. "SWITCH_OVER"; empty when none runs
};

}  // namespace drsmon::drs_api
