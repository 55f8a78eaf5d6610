#pragma once

#include "drsmon/core/clock.hpp"

#include <array>
#include <chrono>
#include <cstddef>

namespace drsmon::poller {

// The periodic tasks of one project. Each has its own cadence and back-off.
enum class task
{
    status,      // batch-status + batch-progress (poll_interval)
    detail,      // batch-detail: names and metadata (detail_interval)
    precheck,    // batch-precheck-result while jobs are being configured (precheck_interval)
    init,        // batch-struct-process / batch-struct-detail for DR jobs initialising (init_interval)
    async,       // v5 batch-async-jobs (async_interval)
    collect,     // v5.1 db-objects collect for opted-in jobs (checked every poll_interval)
    discovery,   // job list: which jobs exist (discovery.interval)
    dr,          // batch-rpo-and-rto + disaster-recovery-monitoring-data for DR jobs (dr_interval)
    components,  // v5 increment-components-detail for jobs in an incremental phase (components_interval)
};
inline constexpr std::size_t task_count = 9;
const char* to_string(task t) noexcept;

// How a round ended, as far as scheduling cares.
enum class outcome
{
    ok,          // every call succeeded (per-job errors included)
    failed,      // some call failed for another reason (network, 5xx, bad response)
    throttled,   // the API asked us to slow down (429 APIG(W).0308, DRS.M01503)
    auth_failed  // the credentials were rejected
};

struct schedule_settings
{
    std::array<std::chrono::milliseconds, task_count> interval{};
    double jitter = 0.1;                                              // ±10 % of the interval
    std::chrono::milliseconds first_spread{std::chrono::seconds(2)};  // first rounds spread over this
    std::chrono::milliseconds throttle_initial{std::chrono::seconds(5)};
    std::chrono::milliseconds throttle_max{std::chrono::minutes(10)};
    std::chrono::milliseconds auth_hold{std::chrono::minutes(5)};
};

// Pure scheduling decisions with an injected time and randomness: when each
// task of a project runs next. Rounds of one task never overlap: the next
// start is computed after the round finishes, and a slow round pushes the
// next one back instead of stacking. Throttling backs off exponentially (with
// full jitter) per task; authentication failures hold the task for auth_hold.
class scheduler
{
public:
    explicit scheduler(schedule_settings s) : s_(s) {}

    // The first run of `t`, spread uniformly over first_spread (r01 in [0,1)).
    core::mono_time first_run(task t, core::mono_time now, double r01) const noexcept;

    // The next run of `t` after a round that started at `started`, ended at
    // `finished` and had `result`.
    core::mono_time next_run(
        task t,
        core::mono_time started,
        core::mono_time finished,
        outcome result,
        double r01
    ) noexcept;

    // Consecutive throttled rounds of `t` (reset by any other outcome).
    unsigned throttle_streak(task t) const noexcept { return throttled_[static_cast<std::size_t>(t)]; }
    const schedule_settings& settings() const noexcept { return s_; }

private:
    schedule_settings s_;
    std::array<unsigned, task_count> throttled_{};
};

}  // namespace drsmon::poller
