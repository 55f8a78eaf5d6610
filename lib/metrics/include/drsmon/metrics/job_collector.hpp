#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/store.hpp"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <vector>

namespace drsmon::metrics {

struct job_collector_options
{
    // When non-zero, a job whose last refresh is older than this at scrape time is rendered
    // as stale even before state::mark_stale has flagged it. Zero: only the stored flag counts.
    std::chrono::milliseconds max_staleness{0};
};

// Renders the state store at scrape time (a const-metrics collector): every Collect() builds
// the drs_job_* / drs_async_batch_jobs / drs_monitor_jobs families from the current contents,
// so erased jobs disappear and absent values are simply not emitted (never NaN).
// A stale job keeps only drs_job_info, drs_job_stale (1) and drs_job_last_refresh_timestamp_seconds.
// Must be called on the thread that owns the store.
class job_collector : public prometheus::Collectable
{
public:
    job_collector(const state::store& store, const core::clock& clock, job_collector_options options = {});

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    const state::store& store_;
    const core::clock& clock_;
    job_collector_options options_;
};

}  // namespace drsmon::metrics
