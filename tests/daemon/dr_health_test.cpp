// DR health end to end: the simulator's DR life cycle (sim/dr_health.hpp) is stepped with
// advance(), and the daemon must report each endpoint, component and action change exactly once;
// a job for which the DR reads answer "not applicable" is not asked again until its phase changes.

#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <map>

namespace json = boost::json;
using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

namespace {

// A job of the given use type, pinned at `status` from now on (its DR cycle starts now when the
// status is incremental).
std::string add_job(
    sim::simulator& s,
    const std::string& name,
    const std::string& use_type,
    const std::string& status
)
{
    return s.api().with_state([&](sim::world& w, auto&, auto&) {
        sim::job_spec spec;
        spec.id = w.make_id();
        spec.name = name;
        spec.db_use_type = use_type;
        sim::keyframe k;
        k.at = w.now();
        k.status = status;
        k.delay = 2;
        spec.timeline.push_back(k);
        return w.add_job(std::move(spec));
    });
}

double sim_now(sim::simulator& s)
{
    return s.api().with_state([](sim::world& w, auto&, auto&) { return w.now(); });
}

// Moves the simulated time to `phase` seconds after `start` (forward only).
void advance_to(sim::simulator& s, double start, double phase)
{
    const double now = sim_now(s);
    if (start + phase > now)
        s.api().advance(std::chrono::duration<double>(start + phase - now));
}

// Requests to `api` whose body names `id`.
std::size_t asked_about(sim::simulator& s, const std::string& api, const std::string& id)
{
    std::size_t n = 0;
    for (const auto& r : s.api().requests())
        if (r.api == api && (r.body.find(id) != std::string::npos || r.target.find(id) != std::string::npos))
            ++n;
    return n;
}

const json::value* dr_of(const json::value& job)
{
    if (!job.is_object())
        return nullptr;
    return job.as_object().if_contains("dr");
}

bool dr_field_is(std::uint16_t port, const std::string& id, const char* key, const json::value& want)
{
    const auto job = api_job(port, id);
    const auto* dr = dr_of(job);
    return dr && dr->as_object().if_contains(key) && dr->at(key) == want;
}

std::string component_status(std::uint16_t port, const std::string& id, const char* component)
{
    const auto job = api_job(port, id);
    const auto* dr = dr_of(job);
    if (!dr)
        return {};
    const auto* c = dr->at("components").as_object().if_contains(component);
    return c ? std::string(c->at("status").as_string()) : std::string();
}

}  // namespace

TEST(DaemonDrHealth, ReportsEveryEndpointComponentAndActionChangeExactlyOnce)
{
    auto sim = start_simulator(0);
    const double start = sim_now(*sim);
    const auto id = add_job(*sim, "dr-link", "cloudDataGuard", "INCRE_TRANSFER_STARTED");
    auto o = options_for(*sim, {id});
    o.poll_interval = "500ms";
    daemon_process d(o);
    const auto port = d.port();

    ASSERT_TRUE(d.wait_for([&] { return dr_field_is(port, id, "target_up", true); }, 10s)) << d.logs();
    ASSERT_TRUE(d.wait_for([&] { return component_status(port, id, "apply") == "STARTED"; }, 10s))
        << d.logs();
    EXPECT_TRUE(metric_value(d.metrics(), "drs_job_rpo_seconds", {{"job_id", id}}).has_value());

    advance_to(*sim, start, 390);  // the target endpoint is down
    ASSERT_TRUE(d.wait_for([&] { return dr_field_is(port, id, "target_up", false); }, 10s)) << d.logs();
    EXPECT_EQ(metric_value(d.metrics(), "drs_job_endpoint_up", {{"job_id", id}, {"side", "target"}}), 0.0);
    advance_to(*sim, start, 450);  // back up; the apply component is stopped
    ASSERT_TRUE(d.wait_for(
        [&] {
            return dr_field_is(port, id, "target_up", true) &&
                   component_status(port, id, "apply") == "STOPPED";
        },
        10s
    )) << d.logs();
    advance_to(*sim, start, 490);  // the apply component runs again
    ASSERT_TRUE(d.wait_for([&] { return component_status(port, id, "apply") == "STARTED"; }, 10s))
        << d.logs();
    advance_to(*sim, start, 530);  // a switch-over runs
    ASSERT_TRUE(d.wait_for([&] { return dr_field_is(port, id, "current_action", "SWITCH_OVER"); }, 10s))
        << d.logs();
    EXPECT_EQ(
        metric_value(d.metrics(), "drs_job_current_action", {{"job_id", id}, {"action", "SWITCH_OVER"}}),
        1.0
    );
    advance_to(*sim, start, 575);  // it ended
    ASSERT_TRUE(d.wait_for([&] { return dr_field_is(port, id, "current_action", ""); }, 10s)) << d.logs();
    EXPECT_FALSE(metric_value(
                     d.metrics(),
                     "drs_job_current_action",
                     {{"job_id", id}, {"action", "SWITCH_OVER"}}
    ).has_value());

    // More rounds of every task: a duplicate would show.
    const auto rounds = sim->api().count("increment-components-detail");
    ASSERT_TRUE(d.wait_for([&] { return sim->api().count("increment-components-detail") >= rounds + 3; }, 10s)
    );

    std::map<std::string, int> kinds;
    std::string dr_events;
    for (const auto& e : api_events(port, id))
    {
        ++kinds[e.kind];
        if (e.kind != "job_added")
            dr_events += e.kind + "(" + e.from + "->" + e.to + ") ";
    }
    EXPECT_EQ(kinds["job_added"], 1) << dr_events;
    EXPECT_EQ(kinds["endpoint_down"], 1) << dr_events;
    EXPECT_EQ(kinds["endpoint_up"], 1) << dr_events;
    EXPECT_EQ(kinds["action_started"], 1) << dr_events;
    EXPECT_EQ(kinds["action_ended"], 1) << dr_events;
    // STARTED -> STOPPED (maybe through STOPPING) and back (maybe through STARTING).
    EXPECT_GE(kinds["component_status_changed"], 2) << dr_events;
    EXPECT_LE(kinds["component_status_changed"], 4) << dr_events;
    EXPECT_EQ(kinds.size(), 6u) << dr_events;
    // The same in the events file.
    EXPECT_EQ(file_events(d.state_dir(), id).size(), api_events(port, id).size());
}

// The reference does not say whether the service answers "not applicable" per item or refuses
// the whole batch (HTTP 400 with DRS.M00304 at the top level): the daemon must do the same with
// both. A refused batch is split until the job it is about stands alone.
class DaemonDrNotApplicable : public testing::TestWithParam<bool>
{
};

TEST_P(DaemonDrNotApplicable, AJobTheDrReadsDoNotApplyToIsNotAskedAgainUntilItsPhaseChanges)
{
    const bool whole_batch = GetParam();
    sim::simulator_options so;
    so.world.seed = 1;
    so.router.not_applicable_fails_batch = whole_batch;
    auto sim = start_simulator(std::move(so));
    // A DR job paused before its incremental phase: the rules ask, the service answers DRS.M00304.
    const auto paused = add_job(*sim, "dr-paused", "cloudDataGuard", "PAUSING");
    // A DR job the reads apply to, asked in the same batch.
    const auto healthy = add_job(*sim, "dr-healthy", "cloudDataGuard", "INCRE_TRANSFER_STARTED");
    const auto sync = add_job(*sim, "sync", "sync", "INCRE_TRANSFER_STARTED");
    auto o = options_for(*sim, {paused, healthy, sync});
    o.poll_interval = "500ms";
    daemon_process d(o);
    const auto port = d.port();

    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto job = api_job(port, paused);
            const auto* dr = dr_of(job);
            return dr && !dr->at("dr_not_applicable").as_string().empty();
        },
        10s
    )) << d.logs();
    ASSERT_TRUE(d.wait_for(
        [&] {
            return metric_value(d.metrics(), "drs_job_rpo_seconds", {{"job_id", healthy}}).has_value();
        },
        10s
    )) << d.logs();
    const auto calls = sim->api().count("batch-status");
    ASSERT_TRUE(d.wait_for([&] { return sim->api().count("batch-status") >= calls + 4; }, 10s));
    // Once in the batch; refused as a whole, once more alone.
    EXPECT_EQ(asked_about(*sim, "batch-rpo-and-rto", paused), whole_batch ? 2u : 1u);
    EXPECT_EQ(asked_about(*sim, "disaster-recovery-monitoring-data", paused), 0u);
    // Not a DR job: never asked.
    EXPECT_EQ(asked_about(*sim, "batch-rpo-and-rto", sync), 0u);
    EXPECT_EQ(asked_about(*sim, "disaster-recovery-monitoring-data", sync), 0u);
    EXPECT_FALSE(metric_value(d.metrics(), "drs_job_rpo_seconds", {{"job_id", paused}}).has_value());
    // A refusal the split explains is an answer, not a failed round.
    EXPECT_EQ(d.logs().find("batch-rpo-and-rto: "), std::string::npos) << d.logs();

    // The job resumes into its incremental phase: asked again, and its RPO appears.
    set_status(*sim, paused, "INCRE_TRANSFER_STARTED");
    ASSERT_TRUE(d.wait_for(
        [&] {
            return metric_value(d.metrics(), "drs_job_rpo_seconds", {{"job_id", paused}}).has_value();
        },
        10s
    )) << d.logs();
    EXPECT_GE(asked_about(*sim, "batch-rpo-and-rto", paused), whole_batch ? 3u : 2u);
    EXPECT_TRUE(dr_field_is(port, paused, "dr_not_applicable", ""));
}

INSTANTIATE_TEST_SUITE_P(
    PerItemOrWholeBatch,
    DaemonDrNotApplicable,
    testing::Values(false, true),
    [](const testing::TestParamInfo<bool>& i) { return i.param ? "WholeBatchRefused" : "PerItem"; }
);
