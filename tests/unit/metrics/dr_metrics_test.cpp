#include "drsmon/metrics/job_collector.hpp"

#include "exposition.hpp"
#include "populated.hpp"

#include <gtest/gtest.h>

#include <string>

namespace drsmon::metrics {
namespace {

using testing::find;

const std::map<std::string, std::string> job1{{"project", "proj-a"}, {"job_id", "job-1"}};

std::string render_one(const state::job_state& s)
{
    state::store store;
    store.upsert({"proj-a", "job-1"}, s);
    core::manual_clock clock{testing::at(1'700'000'300)};
    return job_collector(store, clock).render();
}

const char* const dr_families[] = {
    "drs_job_rpo_seconds",
    "drs_job_rto_seconds",
    "drs_job_rpo_checkpoint_timestamp_seconds",
    "drs_job_endpoint_up",
    "drs_job_dr_delay_seconds",
    "drs_job_dr_rows_per_second",
    "drs_job_dr_io",
    "drs_job_dr_node_cpu_ratio",
    "drs_job_dr_memory_used_bytes",
    "drs_job_dr_node_memory_bytes",
    "drs_job_dr_volume_used_bytes",
    "drs_job_dr_node_volume_bytes",
    "drs_job_dr_transferred_bytes",
    "drs_job_dr_transferred_rows",
    "drs_job_dr_bandwidth",
    "drs_job_dr_migration_bytes_per_second",
    "drs_job_component_status",
    "drs_job_component_delay_seconds",
    "drs_job_current_action",
};

TEST(DrMetrics, AJobWithoutDrFiguresHasNoDrSeriesAtAll)
{
    auto s = testing::fresh_full_job();
    s.dr = {};
    const auto text = render_one(s);
    for (const char* family : dr_families)
        EXPECT_EQ(text.find(std::string(family) + "{"), std::string::npos) << family;
    EXPECT_EQ(text.find("NaN"), std::string::npos);
}

TEST(DrMetrics, EveryFamilyAppearsForAReportingDrJob)
{
    const auto text = render_one(testing::fresh_full_job());
    for (const char* family : dr_families)
        EXPECT_NE(text.find(std::string(family) + "{"), std::string::npos) << family;
}

TEST(DrMetrics, OnlyTheReportedSideOfAnEndpointAppears)
{
    auto s = testing::fresh_full_job();
    s.dr = {};
    s.dr.target_up = false;
    s.dr.source_delay_seconds = 5;
    const auto samples = testing::parse_exposition(render_one(s));
    const auto up = find(samples, "drs_job_endpoint_up", job1);
    ASSERT_EQ(up.size(), 1u);
    EXPECT_EQ(up[0].labels.at("side"), "target");
    EXPECT_EQ(up[0].value, "0");
    const auto delay = find(samples, "drs_job_dr_delay_seconds", job1);
    ASSERT_EQ(delay.size(), 1u);
    EXPECT_EQ(delay[0].labels.at("side"), "source");
}

TEST(DrMetrics, ComponentStatusIsAStateSetWithAnUnknownStatusAdded)
{
    auto s = testing::fresh_full_job();
    s.dr = {};
    s.dr.components["apply"] = state::component_state{"PAUSED_BY_USER", std::nullopt};
    const auto samples = testing::parse_exposition(render_one(s));
    const auto status = find(samples, "drs_job_component_status", job1);
    ASSERT_EQ(status.size(), 5u);
    double ones = 0;
    for (const auto& x : status)
    {
        EXPECT_EQ(x.labels.at("component"), "apply");
        ones += std::stod(x.value);
        if (x.labels.at("status") == "PAUSED_BY_USER")
        {
            EXPECT_EQ(x.value, "1");
        }
    }
    EXPECT_EQ(ones, 1);
    EXPECT_TRUE(find(samples, "drs_job_component_delay_seconds", job1).empty());
}

TEST(DrMetrics, StaleJobsWithdrawTheirDrSeries)
{
    auto s = testing::fresh_full_job();
    s.stale = true;
    const auto text = render_one(s);
    for (const char* family : dr_families)
        EXPECT_EQ(text.find(std::string(family) + "{"), std::string::npos) << family;
}

}  // namespace
}  // namespace drsmon::metrics
