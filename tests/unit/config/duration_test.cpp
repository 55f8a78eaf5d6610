#include "drsmon/config/duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using drsmon::config::format_duration;
using drsmon::config::parse_duration;
using drsmon::config::parse_size;

TEST(ParseDuration, ReadsSingleUnits)
{
    EXPECT_EQ(parse_duration("500ms"), 500ms);
    EXPECT_EQ(parse_duration("30s"), 30s);
    EXPECT_EQ(parse_duration("10m"), 10min);
    EXPECT_EQ(parse_duration("1h"), 1h);
    EXPECT_EQ(parse_duration("1d"), 24h);
    EXPECT_EQ(parse_duration("2w"), 14 * 24h);
    EXPECT_EQ(parse_duration("1y"), 365 * 24h);
}

TEST(ParseDuration, ReadsCompoundDurationsInDescendingOrder)
{
    EXPECT_EQ(parse_duration("1m30s"), 90s);
    EXPECT_EQ(parse_duration("1h30m"), 90min);
    EXPECT_EQ(parse_duration("1d2h3m4s5ms"), 24h + 2h + 3min + 4s + 5ms);
    EXPECT_EQ(parse_duration("1s500ms"), 1500ms);
}

TEST(ParseDuration, AcceptsZeroAlone)
{
    EXPECT_EQ(parse_duration("0"), 0ms);
    EXPECT_EQ(parse_duration("0s"), 0ms);
}

TEST(ParseDuration, RejectsGarbledText)
{
    for (const char* bad :
         {"",
          "s",
          "30",
          "-5s",
          "+5s",
          "1.5s",
          "30 s",
          " 30s",
          "30s ",
          "30x",
          "30sec",
          "1s1m",
          "1m1m",
          "ms",
          "10M",
          "1h-1m",
          "99999999999999999999s",
          "9223372036854775807d"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(FormatDuration, WritesTheShortestGroups)
{
    EXPECT_EQ(format_duration(0ms), "0s");
    EXPECT_EQ(format_duration(500ms), "500ms");
    EXPECT_EQ(format_duration(90s), "1m30s");
    EXPECT_EQ(format_duration(10min), "10m");
    EXPECT_EQ(format_duration(25h), "1d1h");
    EXPECT_EQ(format_duration(1s + 1ms), "1s1ms");
}

TEST(FormatDuration, RoundTripsThroughParseDuration)
{
    for (std::chrono::milliseconds d : {1ms, 999ms, 1000ms, 61000ms, 3599000ms, 86400001ms, 1234567890ms})
        EXPECT_EQ(parse_duration(format_duration(d)), d) << d.count();
}

TEST(ParseSize, ReadsPlainBytesAndUnits)
{
    EXPECT_EQ(parse_size("1048576"), 1048576u);
    EXPECT_EQ(parse_size("0"), 0u);
    EXPECT_EQ(parse_size("512B"), 512u);
    EXPECT_EQ(parse_size("10kB"), 10'000u);
    EXPECT_EQ(parse_size("10KB"), 10'000u);
    EXPECT_EQ(parse_size("10MB"), 10'000'000u);
    EXPECT_EQ(parse_size("2GB"), 2'000'000'000u);
    EXPECT_EQ(parse_size("1TB"), 1'000'000'000'000u);
    EXPECT_EQ(parse_size("1KiB"), 1024u);
    EXPECT_EQ(parse_size("16MiB"), 16u << 20);
    EXPECT_EQ(parse_size("1GiB"), 1u << 30);
    EXPECT_EQ(parse_size("1TiB"), 1ull << 40);
}

TEST(ParseSize, RejectsGarbledText)
{
    for (const char* bad :
         {"",
          "MiB",
          "-1",
          "1.5MiB",
          "16 MiB",
          "16mib",
          "16Mi",
          "16XB",
          "99999999999999999999",
          "20000000TiB"})
        EXPECT_FALSE(parse_size(bad)) << bad;
}
