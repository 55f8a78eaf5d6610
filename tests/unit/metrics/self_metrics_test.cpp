#include "drsmon/metrics/render.hpp"
#include "drsmon/metrics/self_metrics.hpp"

#include "exposition.hpp"
#include "populated.hpp"

#include <gtest/gtest.h>

namespace drsmon::metrics {
namespace {

using testing::find;
using testing::value_of;

std::vector<testing::sample> scrape(const self_metrics& m)
{
    return testing::parse_exposition(render_text({m.collectable()}));
}

TEST(MetricsSelf, BuildInfoCarriesTheGivenLabels)
{
    self_metrics m(build_info{"1.2.3", "abc123", "gcc-12.2.0", "1.81"});
    const auto s = scrape(m);
    EXPECT_EQ(
        value_of(
            s,
            "drs_monitor_build_info",
            {{"version", "1.2.3"},
             {"revision", "abc123"},
             {"compiler", "gcc-12.2.0"},
             {"boost_version", "1.81"}}
        ),
        1
    );
}

TEST(MetricsSelf, CurrentBuildInfoNamesBoostWithDots)
{
    const auto info = build_info::current();
    EXPECT_FALSE(info.version.empty());
    EXPECT_EQ(info.boost_version.find('_'), std::string::npos);
    EXPECT_NE(info.boost_version.find('.'), std::string::npos);
}

TEST(MetricsSelf, RequestsAreCountedByCodeAndTimedInTheDocumentedBuckets)
{
    self_metrics m;
    m.observe_request("p", "batch-status", "200", 0.07);
    m.observe_request("p", "batch-status", "200", 3);
    m.observe_request("p", "batch-status", "timeout", 10);
    const auto s = scrape(m);
    EXPECT_EQ(value_of(s, "drs_monitor_api_requests_total", {{"api", "batch-status"}, {"code", "200"}}), 2);
    EXPECT_EQ(value_of(s, "drs_monitor_api_requests_total", {{"code", "timeout"}}), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_api_request_duration_seconds_count", {{"project", "p"}}), 3);
    EXPECT_EQ(value_of(s, "drs_monitor_api_request_duration_seconds_bucket", {{"le", "0.1"}}), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_api_request_duration_seconds_bucket", {{"le", "5"}}), 2);
    EXPECT_EQ(value_of(s, "drs_monitor_api_request_duration_seconds_bucket", {{"le", "10"}}), 3);
    // 8 bounds plus +Inf.
    EXPECT_EQ(find(s, "drs_monitor_api_request_duration_seconds_bucket").size(), 9u);
}

TEST(MetricsSelf, GaugesAndCountersReflectTheCalls)
{
    self_metrics m;
    testing::populate(m);
    m.set_up("proj-b", false);
    m.config_reloaded(false, testing::at(1'700'000'500));
    const auto s = scrape(m);
    EXPECT_EQ(value_of(s, "drs_monitor_up", {{"project", "proj-a"}}), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_up", {{"project", "proj-b"}}), 0);
    EXPECT_EQ(value_of(s, "drs_monitor_api_retries_total"), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_api_throttled_total"), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_auth_token_expiry_timestamp_seconds"), 1'700'086'400);
    EXPECT_EQ(value_of(s, "drs_monitor_events_total", {{"kind", "job_failed"}}), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_config_last_reload_successful"), 0);
    // A failed reload keeps the time of the last success.
    EXPECT_EQ(value_of(s, "drs_monitor_config_last_reload_success_timestamp_seconds"), 1'700'000'000);
}

TEST(MetricsSelf, DiscoverySeriesFollowTheLatestRound)
{
    self_metrics m;
    testing::populate(m);
    auto s = scrape(m);
    EXPECT_EQ(
        value_of(s, "drs_monitor_discovery_jobs", {{"project", "proj-a"}, {"db_use_type", "sync"}}),
        12
    );
    EXPECT_EQ(
        value_of(s, "drs_monitor_discovery_jobs", {{"project", "proj-a"}, {"db_use_type", "migration"}}),
        0
    );
    EXPECT_EQ(value_of(s, "drs_monitor_discovery_truncated", {{"project", "proj-a"}}), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_discovery_last_success_timestamp_seconds"), 1'700'000'300);
    EXPECT_EQ(value_of(s, "drs_monitor_discovery_interval_seconds", {{"project", "proj-a"}}), 300);

    // A round without a complete listing keeps the time of the last one.
    m.set_discovery(
        "proj-a",
        {{"migration", 1}, {"sync", 12}},
        false,
        std::nullopt,
        std::chrono::minutes(10)
    );
    s = scrape(m);
    EXPECT_EQ(
        value_of(s, "drs_monitor_discovery_jobs", {{"project", "proj-a"}, {"db_use_type", "migration"}}),
        1
    );
    EXPECT_EQ(value_of(s, "drs_monitor_discovery_truncated", {{"project", "proj-a"}}), 0);
    EXPECT_EQ(value_of(s, "drs_monitor_discovery_last_success_timestamp_seconds"), 1'700'000'300);
    EXPECT_EQ(value_of(s, "drs_monitor_discovery_interval_seconds", {{"project", "proj-a"}}), 600);

    m.forget_discovery("proj-a");
    for (const auto& x : scrape(m))
        EXPECT_FALSE(x.name.starts_with("drs_monitor_discovery_")) << x.name;
    EXPECT_EQ(value_of(scrape(m), "drs_monitor_up", {{"project", "proj-a"}}), 1);
}

TEST(MetricsSelf, ForgettingAProjectRemovesAllItsSeries)
{
    self_metrics m;
    testing::populate(m);
    m.set_up("proj-b", true);
    m.forget_project("proj-a");
    for (const auto& s : scrape(m))
        EXPECT_NE(s.labels.count("project") ? s.labels.at("project") : "", "proj-a") << s.name;
    EXPECT_EQ(value_of(scrape(m), "drs_monitor_up", {{"project", "proj-b"}}), 1);
}

TEST(MetricsSelf, CountersWithKnownLabelsExistAtZeroForEveryConfiguredProject)
{
    self_metrics m;
    m.set_projects({"proj-a", "proj-b"}, {"batch-status", "batch-progress"});
    const auto s = scrape(m);
    for (const char* p : {"proj-a", "proj-b"})
        for (const char* a : {"batch-status", "batch-progress"})
        {
            EXPECT_EQ(value_of(s, "drs_monitor_api_retries_total", {{"project", p}, {"api", a}}), 0)
                << p << a;
            EXPECT_EQ(value_of(s, "drs_monitor_api_throttled_total", {{"project", p}, {"api", a}}), 0)
                << p << a;
        }
    EXPECT_EQ(find(s, "drs_monitor_api_retries_total").size(), 4u);
    EXPECT_EQ(find(s, "drs_monitor_events_total").size(), 2 * std::size(state::all_event_kinds));
    EXPECT_EQ(value_of(s, "drs_monitor_events_total", {{"project", "proj-b"}, {"kind", "job_failed"}}), 0);
    // The code label is an open set: no request series before the first request.
    EXPECT_TRUE(find(s, "drs_monitor_api_requests_total").empty());
}

TEST(MetricsSelf, DeclaringProjectsAgainKeepsCountsAndDropsRemovedProjects)
{
    self_metrics m;
    m.set_projects({"proj-a", "proj-b"}, {"batch-status"});
    m.add_retry("proj-a", "batch-status");
    m.add_throttled("proj-b", "batch-status");
    m.set_projects({"proj-a", "proj-c"}, {"batch-status"});
    const auto s = scrape(m);
    EXPECT_EQ(value_of(s, "drs_monitor_api_retries_total", {{"project", "proj-a"}}), 1);
    EXPECT_EQ(value_of(s, "drs_monitor_api_throttled_total", {{"project", "proj-c"}}), 0);
    for (const auto& x : s)
        EXPECT_NE(x.labels.count("project") ? x.labels.at("project") : "", "proj-b") << x.name;
}

}  // namespace
}  // namespace drsmon::metrics
