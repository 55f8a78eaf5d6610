#include "drsmon/poller/scheduler.hpp"

#include <gtest/gtest.h>

using namespace drsmon;
using namespace std::chrono_literals;
using poller::outcome;
using poller::task;

namespace {
poller::schedule_settings settings()
{
    poller::schedule_settings s;
    s.interval = {30s, 10min, 1min, 1min, 1min, 30s};
    s.jitter = 0.1;
    return s;
}
const core::mono_time t0{std::chrono::hours(1)};
}  // namespace

TEST(Scheduler, SpreadsFirstRunsOverTheSpreadWindow)
{
    poller::scheduler s(settings());
    EXPECT_EQ(s.first_run(task::status, t0, 0.0), t0);
    EXPECT_EQ(s.first_run(task::status, t0, 0.5), t0 + 1s);
    EXPECT_LE(s.first_run(task::detail, t0, 0.999), t0 + 2s);
}

TEST(Scheduler, KeepsTheCadenceWithinJitterBounds)
{
    poller::scheduler s(settings());
    for (double r : {0.0, 0.25, 0.5, 0.75, 1.0})
    {
        const auto next = s.next_run(task::status, t0, t0 + 1s, outcome::ok, r);
        EXPECT_GE(next, t0 + 27s) << r;
        EXPECT_LE(next, t0 + 33s) << r;
    }
    EXPECT_EQ(s.next_run(task::status, t0, t0 + 1s, outcome::ok, 0.5), t0 + 30s);
}

TEST(Scheduler, SlowRoundDelaysTheNextInsteadOfOverlapping)
{
    poller::scheduler s(settings());
    const auto finished = t0 + 45s;  // longer than the interval
    EXPECT_EQ(s.next_run(task::status, t0, finished, outcome::ok, 0.5), finished);
    EXPECT_EQ(s.next_run(task::status, t0, finished, outcome::failed, 0.0), finished);
}

TEST(Scheduler, BacksOffExponentiallyWhileThrottledAndResets)
{
    poller::scheduler s(settings());
    auto streak_wait = [&](double r) {
        const auto next = s.next_run(task::status, t0, t0, outcome::throttled, r);
        return next - t0;
    };
    // Full jitter at r=1 shows the cap: 5s, 10s, 20s, 40s ... but never less
    // than the regular interval (30s) nor the initial back-off.
    EXPECT_EQ(streak_wait(1.0), 33s);  // regular interval with +10 % jitter dominates
    EXPECT_EQ(streak_wait(1.0), 33s);
    EXPECT_EQ(streak_wait(1.0), 33s);
    EXPECT_EQ(streak_wait(1.0), 40s);
    EXPECT_EQ(streak_wait(1.0), 80s);
    EXPECT_EQ(s.throttle_streak(task::status), 5u);
    for (int i = 0; i < 20; ++i)
        EXPECT_LE(streak_wait(1.0), 10min);
    EXPECT_GE(streak_wait(0.0), 27s);  // never sooner than the cadence
    s.next_run(task::status, t0, t0, outcome::ok, 0.5);
    EXPECT_EQ(s.throttle_streak(task::status), 0u);
}

TEST(Scheduler, ThrottlingOfOneTaskDoesNotSlowAnother)
{
    poller::scheduler s(settings());
    s.next_run(task::precheck, t0, t0, outcome::throttled, 1.0);
    s.next_run(task::precheck, t0, t0, outcome::throttled, 1.0);
    EXPECT_EQ(s.throttle_streak(task::precheck), 2u);
    EXPECT_EQ(s.throttle_streak(task::status), 0u);
    EXPECT_EQ(s.next_run(task::status, t0, t0, outcome::ok, 0.5), t0 + 30s);
}

TEST(Scheduler, HoldsBackAfterAuthenticationFailure)
{
    poller::scheduler s(settings());
    EXPECT_EQ(s.next_run(task::status, t0, t0 + 1s, outcome::auth_failed, 0.5), t0 + 1s + 5min);
}
