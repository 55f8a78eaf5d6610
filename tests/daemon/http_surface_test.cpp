// The daemon's HTTP surface against a fixed scenario (tests/data/daemon/golden.yaml), plus jobs the
// API does not know.

#include "drsmon/test/gunzip.hpp"

#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace json = boost::json;
using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

namespace {

const std::string orders = "3f0c2a10-4d2b-4c55-9e3a-1b2c3d4jb201";
const std::string crm_dr = "7a1e9c44-0b6f-4e1d-8a7b-5e6f7a8jb502";
const std::string billing = "9b2f0d55-1c7a-4f2e-9b8c-6f7a8b9jb101";

std::string gunzip(const std::string& in) { return test::gunzip(in).value_or(""); }

// The warning and error lines of a daemon log (for failure messages).
std::string warnings(const std::string& log)
{
    std::istringstream in(log);
    std::string out;
    for (std::string line; std::getline(in, line);)
        if (line.find("level=warn") != std::string::npos || line.find("level=error") != std::string::npos)
            out += line + "\n";
    return out;
}

std::string read_text(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

class DaemonHttp : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        sim_ = start_simulator(0, 1, 1.0, "daemon/golden.yaml").release();
        daemon_ = new daemon_process(options_for(*sim_, sim_->api().job_ids()));
        // Every API has been read for every job: ready (every task had a round), names known,
        // the finished pre-check, the complete DR initialisation and the DR health reads seen.
        settled_ = daemon_->wait_for(
            [] {
                if (http_get(daemon_->port(), "/-/ready").status != 200)
                    return false;
                auto pre = api_job(daemon_->port(), billing);
                auto dr = api_job(daemon_->port(), crm_dr);
                const auto m = daemon_->metrics();
                return pre.is_object() && pre.at("precheck").at("complete").as_bool() && dr.is_object() &&
                       dr.at("init").as_object().size() == sim::object_types.size() &&
                       dr.at("dr").at("rpo_seconds").is_number() && dr.at("dr").at("source_up").is_bool() &&
                       !dr.at("dr").at("components").as_object().empty() &&
                       count_samples(m, "drs_job_info") == 5 &&
                       metric_value(m, "drs_job_info", {{"name", ""}}) == std::nullopt;
            },
            15s
        );
    }
    static void TearDownTestSuite()
    {
        delete daemon_;
        delete sim_;
    }
    void SetUp() override
    {
        ASSERT_TRUE(settled_) << warnings(daemon_->logs()) << http_get(port(), "/api/v1/jobs/" + billing).body
                              << "\n"
                              << http_get(port(), "/api/v1/jobs/" + crm_dr).body;
    }
    std::uint16_t port() const { return daemon_->port(); }

    static sim::simulator* sim_;
    static daemon_process* daemon_;
    static bool settled_;
};
bool DaemonHttp::settled_ = false;
sim::simulator* DaemonHttp::sim_ = nullptr;
daemon_process* DaemonHttp::daemon_ = nullptr;

TEST_F(DaemonHttp, LandingPageLinksTheEndpointsAndListsTheProject)
{
    auto r = http_get(port(), "/");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.header("Content-Type").find("text/html"), std::string::npos);
    for (const char* s :
         {"href=\"/metrics\"", "href=\"/api/v1/jobs\"", "href=\"/api/v1/events\"", "<td>sim</td>"})
        EXPECT_NE(r.body.find(s), std::string::npos) << s;
}

TEST_F(DaemonHttp, MetricsAreServedAsTextAndGzippedOnRequest)
{
    auto plain = http_get(port(), "/metrics");
    ASSERT_EQ(plain.status, 200);
    EXPECT_EQ(plain.header("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
    EXPECT_TRUE(plain.header("Content-Encoding").empty());
    EXPECT_EQ(metric_value(plain.body, "drs_monitor_up", {{"project", "sim"}}), 1.0);
    EXPECT_EQ(count_samples(plain.body, "drs_job_info"), 5u);

    auto gz = http_get(port(), "/metrics", {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(gz.status, 200);
    EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
    ASSERT_GE(gz.body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(gz.body[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(gz.body[1]), 0x8b);
    const auto text = gunzip(gz.body);
    EXPECT_EQ(count_samples(text, "drs_job_info"), 5u);
    EXPECT_EQ(metric_value(text, "drs_monitor_up", {{"project", "sim"}}), 1.0);
}

TEST_F(DaemonHttp, HealthAndReadinessAnswer200OnceReady)
{
    EXPECT_EQ(http_get(port(), "/-/healthy").status, 200);
    EXPECT_EQ(http_get(port(), "/-/ready").status, 200);
}

TEST_F(DaemonHttp, JobsListsEveryConfiguredJobWithItsStatus)
{
    auto r = http_get(port(), "/api/v1/jobs");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    auto v = json::parse(r.body);
    std::map<std::string, json::object> jobs;
    for (const auto& j : v.at("jobs").as_array())
        jobs[j.at("job_id").as_string().c_str()] = j.as_object();
    ASSERT_EQ(jobs.size(), 5u) << r.body << "\n" << warnings(daemon_->logs());
    EXPECT_EQ(jobs[orders].at("status"), "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(jobs[orders].at("name"), "orders-sync");
    EXPECT_EQ(jobs[orders].at("replication_delay_seconds").to_number<double>(), 3.0);
    EXPECT_EQ(jobs[billing].at("status"), "CONFIGURATION");
    EXPECT_EQ(jobs["5d6e7f90-3a4b-4c5d-9e0f-1a2b3c4jb201"].at("failed"), true);
    EXPECT_EQ(jobs["1c4d6e88-2f3a-4b5c-8d9e-0a1b2c3jb101"].at("progress_ratio").to_number<double>(), 0.4);
    // The list is the short view.
    EXPECT_FALSE(jobs[orders].contains("precheck"));
    EXPECT_EQ(r.body.find("db_password"), std::string::npos);
}

TEST_F(DaemonHttp, OneJobShowsPrecheckItemsAndInitialisationDetail)
{
    auto pre = http_get(port(), "/api/v1/jobs/" + billing);
    ASSERT_EQ(pre.status, 200);
    auto p = json::parse(pre.body);
    const auto& pc = p.at("precheck").as_object();
    EXPECT_TRUE(pc.at("complete").as_bool());
    EXPECT_FALSE(pc.at("passed").as_bool());
    std::map<std::string, std::string> results;
    for (const auto& i : pc.at("items").as_array())
        results[i.at("item").as_string().c_str()] = i.at("result").as_string().c_str();
    EXPECT_EQ(results.size(), sim::standard_precheck_items().size());
    EXPECT_EQ(results["srcDbConnection"], "FAILED");
    EXPECT_EQ(results["srcDbBinlogExpireLogsDays"], "ALARM");

    ASSERT_TRUE(daemon_->wait_for(
        [&] {
            auto j = api_job(port(), crm_dr);
            return j.is_object() && j.at("init").as_object().size() == sim::object_types.size();
        },
        10s
    )) << http_get(port(), "/api/v1/jobs/" + crm_dr).body;
    auto dr = api_job(port(), crm_dr);
    const auto& table = dr.at("init").at("table").as_object();
    EXPECT_TRUE(table.at("complete").as_bool());
    EXPECT_EQ(table.at("src_count").to_number<int>(), 12);
    EXPECT_EQ(table.at("dst_count").to_number<int>(), 12);
    EXPECT_EQ(dr.at("init").at("view").at("src_count").to_number<int>(), 1);
}

TEST_F(DaemonHttp, EventsPageWithSinceAndLimit)
{
    auto all = api_events(port());
    ASSERT_GE(all.size(), 5u);
    auto r = http_get(port(), "/api/v1/events?limit=2");
    ASSERT_EQ(r.status, 200);
    auto v = json::parse(r.body);
    ASSERT_EQ(v.at("events").as_array().size(), 2u);
    EXPECT_EQ(v.at("events").at(0).at("seq").to_number<std::uint64_t>(), all[0].seq);
    EXPECT_GT(v.at("next_seq").to_number<std::uint64_t>(), all.back().seq);

    auto s = json::parse(
        http_get(port(), "/api/v1/events?since=" + std::to_string(all[2].seq) + "&limit=1").body
    );
    ASSERT_EQ(s.at("events").as_array().size(), 1u);
    EXPECT_EQ(s.at("events").at(0).at("seq").to_number<std::uint64_t>(), all[3].seq);

    auto beyond = json::parse(http_get(port(), "/api/v1/events?since=" + std::to_string(all.back().seq)).body
    );
    EXPECT_TRUE(beyond.at("events").as_array().empty());
    EXPECT_EQ(http_get(port(), "/api/v1/events?since=abc").status, 400);
    EXPECT_EQ(http_get(port(), "/api/v1/events?limit=-1").status, 400);
}

TEST_F(DaemonHttp, UnknownPathsAndJobsAre404)
{
    EXPECT_EQ(http_get(port(), "/nope").status, 404);
    EXPECT_EQ(http_get(port(), "/api/v1/nope").status, 404);
    auto j = http_get(port(), "/api/v1/jobs/00000000-0000-0000-0000-000000000000");
    EXPECT_EQ(j.status, 404);
    EXPECT_EQ(json::parse(j.body).at("error"), "job not found");
}

TEST_F(DaemonHttp, PromtoolFindsNothingToCriticiseInTheLiveMetrics)
{
    const std::string promtool = "/usr/bin/promtool";
    if (::access(promtool.c_str(), X_OK) != 0)
        GTEST_SKIP() << "promtool is not installed (Debian package prometheus; scripts/deps installs it)";
    const std::string file = daemon_->dir() + "/metrics.txt";
    std::ofstream(file) << daemon_->metrics();
    const std::string cmd = promtool + " check metrics < " + file + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    const int status = ::pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
    EXPECT_EQ(out, "");
}

TEST_F(DaemonHttp, EveryMetricFamilyServedIsDocumented)
{
    const auto docs = read_text(std::string(DRSMON_SOURCE_DIR) + "/docs/metrics.md");
    ASSERT_FALSE(docs.empty());
    const auto m = daemon_->metrics();
    std::istringstream in(m);
    std::set<std::string> families;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("# TYPE ", 0) == 0)
            families.insert(line.substr(7, line.find(' ', 7) - 7));
    EXPECT_GE(families.size(), 30u);
    for (const auto& f : families)
        EXPECT_NE(docs.find("`" + f + "`"), std::string::npos) << f << " is not in docs/metrics.md";
}

TEST(DaemonReadiness, ReadyIs503UntilTheFirstRoundEnds)
{
    auto sim = start_simulator(2);
    // Every API call takes 2 s: the first round cannot end before the harness sees /-/healthy.
    sim->api().add_fault(*sim::parse_fault_spec("latency:ms=2000,count=3"));
    daemon_process d(options_for(*sim, sim->api().job_ids()));
    auto first = http_get(d.port(), "/-/ready");
    EXPECT_EQ(first.status, 503) << first.body;
    EXPECT_EQ(http_get(d.port(), "/-/healthy").status, 200);
    EXPECT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 15s)) << d.logs();
}

TEST(DaemonUnknownJob, IsExportedWithTheApiCodeUntilItExistsWhileTheOthersKeepTheirData)
{
    auto sim = start_simulator(0);
    const auto a = add_pinned_job(*sim, "known-a", "INCRE_TRANSFER_STARTED");
    const auto b = add_pinned_job(*sim, "known-b", "FULL_TRANSFER_STARTED");
    const std::string unknown = "deadbeef-0000-4000-8000-000000000jb1";
    daemon_process d(options_for(*sim, {a, unknown, b}));
    ASSERT_TRUE(d.wait_for(
        [&] {
            for (const auto& e : api_events(d.port(), unknown))
                if (e.kind == "job_not_found")
                    return true;
            return false;
        },
        30s  // generous: the suites run in parallel, under ASan too
    )) << d.logs();
    // Rounds go on; the unknown job stays visible and is reported once.
    const auto calls = sim->api().count("batch-status");
    ASSERT_TRUE(d.wait_for([&] { return sim->api().count("batch-status") >= calls + 2; }, 30s)) << d.logs();
    const auto evs = api_events(d.port(), unknown);
    ASSERT_EQ(evs.size(), 1u) << kinds_of(evs);
    EXPECT_EQ(evs[0].kind, "job_not_found");
    EXPECT_NE(evs[0].detail.find("DRS.M00289"), std::string::npos) << evs[0].detail;
    const auto listed = api_job(d.port(), unknown);
    ASSERT_TRUE(listed.is_object());
    EXPECT_EQ(listed.at("api_error").at("code").as_string(), "DRS.M00289");
    // drs_monitor_up is 1 once every task has had its first round (the bisecting status round
    // alone makes the two calls above, before the other tasks' first rounds).
    ASSERT_TRUE(d.wait_for([&] { return http_get(d.port(), "/-/ready").status == 200; }, 30s)) << d.logs();

    const auto m = d.metrics();
    EXPECT_EQ(job_status(d.port(), a), "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(job_status(d.port(), b), "FULL_TRANSFER_STARTED");
    EXPECT_EQ(metric_value(m, "drs_job_status", {{"job_id", a}, {"status", "INCRE_TRANSFER_STARTED"}}), 1.0);
    EXPECT_EQ(metric_value(m, "drs_job_replication_delay_seconds", {{"job_id", a}}), 2.0);
    EXPECT_FALSE(metric_value(m, "drs_job_status", {{"job_id", unknown}}).has_value());
    EXPECT_EQ(metric_value(m, "drs_job_info", {{"job_id", unknown}}), 1.0);
    EXPECT_EQ(metric_value(m, "drs_job_api_error", {{"job_id", unknown}, {"error_code", "DRS.M00289"}}), 1.0);
    EXPECT_EQ(metric_value(m, "drs_monitor_up", {{"project", "sim"}}), 1.0);
    EXPECT_NE(d.logs().find("configured job not found by the API"), std::string::npos);

    // Created later (the ID was right after all): batch-detail finds it within detail_interval,
    // and it is polled like any job, without a reload.
    sim->api().with_state([&](sim::world& w, auto&, auto&) {
        sim::job_spec spec;
        spec.id = unknown;
        spec.name = "late";
        sim::keyframe k;
        k.at = w.now();
        k.status = "INCRE_TRANSFER_STARTED";
        k.delay = 3;
        spec.timeline.push_back(k);
        return w.add_job(std::move(spec));
    });
    ASSERT_TRUE(d.wait_for([&] { return job_status(d.port(), unknown) == "INCRE_TRANSFER_STARTED"; }, 15s))
        << d.logs();
    ASSERT_TRUE(d.wait_for(
        [&] {
            return !metric_value(d.metrics(), "drs_job_api_error", {{"job_id", unknown}}).has_value() &&
                   metric_value(d.metrics(), "drs_job_replication_delay_seconds", {{"job_id", unknown}}) ==
                       3.0;
        },
        15s
    )) << d.metrics();
    EXPECT_EQ(api_job(d.port(), unknown).at("name").as_string(), "late");
    std::size_t not_found = 0;
    for (const auto& e : api_events(d.port(), unknown))
        not_found += e.kind == "job_not_found";
    EXPECT_EQ(not_found, 1u);
}

// ---- golden /metrics ----------------------------------------------------------------------------
//
// The scenario pins every value the daemon reads, so /metrics is fixed except for what depends on
// the clock or on how many polling rounds happened to run. Masking, applied line by line:
//   * drs_monitor_build_info: the label set becomes {<build>} (version, revision, compiler change).
//   * *_timestamp_seconds and process_*: the value becomes <time> / <process>.
//   * drs_monitor_api_requests_total and drs_monitor_api_request_duration_seconds_*: the value
//     becomes <count> (the number of rounds and their durations vary; the label sets, i.e. which
//     APIs were called with which outcome and the histogram's buckets, are kept).
// Samples are sorted within each family (prometheus-cpp keeps them in hash order, which depends on
// the order in which label sets first appeared).
// Everything else, HELP and TYPE lines included, must match tests/data/golden/metrics.txt exactly.
// DRSMON_UPDATE_GOLDEN=1 rewrites that file from the live output (review the diff before committing).

namespace {

std::string mask_metrics(const std::string& text)
{
    std::istringstream in(text);
    std::string out;
    std::vector<std::string> samples;  // of the current family
    auto flush = [&] {
        std::sort(samples.begin(), samples.end());
        for (const auto& l : samples)
            out += l + "\n";
        samples.clear();
    };
    for (std::string line; std::getline(in, line);)
    {
        if (line.empty())
            continue;
        if (line[0] == '#')
        {
            flush();
            out += line + "\n";
        }
        else
        {
            const auto name_end = line.find_first_of("{ ");
            const std::string name = line.substr(0, name_end);
            const auto value_at = line.rfind(' ');
            auto with_value = [&](const char* v) { line = line.substr(0, value_at + 1) + v; };
            auto ends_with = [&](std::string_view suffix) {
                return name.size() >= suffix.size() &&
                       name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
            };
            if (name == "drs_monitor_build_info")
                line = name + "{<build>}" + line.substr(value_at);
            else if (ends_with("_timestamp_seconds"))
                with_value("<time>");
            else if (name.rfind("process_", 0) == 0)
                with_value("<process>");
            else if (name == "drs_monitor_api_requests_total" || name.rfind("drs_monitor_api_request_duration_seconds", 0) == 0)
                with_value("<count>");
            // The simulator's DR figures carry noise that changes every 10 simulated seconds.
            else if (name == "drs_job_rpo_seconds" || name == "drs_job_rto_seconds" || name.rfind("drs_job_dr_", 0) == 0 || name == "drs_job_component_delay_seconds")
                with_value("<dr>");
            samples.push_back(line);
        }
    }
    flush();
    return out;
}

}  // namespace

TEST_F(DaemonHttp, MetricsOfAFixedScenarioMatchTheGoldenFile)
{
    const std::string golden = std::string(DRSMON_TEST_DATA_DIR) + "/golden/metrics.txt";
    const auto actual = mask_metrics(daemon_->metrics());
    ASSERT_FALSE(actual.empty());
    if (const char* u = std::getenv("DRSMON_UPDATE_GOLDEN"); u && std::string(u) == "1")
    {
        std::ofstream(golden, std::ios::trunc) << actual;
        std::cerr << "rewrote " << golden << "\n";
    }
    const auto expected = read_text(golden);
    ASSERT_FALSE(expected.empty()) << golden << " is missing; run with DRSMON_UPDATE_GOLDEN=1";
    EXPECT_EQ(expected, actual) << "masked /metrics differs from " << golden
                                << " (DRSMON_UPDATE_GOLDEN=1 regenerates it)";
}
