#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"

#include <boost/asio/error.hpp>

#include <gtest/gtest.h>

using namespace drsmon::core;

TEST(CoreError, ClassifiesOwnAndAsioCodes)
{
    EXPECT_EQ(classify(make_error_code(errc::throttled)), errc::throttled);
    EXPECT_EQ(classify(boost::asio::error::operation_aborted), errc::cancelled);
    EXPECT_EQ(classify(boost::asio::error::connection_refused), errc::network);
    EXPECT_EQ(classify(boost::asio::error::timed_out), errc::timeout);
    EXPECT_EQ(classify({}), errc::ok);
}

TEST(CoreError, ToStringNamesWhereDetailAndContext)
{
    auto e = make_error(errc::bad_response, "batch-status", "expected a string", "$.results[1].status");
    e.http_status = 200;
    e.request_id = "abc";
    EXPECT_EQ(
        e.to_string(),
        "batch-status: expected a string (path=$.results[1].status, http=200, request_id=abc)"
    );
    EXPECT_STREQ(to_label(e.kind()), "bad_response");
}

TEST(CoreError, ResultValueThrowsWithMessage)
{
    result<int> r = make_error(errc::io, "state.json", "disk full");
    ASSERT_TRUE(r.has_error());
    EXPECT_THROW((void)r.value(), std::runtime_error);
}

TEST(CoreClock, ManualClockMovesBothTimeLines)
{
    manual_clock c;
    const auto w = c.now();
    const auto m = c.mono_now();
    c.advance(std::chrono::seconds(90));
    EXPECT_EQ(c.now() - w, std::chrono::seconds(90));
    EXPECT_EQ(c.mono_now() - m, std::chrono::seconds(90));
    EXPECT_DOUBLE_EQ(to_unix_seconds(from_unix_millis(1608519469412)), 1608519469.412);
}
