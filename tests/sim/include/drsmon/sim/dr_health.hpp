#pragma once

#include "drsmon/sim/world.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

// Disaster-recovery and replication health of the simulated jobs (batch-rpo-and-rto,
// disaster-recovery-monitoring-data, increment-components-detail, actions). Pure functions of a
// job, its snapshot and the simulated time; no state of their own.
//
// Life cycles repeat every dr_cycle_seconds of simulated time, counted from the start of the job's
// incremental phase (job_snapshot::incr_start), so a test reaches each phase with advance():
//   [  0, 120)  RPO a few seconds (RTO a third of it), both endpoints up, components STARTED
//   [120, 240)  RPO grows linearly to 600 s            (DR jobs)
//   [240, 300)  RPO recovers to a few seconds           (DR jobs)
//   [360, 420)  the target endpoint is down (dst_normal false, its delay grows)   (DR jobs)
//   [420, 425)  apply STOPPING, [425, 480) apply STOPPED, [480, 485) apply STARTING (incremental jobs)
//   [500, 560)  current_action SWITCH_OVER              (DR jobs)
// INCRE_TRANSFER_FAILED stops both components.
namespace drsmon::sim {

inline constexpr double dr_cycle_seconds = 600;

// The error a DR read answers for a job it does not apply to (per item in the v3 batches, as the
// whole 400 reply of the v5 reads).
inline constexpr const char* not_applicable_code = "DRS.M00304";
inline constexpr const char* not_applicable_message = "This API cannot be called in the current task status.";

// RPO/RTO and DR monitoring apply to DR jobs (cloudDataGuard) whose incremental phase has started
// (initialisation done) and that are not released.
bool dr_reads_apply(const job_spec& job, const job_snapshot& s);

// Increment components apply while the job is in an incremental phase: INCRE_TRANSFER_STARTED or
// INCRE_TRANSFER_FAILED, or paused after the incremental phase started.
bool components_apply(const job_snapshot& s);

// The figures at simulated time t of a job for which dr_reads_apply holds.
struct dr_figures
{
    double rpo_seconds = 0;
    double rto_seconds = 0;
    bool source_up = true;
    bool target_up = true;
    double source_delay = 0;
    double target_delay = 0;
    double source_rps = 0;
    double target_rps = 0;
};

dr_figures dr_figures_at(const world& w, const job_spec& job, const job_snapshot& s, double t);

struct component_figures
{
    std::string type;             // capture, apply
    std::string status;           // STARTED, STOPPING, STOPPED, STARTING
    std::optional<double> delay;  // nullopt while stopped ("-1")
};

// Capture then apply, at t (components_apply must hold).
std::vector<component_figures> components_at(
    const world& w,
    const job_spec& job,
    const job_snapshot& s,
    double t
);

// "SWITCH_OVER" during the switch-over window of a DR job in its incremental phase, else "".
std::string current_action_at(const job_spec& job, const job_snapshot& s, double t);

// The JSON of one results[] item of batch-rpo-and-rto (keys job_id, rpo_info, rto_info), one of
// disaster-recovery-monitoring-data (id, data_guard_minitor, spelt as the real service does), the
// increment-components-detail document and the actions document. The item builders answer
// DRS.M00304 for a job the read does not apply to.
boost::json::object rpo_rto_item(const world& w, const job_spec& job, const job_snapshot& s, double t);
boost::json::object dr_monitoring_item(const world& w, const job_spec& job, const job_snapshot& s, double t);
boost::json::object components_document(const world& w, const job_spec& job, const job_snapshot& s, double t);
boost::json::object actions_document(const job_spec& job, const job_snapshot& s, double t);

}  // namespace drsmon::sim
