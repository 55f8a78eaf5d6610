#include "drsmon/drs_api/dr_parse.hpp"
#include "drsmon/sim/dr_health.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace drsmon;
using namespace drsmon::sim;
using namespace drsmon::sim::testing;
namespace json = boost::json;

namespace {

// A DR job and a sync job, both incremental from simulated second 0, a DR job still initialising
// and a sync job not yet started.
struct dr_harness : harness
{
    std::string dr, sync, initialising, configuring;

    dr_harness() : harness(0)
    {
        r->with_state([&](world& w, fault_set&, recorder&) {
            dr = w.add_job(job("cloudDataGuard", "INCRE_TRANSFER_STARTED"));
            sync = w.add_job(job("sync", "INCRE_TRANSFER_STARTED"));
            initialising = w.add_job(job("cloudDataGuard", "FULL_TRANSFER_STARTED"));
            configuring = w.add_job(job("sync", "CONFIGURATION"));
        });
    }

    // A job pinned at `status` from simulated second 0 on.
    static job_spec job(std::string use_type, std::string status)
    {
        keyframe k;
        k.at = 0;
        k.status = std::move(status);
        k.progress = 10;
        k.delay = 1;
        job_spec j;
        j.name = use_type + "-" + *k.status;
        j.db_use_type = std::move(use_type);
        j.timeline = {k};
        return j;
    }

    // Moves to `second` of the DR cycle (from the current time, which must be before it).
    void at(double second)
    {
        const double now = r->with_state([](world& w, fault_set&, recorder&) { return w.now(); });
        r->advance(std::chrono::duration<double>(second - now));
    }

    drs_api::batch_rpo_rto_response rpo(const std::vector<std::string>& ids)
    {
        const auto res = post("batch-rpo-and-rto", {{"jobs", json::value_from(ids)}});
        EXPECT_EQ(res.status, 200u);
        auto parsed = drs_api::parse_batch_rpo_rto(res.body);
        EXPECT_TRUE(parsed.has_value()) << res.body;
        return parsed.has_value() ? *parsed : drs_api::batch_rpo_rto_response{};
    }

    drs_api::dr_monitor monitor(const std::string& id)
    {
        const auto res = post("disaster-recovery-monitoring-data", {{"jobs", {id}}});
        EXPECT_EQ(res.status, 200u);
        auto parsed = drs_api::parse_dr_monitoring(res.body);
        EXPECT_TRUE(parsed.has_value()) << res.body;
        if (!parsed || parsed->results.empty() || !parsed->results[0].monitor)
            return {};
        return *parsed->results[0].monitor;
    }

    response v5(const std::string& id, std::string_view leaf)
    {
        return call("GET", "/v5/" + std::string(project) + "/jobs/" + id + "/" + std::string(leaf));
    }

    std::string apply_status(const std::string& id)
    {
        const auto res = v5(id, "increment-components-detail");
        EXPECT_EQ(res.status, 200u) << res.body;
        const auto parsed = drs_api::parse_increment_components(res.body);
        EXPECT_TRUE(parsed.has_value()) << res.body;
        if (!parsed || parsed->components.size() != 2)
            return "?";
        EXPECT_EQ(parsed->components[0].type, "capture");
        EXPECT_EQ(parsed->components[1].type, "apply");
        return parsed->components[1].status;
    }

    std::string current_action(const std::string& id)
    {
        const auto res = v5(id, "actions");
        EXPECT_EQ(res.status, 200u) << res.body;
        const auto parsed = drs_api::parse_job_actions(res.body);
        EXPECT_TRUE(parsed.has_value()) << res.body;
        return parsed ? parsed->current_action : "?";
    }
};

}  // namespace

TEST(SimDrHealth, RecognisesTheFourApis)
{
    EXPECT_EQ(api_of("POST", "/v3/p/jobs/batch-rpo-and-rto"), "batch-rpo-and-rto");
    EXPECT_EQ(
        api_of("POST", "/v3/p/jobs/disaster-recovery-monitoring-data"),
        "disaster-recovery-monitoring-data"
    );
    EXPECT_EQ(api_of("GET", "/v5/p/jobs/j1/increment-components-detail"), "increment-components-detail");
    EXPECT_EQ(api_of("GET", "/v5/p/jobs/j1/actions"), "actions");
    EXPECT_EQ(api_of("POST", "/v5/p/jobs/j1/actions"), "unknown");
}

TEST(SimDrHealth, RpoGrowsPastFiveMinutesAndRecovers)
{
    dr_harness h;
    h.at(60);
    const auto calm = h.rpo({h.dr});
    ASSERT_EQ(calm.results.size(), 1u);
    ASSERT_TRUE(calm.results[0].rpo && calm.results[0].rpo->delay_seconds);
    EXPECT_LT(*calm.results[0].rpo->delay_seconds, 10);
    ASSERT_TRUE(calm.results[0].rto && calm.results[0].rto->delay_seconds);
    EXPECT_LE(*calm.results[0].rto->delay_seconds, *calm.results[0].rpo->delay_seconds);
    ASSERT_TRUE(calm.results[0].rpo->time);

    h.at(235);
    const auto high = h.rpo({h.dr});
    ASSERT_TRUE(high.results[0].rpo->delay_seconds);
    EXPECT_GT(*high.results[0].rpo->delay_seconds, 300);
    // The checkpoint time lags the simulated now by the RPO.
    const auto lag = std::chrono::duration<double>(h.r->with_state([](world& w, fault_set&, recorder&) {
        return w.virtual_now();
    }) - *high.results[0].rpo->time);
    EXPECT_NEAR(lag.count(), *high.results[0].rpo->delay_seconds, 1.5);

    h.at(310);
    const auto recovered = h.rpo({h.dr});
    EXPECT_LT(*recovered.results[0].rpo->delay_seconds, 10);
}

TEST(SimDrHealth, RpoAndMonitoringAreNotApplicableToNonDrJobsAndDuringInitialisation)
{
    dr_harness h;
    h.at(30);
    const auto r = h.rpo({h.dr, h.sync, h.initialising});
    ASSERT_EQ(r.results.size(), 3u);
    EXPECT_FALSE(r.results[0].error);
    for (std::size_t i : {1u, 2u})
    {
        ASSERT_TRUE(r.results[i].error) << i;
        EXPECT_EQ(r.results[i].error->code, "DRS.M00304");
        EXPECT_FALSE(r.results[i].rpo);
    }
    const auto res = h.post("disaster-recovery-monitoring-data", {{"jobs", {h.sync}}});
    const auto m = drs_api::parse_dr_monitoring(res.body);
    ASSERT_TRUE(m.has_value());
    ASSERT_TRUE(m->results.at(0).error);
    EXPECT_EQ(m->results[0].error->code, "DRS.M00304");
    EXPECT_EQ(m->results[0].job_id, h.sync);
}

TEST(SimDrHealth, MonitoringUsesTheMisspeltKeyAndStringFigures)
{
    dr_harness h;
    h.at(30);
    const auto res = h.post("disaster-recovery-monitoring-data", {{"jobs", {h.dr}}});
    const auto doc = json::parse(res.body);
    const auto& item = doc.at("results").at(0).as_object();
    EXPECT_EQ(item.at("id").as_string(), h.dr);
    ASSERT_TRUE(item.contains("data_guard_minitor"));
    EXPECT_FALSE(item.contains("data_guard_monitor"));
    const auto& m = item.at("data_guard_minitor").as_object();
    EXPECT_TRUE(m.at("src_rps").is_string());
    EXPECT_TRUE(m.at("sr_delay").is_int64());
    EXPECT_TRUE(m.at("src_normal").is_bool());
    EXPECT_TRUE(m.at("cpuUsed_percent").as_string().ends_with("%"));
}

TEST(SimDrHealth, TheTargetEndpointGoesDownAndComesBack)
{
    dr_harness h;
    h.at(350);
    const auto before = h.monitor(h.dr);
    EXPECT_EQ(before.source.normal, true);
    EXPECT_EQ(before.target.normal, true);
    h.at(390);
    const auto down = h.monitor(h.dr);
    EXPECT_EQ(down.source.normal, true);
    EXPECT_EQ(down.target.normal, false);
    ASSERT_TRUE(down.target.delay_seconds && before.target.delay_seconds);
    EXPECT_GT(*down.target.delay_seconds, *before.target.delay_seconds);
    h.at(430);
    EXPECT_EQ(h.monitor(h.dr).target.normal, true);
}

TEST(SimDrHealth, TheApplyComponentStopsAndStartsAgain)
{
    dr_harness h;
    h.at(100);
    EXPECT_EQ(h.apply_status(h.sync), "STARTED");
    h.at(422);
    EXPECT_EQ(h.apply_status(h.sync), "STOPPING");
    h.at(450);
    EXPECT_EQ(h.apply_status(h.sync), "STOPPED");
    h.at(482);
    EXPECT_EQ(h.apply_status(h.sync), "STARTING");
    h.at(490);
    EXPECT_EQ(h.apply_status(h.sync), "STARTED");
}

TEST(SimDrHealth, ComponentsAreNotApplicableOutsideTheIncrementalPhase)
{
    dr_harness h;
    h.at(30);
    for (const auto& id : {h.initialising, h.configuring})
    {
        const auto res = h.v5(id, "increment-components-detail");
        EXPECT_EQ(res.status, 400u);
        const auto doc = json::parse(res.body);
        EXPECT_EQ(doc.at("error_code").as_string(), "DRS.M00304");
    }
    const auto unknown = h.v5("00000000-0000-0000-0000-000000000jb9", "increment-components-detail");
    EXPECT_EQ(unknown.status, 400u);
    EXPECT_NE(unknown.body.find("DRS.10000010"), std::string::npos);
}

TEST(SimDrHealth, AFailedIncrementalJobHasBothComponentsStopped)
{
    dr_harness h;
    h.at(30);
    keyframe failed;
    failed.status = "INCRE_TRANSFER_FAILED";
    ASSERT_TRUE(h.r->set_job(h.sync, failed));
    const auto res = h.v5(h.sync, "increment-components-detail");
    const auto parsed = drs_api::parse_increment_components(res.body);
    ASSERT_TRUE(parsed.has_value()) << res.body;
    ASSERT_EQ(parsed->components.size(), 2u);
    EXPECT_EQ(parsed->components[0].status, "STOPPED");
    EXPECT_EQ(parsed->components[1].status, "STOPPED");
    EXPECT_FALSE(parsed->components[1].delay_seconds);
}

TEST(SimDrHealth, ASwitchOverStartsAndEndsOnDrJobsOnly)
{
    dr_harness h;
    h.at(490);
    EXPECT_EQ(h.current_action(h.dr), "");
    h.at(530);
    EXPECT_EQ(h.current_action(h.dr), "SWITCH_OVER");
    EXPECT_EQ(h.current_action(h.sync), "");
    h.at(570);
    EXPECT_EQ(h.current_action(h.dr), "");
    h.at(600 + 530);
    EXPECT_EQ(h.current_action(h.dr), "SWITCH_OVER");
}

TEST(SimDrHealth, ActionsAnswerEveryKnownJob)
{
    dr_harness h;
    for (const auto& id : {h.dr, h.sync, h.initialising, h.configuring})
    {
        const auto res = h.v5(id, "actions");
        EXPECT_EQ(res.status, 200u);
        const auto parsed = drs_api::parse_job_actions(res.body);
        ASSERT_TRUE(parsed.has_value()) << res.body;
        EXPECT_FALSE(parsed->available.empty());
    }
}
