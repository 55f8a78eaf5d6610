#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/shared_flat_map.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace drsmon::state {

// One increment component (capture or apply) as increment-components-detail last reported it.
struct component_state
{
    std::string status;                   // STARTED, STOPPED, STOPPING, STARTING (verbatim, open set)
    std::optional<double> delay_seconds;  // absent while not reported ("-1")

    friend bool operator==(const component_state&, const component_state&) = default;
};

// Disaster-recovery and replication health of a job (batch-rpo-and-rto,
// disaster-recovery-monitoring-data, increment-components-detail, actions). Every figure is
// optional: absent = not reported, never 0. Base units: seconds, bytes, ratios.
struct dr_state
{
    std::optional<double> rpo_seconds;
    std::optional<double> rto_seconds;
    std::optional<core::wall_time> rpo_checkpoint;  // rpo_info.time (UTC)

    std::optional<bool> source_up;  // src_normal
    std::optional<bool> target_up;  // dst_normal
    std::optional<double> source_delay_seconds;
    std::optional<double> target_delay_seconds;
    std::optional<double> source_rows_per_second;
    std::optional<double> target_rows_per_second;
    std::optional<double> source_io;
    std::optional<double> target_io;
    std::optional<double> cpu_ratio;
    std::optional<double> memory_used_bytes;
    std::optional<double> volume_used_bytes;
    std::optional<double> node_memory_bytes;
    std::optional<double> node_volume_bytes;
    std::optional<double> transferred_bytes;
    std::optional<double> transferred_rows;
    std::optional<double> bandwidth;
    std::optional<double> migration_bytes_per_second;

    shared_flat_map<component_state> components;  // component type (capture, apply) -> state
    std::string current_action;                   // e.g. SWITCH_OVER; empty when none runs

    // The applicability key (applicability_key()) of the job when batch-rpo-and-rto or
    // disaster-recovery-monitoring-data (dr) or increment-components-detail (components) last
    // answered "not applicable"; empty when they answered. The API is not asked again while the
    // job's key stays the same.
    std::string dr_not_applicable;
    std::string components_not_applicable;

    friend bool operator==(const dr_state&, const dr_state&) = default;
};

// The number, flag and text fields of dr_state under the names the state file and the JSON API
// give them, in the order they are written: one list for every writer and reader of the record.
inline constexpr std::pair<std::string_view, std::optional<double> dr_state::*> dr_number_fields[] = {
    {"rpo_seconds", &dr_state::rpo_seconds},
    {"rto_seconds", &dr_state::rto_seconds},
    {"source_delay_seconds", &dr_state::source_delay_seconds},
    {"target_delay_seconds", &dr_state::target_delay_seconds},
    {"source_rows_per_second", &dr_state::source_rows_per_second},
    {"target_rows_per_second", &dr_state::target_rows_per_second},
    {"source_io", &dr_state::source_io},
    {"target_io", &dr_state::target_io},
    {"cpu_ratio", &dr_state::cpu_ratio},
    {"memory_used_bytes", &dr_state::memory_used_bytes},
    {"volume_used_bytes", &dr_state::volume_used_bytes},
    {"node_memory_bytes", &dr_state::node_memory_bytes},
    {"node_volume_bytes", &dr_state::node_volume_bytes},
    {"transferred_bytes", &dr_state::transferred_bytes},
    {"transferred_rows", &dr_state::transferred_rows},
    {"bandwidth", &dr_state::bandwidth},
    {"migration_bytes_per_second", &dr_state::migration_bytes_per_second},
};
inline constexpr std::pair<std::string_view, std::optional<bool> dr_state::*> dr_flag_fields[] = {
    {"source_up", &dr_state::source_up},
    {"target_up", &dr_state::target_up},
};
inline constexpr std::pair<std::string_view, std::string dr_state::*> dr_text_fields[] = {
    {"current_action", &dr_state::current_action},
    {"dr_not_applicable", &dr_state::dr_not_applicable},
    {"components_not_applicable", &dr_state::components_not_applicable},
};

}  // namespace drsmon::state
