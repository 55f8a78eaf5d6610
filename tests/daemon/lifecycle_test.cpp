// A job's life cycle, restarts and state persistence, end to end: the simulator's state is driven
// directly (set_job) instead of waiting for simulated life cycles.

#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

namespace {

struct expected
{
    std::string kind, from, to;
};

void expect_sequence(const std::vector<seen_event>& got, const std::vector<expected>& want, const char* where)
{
    ASSERT_EQ(got.size(), want.size()) << where << ": " << kinds_of(got);
    for (std::size_t i = 0; i < want.size(); ++i)
    {
        EXPECT_EQ(got[i].kind, want[i].kind) << where << " #" << i << ": " << kinds_of(got);
        EXPECT_EQ(got[i].from, want[i].from) << where << " #" << i;
        EXPECT_EQ(got[i].to, want[i].to) << where << " #" << i;
    }
}

bool precheck_running(const json::value& j)
{
    if (!j.is_object())
        return false;
    const auto& pc = j.at("precheck").as_object();
    return pc.at("present").as_bool() && !pc.at("complete").as_bool();
}

}  // namespace

TEST(DaemonLifecycle, ReportsEveryTransitionOfAJobExactlyOnce)
{
    auto sim = start_simulator(0);
    // A job being configured whose pre-check is running (it will not finish until told to).
    const std::string id = sim->api().with_state([](sim::world& w, auto&, auto&) {
        sim::job_spec spec;
        spec.id = w.make_id();
        spec.name = "lifecycle";
        sim::keyframe k;
        k.at = w.now();
        k.status = "CONFIGURATION";
        spec.timeline.push_back(k);
        spec.precheck_items = sim::standard_precheck_items();
        spec.precheck_start = w.now();
        spec.precheck_duration = 1e6;
        return w.add_job(std::move(spec));
    });
    auto o = options_for(*sim, {id});
    o.poll_interval = "500ms";
    // Status transitions only: the DR health reads make events of their own (dr_health_test.cpp).
    o.project_extra_yaml = "dr: false\ncomponents: false";
    daemon_process d(o);
    const auto port = d.port();

    ASSERT_TRUE(d.wait_for([&] { return precheck_running(api_job(port, id)); }, 10s)) << d.logs();
    // While it runs, whether it passed is not known yet.
    EXPECT_TRUE(api_job(port, id).at("precheck").at("passed").is_null());
    EXPECT_FALSE(metric_value(d.metrics(), "drs_job_precheck_passed", {{"job_id", id}}).has_value());
    EXPECT_EQ(metric_value(d.metrics(), "drs_job_precheck_complete", {{"job_id", id}}), 0.0);
    // The pre-check finishes now.
    sim->api().with_state([&](sim::world& w, auto&, auto&) {
        auto spec = *w.find(id);
        spec.precheck_duration = w.now() - *spec.precheck_start;
        w.add_job(std::move(spec));
    });
    ASSERT_TRUE(d.wait_for(
        [&] {
            auto j = api_job(port, id);
            return j.is_object() && j.at("precheck").at("complete").as_bool();
        },
        10s
    )) << d.logs();

    EXPECT_EQ(metric_value(d.metrics(), "drs_job_precheck_passed", {{"job_id", id}}), 1.0);
    EXPECT_EQ(metric_value(d.metrics(), "drs_job_precheck_complete", {{"job_id", id}}), 1.0);

    for (const char* status :
         {"STARTJOBING",
          "FULL_TRANSFER_STARTED",
          "FULL_TRANSFER_COMPLETE",
          "INCRE_TRANSFER_STARTED",
          "INCRE_TRANSFER_FAILED",
          "INCRE_TRANSFER_STARTED",
          "RELEASE_RESOURCE_COMPLETE"})
    {
        set_status(*sim, id, status);
        ASSERT_TRUE(d.wait_for([&] { return job_status(port, id) == status; }, 10s))
            << "status " << status << " not seen\n"
            << d.logs();
    }
    // Two more status rounds: nothing new may appear.
    const auto before = sim->api().count("batch-status");
    ASSERT_TRUE(d.wait_for([&] { return sim->api().count("batch-status") >= before + 2; }, 10s));

    const std::vector<expected> want = {
        {"job_added", "", "CONFIGURATION"},
        {"precheck_finished", "unknown", "passed"},
        {"status_changed", "CONFIGURATION", "STARTJOBING"},
        {"status_changed", "STARTJOBING", "FULL_TRANSFER_STARTED"},
        {"status_changed", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE"},
        {"status_changed", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"},
        {"status_changed", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"},
        {"job_failed", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"},
        {"status_changed", "INCRE_TRANSFER_FAILED", "INCRE_TRANSFER_STARTED"},
        {"job_recovered", "INCRE_TRANSFER_FAILED", "INCRE_TRANSFER_STARTED"},
        {"status_changed", "INCRE_TRANSFER_STARTED", "RELEASE_RESOURCE_COMPLETE"},
    };
    const auto from_api = api_events(port, id);
    expect_sequence(from_api, want, "/api/v1/events");
    expect_sequence(file_events(d.state_dir(), id), want, "events.jsonl");
    for (std::size_t i = 1; i < from_api.size(); ++i)
        EXPECT_GT(from_api[i].seq, from_api[i - 1].seq);
    for (const auto& e : from_api)
        EXPECT_FALSE(e.after_restart);

    const auto m = d.metrics();
    EXPECT_EQ(metric_value(m, "drs_job_status_changes_total", {{"job_id", id}}), 7.0);
    EXPECT_EQ(
        metric_value(m, "drs_job_status", {{"job_id", id}, {"status", "RELEASE_RESOURCE_COMPLETE"}}),
        1.0
    );
    EXPECT_EQ(metric_value(m, "drs_job_failed", {{"job_id", id}}), 0.0);
}

TEST(DaemonLifecycle, ReportsATransitionMissedWhileKilledOnceAfterTheRestart)
{
    auto sim = start_simulator(0);
    const auto a = add_pinned_job(*sim, "restart-a", "INCRE_TRANSFER_STARTED");
    const auto b = add_pinned_job(*sim, "restart-b", "FULL_TRANSFER_STARTED");
    auto o = options_for(*sim, {a, b});
    // Status transitions only: the DR health reads make events of their own (dr_health_test.cpp).
    o.project_extra_yaml = "dr: false\ncomponents: false";
    daemon_process d(o);
    const auto port = d.port();
    ASSERT_TRUE(d.wait_for([&] { return http_get(port, "/-/ready").status == 200; }, 10s)) << d.logs();
    set_status(*sim, b, "FULL_TRANSFER_COMPLETE");
    ASSERT_TRUE(d.wait_for([&] { return job_status(port, b) == "FULL_TRANSFER_COMPLETE"; }, 10s)) << d.logs();
    const auto before = api_events(port);
    ASSERT_EQ(before.size(), 3u) << kinds_of(before);

    d.kill9();
    set_status(*sim, a, "INCRE_TRANSFER_FAILED");
    d.restart();
    ASSERT_TRUE(d.wait_for([&] { return job_status(d.port(), a) == "INCRE_TRANSFER_FAILED"; }, 10s))
        << d.logs();
    // A few more rounds so that a duplicate would show.
    const auto calls = sim->api().count("batch-status");
    ASSERT_TRUE(d.wait_for([&] { return sim->api().count("batch-status") >= calls + 2; }, 10s));

    const auto all = api_events(d.port());
    ASSERT_EQ(all.size(), 5u) << kinds_of(all);
    // Seqs continue across the restart: 1..5 without gaps or repeats.
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_EQ(all[i].seq, i + 1) << kinds_of(all);
    for (std::size_t i = 0; i < before.size(); ++i)
    {
        EXPECT_EQ(all[i].kind, before[i].kind);
        EXPECT_FALSE(all[i].after_restart);
    }
    EXPECT_EQ(all[3].kind, "status_changed");
    EXPECT_EQ(all[3].job_id, a);
    EXPECT_EQ(all[3].from, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(all[3].to, "INCRE_TRANSFER_FAILED");
    EXPECT_TRUE(all[3].after_restart);
    EXPECT_EQ(all[4].kind, "job_failed");
    EXPECT_TRUE(all[4].after_restart);

    const auto file = file_events(d.state_dir());
    ASSERT_EQ(file.size(), 5u) << kinds_of(file);
    for (std::size_t i = 0; i < file.size(); ++i)
        EXPECT_EQ(file[i].seq, i + 1);
    // The counter survives restarts.
    EXPECT_EQ(metric_value(d.metrics(), "drs_job_status_changes_total", {{"job_id", a}}), 1.0);
    EXPECT_EQ(metric_value(d.metrics(), "drs_job_status_changes_total", {{"job_id", b}}), 1.0);
}

TEST(DaemonLifecycle, ExitsZeroOnSigtermWithinFiveSecondsAndLeavesAValidStateFile)
{
    auto sim = start_simulator(3);
    daemon_process d(options_for(*sim, sim->api().job_ids()));
    ASSERT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 10s)) << d.logs();
    const auto t0 = std::chrono::steady_clock::now();
    d.signal(SIGTERM);
    EXPECT_EQ(d.wait_exit(5s), 0) << d.logs();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    EXPECT_EQ(d.logs().find("shutdown deadline reached"), std::string::npos) << d.logs();

    std::ifstream in(d.state_dir() + "/state.json");
    std::stringstream ss;
    ss << in.rdbuf();
    json::value v;
    ASSERT_NO_THROW(v = json::parse(ss.str())) << ss.str();
    EXPECT_GE(v.at("next_event_seq").to_number<std::uint64_t>(), 4u);
    EXPECT_EQ(ss.str().find("simSecretKey"), std::string::npos);
    EXPECT_EQ(ss.str().find("db_password"), std::string::npos);
    EXPECT_EQ(
        fs::status(d.state_dir() + "/state.json").permissions() & fs::perms::others_read,
        fs::perms::none
    );
}

TEST(DaemonLifecycle, MovesACorruptStateFileAsideAndStartsFresh)
{
    auto sim = start_simulator(2);
    const auto ids = sim->api().job_ids();
    daemon_process d(options_for(*sim, ids));
    ASSERT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 10s)) << d.logs();
    d.signal(SIGTERM);
    ASSERT_EQ(d.wait_exit(5s), 0);
    {
        std::ofstream out(d.state_dir() + "/state.json", std::ios::trunc);
        out << "{\"format\": \"drs-monitor-state\", \"jobs\": [tru";
    }
    d.restart();
    ASSERT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 10s)) << d.logs();
    EXPECT_NE(d.logs().find("state file unreadable; starting fresh"), std::string::npos) << d.logs();
    std::vector<std::string> aside;
    for (const auto& entry : fs::directory_iterator(d.state_dir()))
    {
        const auto name = entry.path().filename().string();
        if (name.rfind("state.json", 0) == 0 && name != "state.json")
            aside.push_back(name);
    }
    ASSERT_EQ(aside.size(), 1u);
    // The corrupt content is kept for inspection, and a valid state replaced it.
    std::ifstream moved(d.state_dir() + "/" + aside[0]);
    std::string content((std::istreambuf_iterator<char>(moved)), {});
    EXPECT_NE(content.find("[tru"), std::string::npos);
    ASSERT_TRUE(d.wait_for([&] { return fs::exists(d.state_dir() + "/state.json"); }, 5s));
    auto r = http_get(d.port(), "/api/v1/jobs");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body).at("jobs").as_array().size(), ids.size());
}
