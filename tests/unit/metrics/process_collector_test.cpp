#include "drsmon/metrics/process_collector.hpp"
#include "drsmon/metrics/render.hpp"

#include "exposition.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace drsmon::metrics {
namespace {

TEST(MetricsProcess, ParsesProcStatEvenWhenTheCommandContainsParenthesesAndSpaces)
{
    const std::string text = "1234 (drs (mon) x) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 3 0 "
                             "98765 123456789 2048 "
                             "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    const auto s = parse_proc_stat(text);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->utime_ticks, 250u);
    EXPECT_EQ(s->stime_ticks, 50u);
    EXPECT_EQ(s->start_ticks, 98765u);
    EXPECT_EQ(s->vsize_bytes, 123456789u);
    EXPECT_EQ(s->rss_pages, 2048);
}

TEST(MetricsProcess, RejectsTruncatedProcStat)
{
    EXPECT_FALSE(parse_proc_stat("1234 (x) S 1 2 3").has_value());
    EXPECT_FALSE(parse_proc_stat("garbage").has_value());
}

TEST(MetricsProcess, FindsTheBootTimeInProcStat)
{
    EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1699990000\nprocesses 9\n"), 1'699'990'000u);
    EXPECT_FALSE(parse_boot_time("cpu 1 2 3\n").has_value());
}

TEST(MetricsProcess, ReportsThisProcessFromProc)
{
    const auto s = testing::parse_exposition(render_text({std::make_shared<process_collector>()}));
    EXPECT_GT(testing::value_of(s, "process_resident_memory_bytes"), 0);
    EXPECT_GT(testing::value_of(s, "process_virtual_memory_bytes"), 0);
    EXPECT_GE(testing::value_of(s, "process_open_fds"), 3);
    EXPECT_GT(testing::value_of(s, "process_max_fds"), 0);
    EXPECT_GE(testing::value_of(s, "process_cpu_seconds_total"), 0);
    const double start = testing::value_of(s, "process_start_time_seconds");
    EXPECT_GT(start, 1'600'000'000);
    EXPECT_LE(start, static_cast<double>(::time(nullptr)) + 1);
}

TEST(MetricsProcess, AMissingProcFilesystemYieldsNoProcValues)
{
    const auto s = testing::parse_exposition(render_text({std::make_shared<process_collector>("/nonexistent")}
    ));
    EXPECT_TRUE(testing::find(s, "process_resident_memory_bytes").empty());
    EXPECT_TRUE(testing::find(s, "process_open_fds").empty());
}

}  // namespace
}  // namespace drsmon::metrics
