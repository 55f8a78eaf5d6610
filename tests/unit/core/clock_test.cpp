#include "drsmon/core/clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

using namespace drsmon::core;
using namespace std::chrono;

TEST(CoreClock, FromUnixMillisKeepsEveryMillisecondInRange)
{
    EXPECT_EQ(from_unix_millis(0), wall_time{});
    EXPECT_EQ(from_unix_millis(1608519469412).time_since_epoch(), milliseconds(1608519469412));
    EXPECT_EQ(from_unix_millis(-86'400'000).time_since_epoch(), -days(1));
    // 2262-04-11, the last whole millisecond wall_time holds.
    const long long last = duration_cast<milliseconds>(wall_time::duration::max()).count() - 1;
    EXPECT_EQ(duration_cast<milliseconds>(from_unix_millis(last).time_since_epoch()).count(), last);
}

TEST(CoreClock, FromUnixMillisSaturatesBeyondWhatWallTimeHolds)
{
    // Year 2479 and year 2900 in milliseconds: beyond int64 nanoseconds.
    EXPECT_EQ(from_unix_millis(16'082'749'190'000), wall_time::max());
    EXPECT_EQ(from_unix_millis(30'000'000'000'000), wall_time::max());
    EXPECT_EQ(from_unix_millis(std::numeric_limits<long long>::max()), wall_time::max());
    EXPECT_EQ(from_unix_millis(-16'082'749'190'000), wall_time::min());
    EXPECT_EQ(from_unix_millis(std::numeric_limits<long long>::min()), wall_time::min());
}

TEST(CoreClock, ParsedYearRangeFitsWallTimeAndEndsAtTheDocumentedMillisecond)
{
    EXPECT_TRUE(parsed_year_ok(1970));
    EXPECT_TRUE(parsed_year_ok(2200));
    EXPECT_FALSE(parsed_year_ok(1969));
    EXPECT_FALSE(parsed_year_ok(2201));
    EXPECT_FALSE(parsed_year_ok(9999));
    const sys_days end{year{max_parsed_year + 1} / January / 1};
    EXPECT_EQ(duration_cast<milliseconds>(end.time_since_epoch()).count(), parsed_unix_millis_end);
    EXPECT_LT(milliseconds(parsed_unix_millis_end), duration_cast<milliseconds>(wall_time::duration::max()));
}
