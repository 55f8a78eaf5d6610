#pragma once

#include "drsmon/state/job_state.hpp"

#include <chrono>

namespace drsmon::state {

// How often a job is worth asking about, from its life-cycle phase (drs-api.md §3.1). A job whose
// status changes is re-classified at once: the class is a function of the stored state only.
enum class cadence
{
    transfer,  // data moves: batch-status and batch-progress every poll_interval
    watch,     // status can change (configuring, waiting, paused, failed and retried from the
               // console): batch-status every poll_interval, no batch-progress
    finished,  // ended (released, deleted, a full-only migration complete): batch-status every
               // finished_interval, no batch-progress
};
inline constexpr std::size_t cadence_count = 3;

// The class of a job. Unknown statuses are `transfer` (the safe side: nothing is missed), an empty
// status (not reported yet) is `watch`.
cadence cadence_of(const job_state& s) noexcept;
const char* to_string(cadence c) noexcept;  // "transfer", "watch", "finished"

// The age of last_refresh beyond which a job's data is stale: max_staleness, and for a finished
// job, polled only every finished_interval, finished_interval + max_staleness.
std::chrono::milliseconds staleness_limit(
    const job_state& s,
    std::chrono::milliseconds max_staleness,
    std::chrono::milliseconds finished_interval
) noexcept;

}  // namespace drsmon::state
