#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/drs_api/dr_models.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/poller/observations.hpp"
#include "drsmon/poller/rules.hpp"
#include "drsmon/state/job_state.hpp"

#include <string>

namespace drsmon::poller {

// How the disaster-recovery and replication-health answers become job state (state::dr_state),
// in the scheme of observations.hpp. A job the API does not apply to (DRS.M00304) is marked with
// its applicability key, so the rules (rules.hpp) do not ask again until its type or phase
// changes; its figures from that API are cleared (absent, not 0).

// ---- batch-rpo-and-rto: stored jobs only; unknown jobs drop; other per-item errors keep
judgement judge(const state::job_state* stored, const drs_api::job_rpo_rto& item);
void apply_item(state::job_state& s, const drs_api::job_rpo_rto& item, core::wall_time now);

// ---- disaster-recovery-monitoring-data: as batch-rpo-and-rto (they share the not-applicable mark)
judgement judge(const state::job_state* stored, const drs_api::job_dr_monitor& item);
void apply_item(state::job_state& s, const drs_api::job_dr_monitor& item, core::wall_time now);

// ---- increment-components-detail (per job): the components by type, replacing the stored ones
void apply_components(
    state::job_state& s,
    const drs_api::increment_components_response& r,
    core::wall_time now
);
// The API answered DRS.M00304 for the job: mark it and clear its components.
void apply_components_not_applicable(state::job_state& s);

// ---- actions (per job): the current action ("" when none runs)
void apply_actions(state::job_state& s, const drs_api::job_actions_response& r, core::wall_time now);

}  // namespace drsmon::poller
