#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/metrics/render.hpp"

#include "exposition.hpp"
#include "populated.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace drsmon::metrics {
namespace {

using namespace std::chrono_literals;
using testing::find;
using testing::value_of;

struct fixture
{
    state::store store;
    core::manual_clock clock{testing::at(1'700'000'300)};

    std::vector<testing::sample> scrape(job_collector_options options = {})
    {
        return testing::parse_exposition(job_collector(store, clock, options).render());
    }
    std::string text() { return job_collector(store, clock).render(); }
};

const std::map<std::string, std::string> job1{{"project", "proj-a"}, {"job_id", "job-1"}};

TEST(MetricsJobCollector, RendersIdentityLabelsAndStatus)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    const auto s = f.scrape();
    const auto info = find(s, "drs_job_info", job1);
    ASSERT_EQ(info.size(), 1u);
    EXPECT_EQ(info[0].labels.at("name"), "orders-sync");
    EXPECT_EQ(info[0].labels.at("db_use_type"), "sync");
    EXPECT_EQ(info[0].labels.at("engine_type"), "mysql-to-mysql");
    EXPECT_EQ(info[0].labels.at("task_type"), "FULL_INCR_TRANS");
    EXPECT_EQ(info[0].labels.at("job_direction"), "up");
    EXPECT_EQ(info[0].labels.at("parent_id"), "parent-1");
    EXPECT_EQ(info[0].labels.at("async_job_id"), "async-1");
    EXPECT_EQ(value_of(s, "drs_job_status", {{"job_id", "job-1"}, {"status", "INCRE_TRANSFER_STARTED"}}), 1);
    EXPECT_EQ(value_of(s, "drs_job_failed", job1), 0);
    EXPECT_EQ(value_of(s, "drs_job_progress_ratio", job1), 0.75);
    EXPECT_EQ(value_of(s, "drs_job_phase_progress_ratio", {{"job_id", "job-1"}, {"phase", "data"}}), 0.5);
    EXPECT_EQ(value_of(s, "drs_job_replication_delay_seconds", job1), 12.5);
    EXPECT_EQ(value_of(s, "drs_job_status_changes_total", job1), 3);
    EXPECT_EQ(value_of(s, "drs_job_created_timestamp_seconds", job1), 1'600'000'000.412);
    EXPECT_EQ(value_of(s, "drs_job_api_error", {{"job_id", "job-1"}, {"error_code", "DRS.M00289"}}), 1);
    EXPECT_EQ(value_of(s, "drs_job_stale", job1), 0);
}

TEST(MetricsJobCollector, AChildsListedErrorIsAnApiErrorWithTheUnknownCodeUnlessTheApiGaveOne)
{
    fixture f;
    state::job_state child;
    child.status = "INCRE_TRANSFER_FAILED";
    child.listed_error = "connection lost";
    f.store.upsert({"proj-a", "job-1"}, child);
    const auto s = f.scrape();
    EXPECT_EQ(value_of(s, "drs_job_api_error", {{"job_id", "job-1"}, {"error_code", "unknown"}}), 1);
    // The message is free text: never a label.
    EXPECT_EQ(f.text().find("connection lost"), std::string::npos);

    child.api_error = {"DRS.M00500", "busy"};
    f.store.upsert({"proj-a", "job-1"}, child);
    std::size_t series = 0;
    for (const auto& sample : f.scrape())
        series += sample.name == "drs_job_api_error";
    EXPECT_EQ(series, 1u);
    EXPECT_EQ(
        value_of(f.scrape(), "drs_job_api_error", {{"job_id", "job-1"}, {"error_code", "DRS.M00500"}}),
        1
    );
}

TEST(MetricsJobCollector, EveryJobSeriesCarriesProjectAndJobId)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    for (const auto& s : f.scrape())
    {
        if (s.name.rfind("drs_job_", 0) != 0)
            continue;
        EXPECT_EQ(s.labels.count("project"), 1u) << s.name;
        EXPECT_EQ(s.labels.count("job_id"), 1u) << s.name;
    }
}

TEST(MetricsJobCollector, FailedStatusSetsTheFailedGauge)
{
    fixture f;
    state::job_state j;
    j.status = "INCRE_TRANSFER_FAILED";
    f.store.upsert({"proj-a", "job-1"}, j);
    EXPECT_EQ(value_of(f.scrape(), "drs_job_failed", job1), 1);
}

TEST(MetricsJobCollector, PrecheckItemsAreCountedByResultAndNotPassedOnesListed)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    const auto s = f.scrape();
    EXPECT_EQ(value_of(s, "drs_job_precheck_items", {{"job_id", "job-1"}, {"result", "passed"}}), 1);
    EXPECT_EQ(value_of(s, "drs_job_precheck_items", {{"job_id", "job-1"}, {"result", "alarm"}}), 1);
    EXPECT_EQ(value_of(s, "drs_job_precheck_items", {{"job_id", "job-1"}, {"result", "failed"}}), 1);
    const auto not_passed = find(s, "drs_job_precheck_item_not_passed", job1);
    ASSERT_EQ(not_passed.size(), 2u);
    EXPECT_EQ(
        value_of(
            s,
            "drs_job_precheck_item_not_passed",
            {{"item", "binlog_format"}, {"group", "config"}, {"result", "failed"}}
        ),
        1
    );
    EXPECT_EQ(value_of(s, "drs_job_precheck_passed", job1), 0);
    EXPECT_EQ(value_of(s, "drs_job_precheck_complete", job1), 1);
}

TEST(MetricsJobCollector, InitObjectsAreSplitBySideAndState)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    const auto s = f.scrape();
    EXPECT_EQ(value_of(s, "drs_job_init_objects", {{"object_type", "table"}, {"side", "source"}}), 120);
    EXPECT_EQ(value_of(s, "drs_job_init_objects", {{"object_type", "table"}, {"side", "target"}}), 118);
    EXPECT_EQ(value_of(s, "drs_job_init_complete", {{"object_type", "table"}}), 1);
    EXPECT_EQ(value_of(s, "drs_job_init_complete", {{"object_type", "view"}}), 0);
    EXPECT_EQ(
        value_of(s, "drs_job_init_detail_objects", {{"object_type", "view"}, {"state", "in_progress"}}),
        4
    );
}

TEST(MetricsJobCollector, CollectStatusSetsExactlyOneOfThreeToOne)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    const auto s = f.scrape();
    EXPECT_EQ(value_of(s, "drs_job_objects_collect_status", {{"status", "success"}}), 1);
    EXPECT_EQ(value_of(s, "drs_job_objects_collect_status", {{"status", "pending"}}), 0);
    EXPECT_EQ(value_of(s, "drs_job_objects_collect_status", {{"status", "failed"}}), 0);
}

TEST(MetricsJobCollector, AStaleJobKeepsOnlyItsIdentityStaleFlagAndLastRefresh)
{
    fixture f;
    auto j = testing::full_job();
    ASSERT_TRUE(j.stale);
    f.store.upsert({"proj-a", "job-1"}, j);
    std::set<std::string> names;
    for (const auto& s : f.scrape())
        if (s.name.rfind("drs_job_", 0) == 0)
            names.insert(s.name);
    EXPECT_EQ(
        names,
        (std::set<std::string>{"drs_job_info", "drs_job_stale", "drs_job_last_refresh_timestamp_seconds"})
    );
    EXPECT_EQ(value_of(f.scrape(), "drs_job_stale", job1), 1);
}

TEST(MetricsJobCollector, AJobOverdueAtScrapeTimeIsRenderedAsStale)
{
    fixture f;
    auto j = testing::fresh_full_job();
    j.stale = false;
    j.last_refresh = testing::at(1'700'000'000);
    f.store.upsert({"proj-a", "job-1"}, j);
    job_collector_options options;
    options.max_staleness = 120s;
    EXPECT_EQ(value_of(f.scrape(options), "drs_job_stale", job1), 1);
    EXPECT_TRUE(find(f.scrape(options), "drs_job_status", job1).empty());
    f.clock.set_wall(testing::at(1'700'000'060));
    EXPECT_EQ(value_of(f.scrape(options), "drs_job_stale", job1), 0);
    EXPECT_EQ(find(f.scrape(options), "drs_job_status", job1).size(), 1u);
}

TEST(MetricsJobCollector, AnErasedJobDisappearsFromTheNextScrape)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    f.store.upsert({"proj-a", "job-2"}, testing::fresh_full_job());
    ASSERT_FALSE(find(f.scrape(), "drs_job_info", job1).empty());
    f.store.erase({"proj-a", "job-1"});
    const auto s = f.scrape();
    for (const auto& x : s)
        EXPECT_NE(x.labels.count("job_id") ? x.labels.at("job_id") : "", "job-1") << x.name;
    EXPECT_EQ(find(s, "drs_job_info", {{"job_id", "job-2"}}).size(), 1u);
    EXPECT_EQ(value_of(s, "drs_monitor_jobs", {{"project", "proj-a"}, {"source", "async_batch"}}), 1);
}

TEST(MetricsJobCollector, AbsentValuesAreOmittedAndNaNIsNeverEmitted)
{
    fixture f;
    state::job_state j;
    j.status = "CONFIGURATION";
    j.progress_ratio = std::numeric_limits<double>::quiet_NaN();
    j.node.cpu_ratio = std::numeric_limits<double>::infinity();
    f.store.upsert({"proj-a", "job-1"}, j);
    const auto text = f.text();
    EXPECT_EQ(text.find("NaN"), std::string::npos);
    EXPECT_EQ(text.find("Nan"), std::string::npos);
    EXPECT_EQ(text.find("Inf"), std::string::npos);
    const auto s = testing::parse_exposition(text);
    EXPECT_TRUE(find(s, "drs_job_progress_ratio").empty());
    EXPECT_TRUE(find(s, "drs_job_node_cpu_ratio").empty());
    EXPECT_TRUE(find(s, "drs_job_replication_delay_seconds").empty());
    EXPECT_TRUE(find(s, "drs_job_precheck_complete").empty());
    EXPECT_EQ(text.find("# HELP drs_job_progress_ratio"), std::string::npos);
}

TEST(MetricsJobCollector, CountsJobsPerAsyncBatchAndPerProjectSource)
{
    fixture f;
    auto batch = testing::fresh_full_job();
    f.store.upsert({"proj-a", "job-1"}, batch);
    f.store.upsert({"proj-a", "job-2"}, batch);
    f.store.upsert({"proj-b", "job-3"}, state::job_state{});
    const auto s = f.scrape();
    EXPECT_EQ(value_of(s, "drs_async_batch_jobs", {{"project", "proj-a"}, {"async_job_id", "async-1"}}), 2);
    EXPECT_EQ(value_of(s, "drs_monitor_jobs", {{"project", "proj-a"}, {"source", "async_batch"}}), 2);
    EXPECT_EQ(value_of(s, "drs_monitor_jobs", {{"project", "proj-b"}, {"source", "config"}}), 1);
}

TEST(MetricsJobCollector, HelpTextNamesTheSourceAndBackgroundPolling)
{
    fixture f;
    f.store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
    const auto text = f.text();
    EXPECT_NE(
        text.find("# HELP drs_job_progress_ratio Overall progress 0..1 (v3 batch-progress"),
        std::string::npos
    );
    EXPECT_NE(text.find("background polling"), std::string::npos);
    EXPECT_NE(text.find("# TYPE drs_job_status_changes_total counter"), std::string::npos);
}

}  // namespace
}  // namespace drsmon::metrics
