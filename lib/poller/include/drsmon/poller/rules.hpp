#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/state/job_state.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace drsmon::poller {

// The polling rules that follow a job's life cycle: pure decisions on the stored state, so that
// a round asks an API only for the jobs where its answer can tell something.

// Pre-check results are read while a job is being configured (CONFIGURATION, CREATING), and a
// pre-check that was seen running is followed until it finishes.
bool wants_precheck(const state::job_state& s) noexcept;

// DR initialisation (batch-struct-process) is read for cloudDataGuard jobs that have started and
// are not terminal, until every object type they reported is complete.
bool wants_init(const state::job_state& s) noexcept;

// batch-progress is read for jobs whose progress or delay can move (state::cadence::transfer);
// once more after a job left that phase, so that its final values are exported
// (`was_transferring`: it was in a transfer phase at its last progress read or when the status
// round started); and once for a failed or paused job whose progress was never read since the
// daemon started (`never_read`), to export where it stopped. Never for configuring or finished
// jobs otherwise.
bool wants_progress(const state::job_state& s, bool was_transferring, bool never_read) noexcept;

// ---- disaster-recovery and replication health (dr_observations.hpp)

// What decides whether a DR read applies to a job: "<db_use_type>|<task_type>|<status>". An API
// that answered "not applicable" is not asked again while the key stays the same.
std::string applicability_key(const state::job_state& s);
// applicability_key(s) == key, without building the key.
bool same_applicability(const state::job_state& s, std::string_view key) noexcept;

// A DR job: db_use_type cloudDataGuard, or task_type DR (any case).
bool is_dr_job(const state::job_state& s) noexcept;

// batch-rpo-and-rto and disaster-recovery-monitoring-data (the dr task, dr_interval) are read for
// DR jobs past initialisation (any status but the ones before and during it, the terminal ones
// and RELEASE_RESOURCE_*), unless they answered "not applicable" for the job's current key.
bool wants_dr(const state::job_state& s) noexcept;

// increment-components-detail (the components task, components_interval) is read for jobs in an
// incremental phase (INCRE_TRANSFER_STARTED, INCRE_TRANSFER_FAILED, or paused with an incremental
// delay), unless it answered "not applicable" for the job's current key.
bool wants_components(const state::job_state& s) noexcept;

// actions (read at the detail cadence) for DR jobs that have started and are not terminal: the
// current action of interest is a switch-over. Also once more for a job whose stored action is not
// empty, so that its end is seen.
bool wants_actions(const state::job_state& s) noexcept;

// The times a status round judges by.
struct round_clock
{
    core::wall_time started;  // when the round started (before its batch-progress requests)
    core::wall_time now;
    std::chrono::milliseconds poll_interval;
    std::chrono::milliseconds finished_interval;
};

// batch-status is due for a stored job this round unless
//  - a batch-progress answer of this round carried its status (transfer_status: the job was
//    refreshed since the round started) and batch-status itself answered for it within
//    finished_interval (`last_check`): a periodic cross-check, as transfer_status is documented
//    with a subset of the statuses; or
//  - the job is finished (state::cadence::finished) and was refreshed within finished_interval.
// Both intervals are shortened by half a poll_interval, so that a round that starts a little early
// does not postpone a job by a whole round.
bool status_due(
    const state::job_state& s,
    const round_clock& c,
    std::optional<core::wall_time> last_check
) noexcept;

// The batch-struct-detail path segment for an object type as batch-struct-process reports it,
// lowercased ("table", "table_index", ...); nullopt for a type that has no detail listing.
std::optional<drs_api::struct_object_type> detail_type(std::string_view lowered) noexcept;

}  // namespace drsmon::poller
