#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/diff.hpp"
#include "drsmon/state/store.hpp"

#include <chrono>
#include <string_view>
#include <vector>

namespace drsmon::state {

// Stores a new observation of `key` and returns what changed (seq 0; pass to event_log::append).
// The monitor's bookkeeping is derived here, not taken from `next`:
//  - status_changes counts transitions between two non-empty statuses; status_changed_at is
//    `now` when the status changed (or first became known), otherwise carried over;
//  - last_change is `now` when any domain field changed, otherwise carried over;
//  - a stale job becomes fresh when next.last_refresh is newer than the stored one.
std::vector<event> apply_update(store& s, const job_key& key, job_state next, core::wall_time now);

// The common status observation: `before` is fresh and the observation repeats its status
// ("" = not reported) and API error. Then apply_update of the stored state with these fields and
// a newer last_refresh would change last_refresh alone and emit no event, so the poller only moves
// last_refresh (store::refresh_if) instead of copying and diffing the job. Pure.
bool confirms_status(const job_state& before, std::string_view status, const api_error_state& error) noexcept;

// Removes `key` and returns job_removed (or nothing when it was unknown).
std::vector<event> remove_job(store& s, const job_key& key, core::wall_time now);

// Marks jobs whose last_refresh is older than their staleness limit before `now` as stale
// (job_stale), and stale jobs refreshed within it as fresh again (job_fresh). The limit is
// max_staleness, plus finished_interval for finished jobs (state::staleness_limit: they are polled
// that much less often). Jobs never refreshed are left alone.
std::vector<event> mark_stale(
    store& s,
    core::wall_time now,
    std::chrono::milliseconds max_staleness,
    std::chrono::milliseconds finished_interval = std::chrono::milliseconds(0)
);

}  // namespace drsmon::state
