#include "drsmon/client/retry.hpp"

#include <gtest/gtest.h>

using namespace drsmon;
using namespace std::chrono_literals;

namespace {
core::error failure(core::errc e, int status = 0)
{
    auto err = core::make_error(e, "batch-status", "x");
    err.http_status = status;
    return err;
}
}  // namespace

TEST(RetryPolicy, RetriesTransientFailuresOnly)
{
    EXPECT_TRUE(client::is_retryable(failure(core::errc::network)));
    EXPECT_TRUE(client::is_retryable(failure(core::errc::timeout)));
    EXPECT_TRUE(client::is_retryable(failure(core::errc::throttled, 429)));
    EXPECT_TRUE(client::is_retryable(failure(core::errc::http_status, 503)));
    EXPECT_FALSE(client::is_retryable(failure(core::errc::http_status, 400)));
    EXPECT_FALSE(client::is_retryable(failure(core::errc::auth, 401)));
    EXPECT_FALSE(client::is_retryable(failure(core::errc::bad_response, 200)));
    EXPECT_FALSE(client::is_retryable(failure(core::errc::not_found, 400)));
    EXPECT_FALSE(client::is_retryable(failure(core::errc::too_large, 200)));
}

TEST(RetryPolicy, FullJitterStaysWithinTheExponentialCap)
{
    client::retry_policy p{.max_attempts = 5, .initial_backoff = 1000ms, .max_backoff = 5000ms};
    EXPECT_EQ(client::backoff_delay(p, 1, 0.0), 0ms);
    EXPECT_EQ(client::backoff_delay(p, 1, 0.5), 500ms);
    EXPECT_EQ(client::backoff_delay(p, 2, 1.0), 2000ms);
    EXPECT_EQ(client::backoff_delay(p, 3, 1.0), 4000ms);
    EXPECT_EQ(client::backoff_delay(p, 4, 1.0), 5000ms);   // capped
    EXPECT_EQ(client::backoff_delay(p, 60, 1.0), 5000ms);  // no overflow
}

TEST(RetryPolicy, RetryAfterWinsButIsCapped)
{
    client::retry_policy p;
    EXPECT_EQ(client::backoff_delay(p, 1, 0.1, 7s), 7000ms);
    EXPECT_EQ(client::backoff_delay(p, 1, 0.1, 3600s), p.max_retry_after);
    // A value that would overflow when converted to milliseconds is capped too.
    EXPECT_EQ(
        client::backoff_delay(p, 1, 0.1, std::chrono::seconds(9'999'999'999'999'999)),
        p.max_retry_after
    );
}

TEST(RetryBudget, RunsOutAndRefills)
{
    client::retry_budget b(2);
    EXPECT_TRUE(b.try_take());
    EXPECT_TRUE(b.try_take());
    EXPECT_FALSE(b.try_take());
    b.refill();
    EXPECT_EQ(b.left(), 2u);
}

TEST(AuthGate, HoldsBackAfterAFailureAndLogsOnlyTheFirst)
{
    client::auth_gate g(5min);
    const core::mono_time t0{};
    EXPECT_FALSE(g.blocked(t0));
    EXPECT_TRUE(g.on_failure(t0));
    EXPECT_TRUE(g.blocked(t0 + 4min));
    EXPECT_FALSE(g.blocked(t0 + 5min));
    EXPECT_FALSE(g.on_failure(t0 + 5min));
    EXPECT_TRUE(g.blocked(t0 + 9min));
    g.on_success();
    EXPECT_FALSE(g.blocked(t0 + 9min));
}
