// Job discovery end to end: the daemon lists the simulator's jobs, monitors what it finds,
// follows jobs created and deleted while it runs, and removes nothing while the listing is
// throttled. Each case runs with both list APIs (discovery.api): ShowJobList
// (POST /v3/{project_id}/jobs) and ListJobs (GET /v5/{project_id}/jobs) must find the same jobs.

#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <thread>

namespace json = boost::json;
using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

namespace {

std::string add_job_of_type(sim::simulator& s, const std::string& name, const std::string& db_use_type)
{
    return s.api().with_state([&](sim::world& w, auto&, auto&) {
        sim::job_spec spec;
        spec.id = w.make_id();
        spec.name = name;
        spec.db_use_type = db_use_type;
        sim::keyframe k;
        k.at = w.now();
        k.status = "INCRE_TRANSFER_STARTED";
        k.delay = 2;
        spec.timeline.push_back(k);
        return w.add_job(std::move(spec));
    });
}

// One list API, as configured and as the simulator and the api label name it.
struct list_api_case
{
    const char* name;        // discovery.api
    const char* label;       // drs_monitor_api_requests_total{api} and the simulator's API name
    bool lists_child_error;  // ShowJobList's children carry error_msg; ListJobs' do not
};

const list_api_case list_api_cases[] = {
    {"v3", "job-list", true},
    {"v5", "job-list-v5", false},
};

daemon_options discovering(
    sim::simulator& s,
    const std::string& api,
    const std::string& discovery_interval = "1s"
)
{
    auto o = options_for(s, {});
    o.project_extra_yaml = "discovery:\n  enabled: true\n  api: " + api +
                           "\n  interval: " + discovery_interval + "\n";
    o.global_extra_yaml = "throttle: { min_backoff: 500ms, max_backoff: 1s }\n";
    return o;
}

// The page a recorded listing request asked for, whichever API it used.
struct asked_page
{
    std::string db_use_type;
    std::int64_t per_page = 0;
    std::int64_t number = 0;  // from 1
};

asked_page page_of(const sim::recorded_request& r)
{
    asked_page p;
    if (r.api == "job-list")
    {
        const auto body = json::parse(r.body).as_object();
        p.db_use_type = std::string(body.at("db_use_type").as_string());
        p.per_page = body.at("per_page").as_int64();
        p.number = body.at("cur_page").as_int64();
        return p;
    }
    // GET ...?job_type=..&offset=..&limit=.. (values the simulator's IDs never need to escape)
    std::map<std::string, std::string> q;
    std::string_view rest = std::string_view(r.target).substr(r.target.find('?') + 1);
    while (!rest.empty())
    {
        const auto amp = rest.find('&');
        const auto kv = rest.substr(0, amp);
        const auto eq = kv.find('=');
        q[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
    p.db_use_type = q["job_type"];
    p.per_page = std::stoll(q["limit"]);
    p.number = std::stoll(q["offset"]) / p.per_page + 1;
    return p;
}

class DaemonDiscovery : public ::testing::TestWithParam<list_api_case>
{
protected:
    daemon_options discovering(sim::simulator& s) const { return ::discovering(s, GetParam().name); }
    std::optional<double> listings(const daemon_process& d) const
    {
        return metric_value(
            d.metrics(),
            "drs_monitor_api_requests_total",
            {{"project", "sim"}, {"api", GetParam().label}, {"code", "200"}}
        );
    }
};

std::optional<double> discovered(const daemon_process& d, const std::string& db_use_type)
{
    return metric_value(
        d.metrics(),
        "drs_monitor_discovery_jobs",
        {{"project", "sim"}, {"db_use_type", db_use_type}}
    );
}

std::size_t events_of(std::uint16_t port, const std::string& id, const std::string& kind)
{
    std::size_t n = 0;
    for (const auto& e : api_events(port, id))
        n += e.kind == kind;
    return n;
}

std::string source_of(std::uint16_t port, const std::string& id)
{
    const auto j = api_job(port, id);
    return j.is_object() && j.as_object().contains("source") ? std::string(j.at("source").as_string()) : "";
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Api, DaemonDiscovery, ::testing::ValuesIn(list_api_cases), [](const auto& c) {
    return std::string(c.param.name);
});

TEST_P(DaemonDiscovery, MonitorsHundredsOfJobsListedOverSeveralPagesPerType)
{
    auto sim = start_simulator(0);
    std::vector<std::string> sync_ids;
    for (int i = 0; i < 150; ++i)
        sync_ids.push_back(add_job_of_type(*sim, "sync-" + std::to_string(i), "sync"));
    for (int i = 0; i < 110; ++i)
        add_job_of_type(*sim, "migration-" + std::to_string(i), "migration");

    daemon_process d(discovering(*sim));
    ASSERT_TRUE(
        d.wait_for([&] { return discovered(d, "sync") == 150.0 && discovered(d, "migration") == 110.0; }, 20s)
    ) << d.metrics();
    EXPECT_EQ(discovered(d, "cloudDataGuard"), 0.0);
    EXPECT_EQ(metric_value(d.metrics(), "drs_monitor_discovery_truncated", {{"project", "sim"}}), 0.0);
    EXPECT_TRUE(metric_value(
        d.metrics(),
        "drs_monitor_discovery_last_success_timestamp_seconds",
        {{"project", "sim"}}
    ));
    EXPECT_TRUE(listings(d));

    // Found jobs go through the same pipeline as configured ones, with their source.
    ASSERT_TRUE(d.wait_for([&] { return source_of(d.port(), sync_ids.back()) == "discovery"; }, 20s));
    EXPECT_EQ(job_status(d.port(), sync_ids.back()), "INCRE_TRANSFER_STARTED");
    const auto polled = [&] {
        return metric_value(d.metrics(), "drs_monitor_jobs", {{"project", "sim"}, {"source", "discovery"}});
    };
    EXPECT_TRUE(d.wait_for([&] { return polled() == 260.0; }, 20s))
        << "every discovered job is polled: " << polled().value_or(-1);
    EXPECT_EQ(events_of(d.port(), sync_ids.front(), "job_discovered"), 1u);

    // Pages of at most 100, and no page beyond the last one: 2 for sync, 2 for migration and 1
    // for cloudDataGuard per round; only the configured API is asked.
    std::size_t asked = 0;
    for (const auto& r : sim->api().requests())
    {
        EXPECT_NE(r.api, GetParam().lists_child_error ? "job-list-v5" : "job-list");
        if (r.api != GetParam().label)
            continue;
        ++asked;
        const auto p = page_of(r);
        EXPECT_EQ(p.per_page, 100) << r.target << r.body;
        EXPECT_LE(p.number, 2) << r.target << r.body;
        EXPECT_TRUE(p.db_use_type != "cloudDataGuard" || p.number == 1) << r.target << r.body;
    }
    EXPECT_GE(asked, 5u);
}

TEST_P(DaemonDiscovery, FollowsJobsCreatedAndDeletedWhileRunning)
{
    auto sim = start_simulator(0);
    const auto kept = add_job_of_type(*sim, "kept", "sync");
    const auto deleted = add_job_of_type(*sim, "deleted", "cloudDataGuard");
    daemon_process d(discovering(*sim));
    ASSERT_TRUE(d.wait_for([&] { return !job_status(d.port(), deleted).empty(); }, 15s)) << d.logs();

    const auto created = add_job_of_type(*sim, "created", "migration");
    ASSERT_TRUE(d.wait_for([&] { return events_of(d.port(), created, "job_discovered") == 1; }, 5s));
    ASSERT_TRUE(d.wait_for([&] { return source_of(d.port(), created) == "discovery"; }, 10s));

    sim->api().with_state([&](sim::world& w, auto&, auto&) { return w.remove_job(deleted); });
    ASSERT_TRUE(d.wait_for([&] { return events_of(d.port(), deleted, "job_removed") == 1; }, 15s));
    // The status round or the listings, whichever sees it first, say why.
    EXPECT_EQ(api_events(d.port(), deleted).back().detail.rfind("deleted", 0), 0u)
        << api_events(d.port(), deleted).back().detail;
    // Later listings and status rounds report it no more.
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(events_of(d.port(), deleted, "job_removed"), 1u);
    EXPECT_TRUE(api_job(d.port(), deleted).is_null());
    EXPECT_FALSE(api_job(d.port(), kept).is_null());
    EXPECT_EQ(events_of(d.port(), kept, "job_removed"), 0u);
}

TEST_P(DaemonDiscovery, AThrottledListingRemovesNothing)
{
    auto sim = start_simulator(0);
    const auto a = add_job_of_type(*sim, "a", "sync");
    const auto b = add_job_of_type(*sim, "b", "sync");
    daemon_process d(discovering(*sim));
    ASSERT_TRUE(d.wait_for([&] { return discovered(d, "sync") == 2.0; }, 15s)) << d.metrics();
    ASSERT_TRUE(d.wait_for([&] { return source_of(d.port(), b) == "discovery"; }, 15s));

    // b is released: the next listings leave it out (the default exclude_statuses), but none of
    // them gets through.
    sim->api().add_fault(*sim::parse_fault_spec(std::string("429:api=") + GetParam().label + ",count=100000")
    );
    set_status(*sim, b, "RELEASE_RESOURCE_COMPLETE");
    std::this_thread::sleep_for(4s);
    EXPECT_EQ(events_of(d.port(), b, "job_removed"), 0u) << kinds_of(api_events(d.port(), b));
    EXPECT_FALSE(api_job(d.port(), b).is_null());
    EXPECT_GT(sim->api().count(GetParam().label), 0u);

    sim->api().clear_faults();
    ASSERT_TRUE(d.wait_for([&] { return events_of(d.port(), b, "job_removed") == 1; }, 15s));
    const auto removed = api_events(d.port(), b);
    EXPECT_EQ(removed.back().detail, "unmatched");
    EXPECT_EQ(discovered(d, "sync"), 1.0);
    EXPECT_FALSE(api_job(d.port(), a).is_null());
}

TEST_P(DaemonDiscovery, MonitorsTheChildrenOfMultiTaskJobs)
{
    auto sim = start_simulator(0);
    const auto parent = add_job_of_type(*sim, "multi", "sync");
    const auto child = sim->api().with_state([&](sim::world& w, auto&, auto&) {
        sim::job_spec spec;
        spec.id = w.make_id();
        spec.name = "multi-1";
        spec.db_use_type = "sync";
        spec.parent_id = parent;
        sim::keyframe k;
        k.at = w.now();
        k.status = "INCRE_TRANSFER_FAILED";
        k.error_message = "connection lost";
        spec.timeline.push_back(k);
        return w.add_job(std::move(spec));
    });
    daemon_process d(discovering(*sim));
    ASSERT_TRUE(d.wait_for([&] { return discovered(d, "sync") == 2.0; }, 15s)) << d.metrics();
    ASSERT_TRUE(d.wait_for([&] { return job_status(d.port(), child) == "INCRE_TRANSFER_FAILED"; }, 15s));
    EXPECT_EQ(source_of(d.port(), child), "discovery");
    EXPECT_EQ(events_of(d.port(), child, "job_discovered"), 1u);
    const auto found = api_events(d.port(), child);
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found.front().detail, "sync child of " + parent);
    EXPECT_TRUE(d.wait_for(
        [&] {
            return metric_value(d.metrics(), "drs_job_info", {{"job_id", child}, {"parent_id", parent}})
                .has_value();
        },
        15s
    ));

    const auto listed_error = [&] {
        return metric_value(d.metrics(), "drs_job_api_error", {{"job_id", child}, {"error_code", "unknown"}});
    };
    if (!GetParam().lists_child_error)
    {
        // ListJobs shows no message for a child: nothing to report beyond batch-status.
        const auto before = listings(d).value_or(0);
        ASSERT_TRUE(d.wait_for([&] { return listings(d).value_or(0) >= before + 6; }, 15s)) << d.metrics();
        EXPECT_FALSE(listed_error().has_value()) << d.metrics();
        EXPECT_TRUE(api_job(d.port(), child).at("listed_error").is_null());
        EXPECT_EQ(events_of(d.port(), child, "api_error_appeared"), 0u);
        return;
    }
    // The child's error_msg in the job list (batch-status gives it no error) is its API error: code
    // "unknown" in /metrics, the message only in /api/v1/jobs and in one event.
    ASSERT_TRUE(d.wait_for([&] { return listed_error() == 1.0; }, 15s)) << d.metrics();
    EXPECT_EQ(d.metrics().find("connection lost"), std::string::npos) << "free text is never a label";
    const auto job = api_job(d.port(), child);
    ASSERT_TRUE(job.is_object());
    EXPECT_EQ(job.at("listed_error"), json::value("connection lost"));
    EXPECT_TRUE(job.at("api_error").is_null());
    // Further listings (interval 1s) repeat the message: still one event.
    const auto before = listings(d).value_or(0);
    ASSERT_TRUE(d.wait_for([&] { return listings(d).value_or(0) >= before + 6; }, 15s)) << d.metrics();
    const auto appeared = [&] {
        std::vector<seen_event> out;
        for (auto& e : api_events(d.port(), child))
            if (e.kind == "api_error_appeared")
                out.push_back(std::move(e));
        return out;
    };
    ASSERT_EQ(appeared().size(), 1u);
    EXPECT_EQ(appeared().front().to, "unknown");
    EXPECT_EQ(appeared().front().detail, "job list: connection lost");

    // The listing shows the error gone: the series goes and one api_error_cleared says so.
    sim->api().with_state([&](sim::world& w, auto&, auto&) {
        sim::keyframe k;
        k.status = "INCRE_TRANSFER_STARTED";
        k.error_message = "";
        return w.set_now(child, k);
    });
    ASSERT_TRUE(d.wait_for([&] { return !listed_error().has_value(); }, 15s)) << d.metrics();
    EXPECT_EQ(events_of(d.port(), child, "api_error_cleared"), 1u);
    EXPECT_EQ(appeared().size(), 1u);
}

// The state kept across a restart does not depend on the list API: ShowJobList only.
TEST(DaemonDiscoveryState, KeepsDiscoveredJobsAcrossARestartAndAReloadWithoutNewEvents)
{
    auto sim = start_simulator(0);
    const auto a = add_job_of_type(*sim, "a", "sync");
    const auto b = add_job_of_type(*sim, "b", "migration");
    daemon_process d(discovering(*sim, "v3"));
    const auto both_polled = [&] {
        return source_of(d.port(), a) == "discovery" && source_of(d.port(), b) == "discovery";
    };
    ASSERT_TRUE(d.wait_for(both_polled, 15s)) << d.logs();
    ASSERT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 15s)) << d.logs();
    const auto discovered_events = [&] {
        std::size_t n = 0;
        for (const auto& e : file_events(d.state_dir()))
            n += e.kind == "job_discovered";
        return n;
    };
    EXPECT_EQ(discovered_events(), 2u);

    d.signal(SIGTERM);
    ASSERT_EQ(d.wait_exit(5s), 0);
    d.restart();
    // Restored from the state file and found again by the first listing: no new event.
    ASSERT_TRUE(
        d.wait_for([&] { return discovered(d, "sync") == 1.0 && discovered(d, "migration") == 1.0; }, 15s)
    ) << d.logs();
    ASSERT_TRUE(d.wait_for(both_polled, 15s)) << d.logs();
    EXPECT_EQ(discovered_events(), 2u);

    const auto reloaded_at = [&] {
        return metric_value(d.metrics(), "drs_monitor_config_last_reload_success_timestamp_seconds")
            .value_or(0);
    };
    const auto before = reloaded_at();
    const auto pid = d.pid();
    d.signal(SIGHUP);
    ASSERT_TRUE(d.wait_for([&] { return reloaded_at() > before; }, 10s)) << d.logs();
    std::this_thread::sleep_for(3s);  // rounds of the new pollers, listings included
    EXPECT_EQ(d.pid(), pid);
    EXPECT_TRUE(both_polled());
    EXPECT_EQ(discovered_events(), 2u);
    for (const auto& e : file_events(d.state_dir()))
        EXPECT_NE(e.kind, "job_removed") << e.job_id;
}
