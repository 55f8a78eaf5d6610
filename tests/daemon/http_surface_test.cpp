#include "drsmon/sim/simulator.hpp"
#include "drsmon/test/daemon_harness.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace json = boost::json;
using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

TEST(DaemonHttp, ServesConfiguredJobsFromTheSimulator)
{
    auto sim = start_simulator(3);
    daemon_options o;
    o.sim_url = sim->url();
    o.project_id = sim->api().project_id();
    o.jobs = sim->api().job_ids();
    daemon_process d(o);
    ASSERT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 10s)) << d.logs();
    auto r = http_get(d.port(), "/api/v1/jobs");
    ASSERT_EQ(r.status, 200);
    auto v = json::parse(r.body);
    EXPECT_EQ(v.at("jobs").as_array().size(), 3u);
}
