#include "drsmon/drs_api/requests.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace drsmon::drs_api;

namespace {

const std::vector<std::string> two_ids{"9a47-jb21", "dc67-jb21"};

}  // namespace

TEST(DrRequests, ApiNamesAreTheEndpointLeaves)
{
    EXPECT_STREQ(api_name(api::batch_rpo_rto), "batch-rpo-and-rto");
    EXPECT_STREQ(api_name(api::dr_monitoring), "disaster-recovery-monitoring-data");
    EXPECT_STREQ(api_name(api::increment_components), "increment-components-detail");
    EXPECT_STREQ(api_name(api::job_actions), "actions");
}

TEST(DrRequests, BatchRpoAndRtoSendsOnlyTheJobs)
{
    const auto r = batch_rpo_rto_request("p1", two_ids);
    EXPECT_EQ(r.which, api::batch_rpo_rto);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v3/p1/jobs/batch-rpo-and-rto");
    EXPECT_TRUE(r.query.empty());
    EXPECT_EQ(r.body, R"({"jobs":["9a47-jb21","dc67-jb21"]})");
}

TEST(DrRequests, DrMonitoringSendsOnlyTheJobs)
{
    const auto r = dr_monitoring_request("p1", two_ids);
    EXPECT_EQ(r.which, api::dr_monitoring);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v3/p1/jobs/disaster-recovery-monitoring-data");
    EXPECT_EQ(r.body, R"({"jobs":["9a47-jb21","dc67-jb21"]})");
}

TEST(DrRequests, PerJobReadsAreGetsWithTheJobInThePath)
{
    const auto components = increment_components_request("p1", "0ea5-jb21");
    EXPECT_EQ(components.which, api::increment_components);
    EXPECT_EQ(components.method, "GET");
    EXPECT_EQ(components.path, "/v5/p1/jobs/0ea5-jb21/increment-components-detail");
    EXPECT_TRUE(components.query.empty());
    EXPECT_TRUE(components.body.empty());
    const auto actions = job_actions_request("p1", "0ea5-jb21");
    EXPECT_EQ(actions.which, api::job_actions);
    EXPECT_EQ(actions.method, "GET");
    EXPECT_EQ(actions.path, "/v5/p1/jobs/0ea5-jb21/actions");
    EXPECT_TRUE(actions.body.empty());
}

TEST(DrRequests, AJobIdCannotChangeTheApiCalled)
{
    EXPECT_EQ(job_actions_request("p1", "../x?y").path, "/v5/p1/jobs/..%2Fx%3Fy/actions");
    EXPECT_EQ(
        increment_components_request("p/1", "a b").path,
        "/v5/p%2F1/jobs/a%20b/increment-components-detail"
    );
}
