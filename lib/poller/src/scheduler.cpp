#include "drsmon/poller/scheduler.hpp"

#include <algorithm>
#include <cmath>

namespace drsmon::poller {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

const char* to_string(task t) noexcept
{
    switch (t)
    {
    case task::status: return "status";
    case task::detail: return "detail";
    case task::precheck: return "precheck";
    case task::init: return "init";
    case task::async: return "async";
    case task::collect: return "collect";
    case task::discovery: return "discovery";
    case task::dr: return "dr";
    case task::components: return "components";
    }
    return "unknown";
}

namespace {
milliseconds scale(milliseconds d, double f)
{
    return milliseconds(static_cast<milliseconds::rep>(d.count() * f));
}
}  // namespace

core::mono_time scheduler::first_run(task t, core::mono_time now, double r01) const noexcept
{
    const auto spread = std::min(s_.first_spread, s_.interval[static_cast<std::size_t>(t)]);
    return now + scale(spread, std::clamp(r01, 0.0, 1.0));
}

core::mono_time scheduler::next_run(
    task t,
    core::mono_time started,
    core::mono_time finished,
    outcome result,
    double r01
) noexcept
{
    const auto i = static_cast<std::size_t>(t);
    const double r = std::clamp(r01, 0.0, 1.0);
    // Regular cadence: interval ± jitter, counted from the round's start so
    // that the period does not drift by the round's duration.
    const auto interval = s_.interval[i];
    const auto regular = started + scale(interval, 1.0 + s_.jitter * (2.0 * r - 1.0));
    auto next = std::max(regular, finished);

    switch (result)
    {
    case outcome::throttled:
    {
        const unsigned n = std::min(++throttled_[i], 20u);
        const auto cap = std::min(
            s_.throttle_max,
            scale(s_.throttle_initial, std::ldexp(1.0, static_cast<int>(n) - 1))
        );
        // Full jitter, but never sooner than the initial back-off.
        next = std::max(next, finished + std::max(s_.throttle_initial, scale(cap, r)));
        break;
    }
    case outcome::auth_failed:
        throttled_[i] = 0;
        next = std::max(next, finished + s_.auth_hold);
        break;
    default: throttled_[i] = 0; break;
    }
    return next;
}

}  // namespace drsmon::poller
