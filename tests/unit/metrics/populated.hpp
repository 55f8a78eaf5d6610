#pragma once

#include "drsmon/metrics/self_metrics.hpp"
#include "drsmon/state/store.hpp"

#include "../state/fixtures.hpp"

namespace drsmon::metrics::testing {

using state::testing::at;
using state::testing::full_job;

// A fresh job with every field set (full_job is stale, which would withdraw its values).
inline state::job_state fresh_full_job()
{
    auto j = full_job();
    j.stale = false;
    return j;
}

// Exercises every self_metrics method so every drs_monitor_* family has a series.
inline void populate(self_metrics& m)
{
    m.set_up("proj-a", true);
    m.observe_request("proj-a", "batch-status", "200", 0.3);
    m.observe_request("proj-a", "batch-status", "timeout", 10);
    m.add_retry("proj-a", "batch-status");
    m.add_throttled("proj-a", "batch-status");
    m.set_last_success("proj-a", "batch-status", at(1'700'000'000));
    m.set_token_expiry("proj-a", at(1'700'086'400));
    state::event e;
    e.project = "proj-a";
    e.kind = state::event_kind::job_failed;
    m.add_events({e});
    m.config_reloaded(true, at(1'700'000'000));
    m.set_discovery(
        "proj-a",
        {{"migration", 0}, {"sync", 12}},
        true,
        at(1'700'000'300),
        std::chrono::minutes(5)
    );
}

}  // namespace drsmon::metrics::testing
