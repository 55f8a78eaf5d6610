// Faults that need more than "fail every request for a while": throttling hints, rejected
// credentials, expiring tokens, a skewed gateway clock, unknown jobs in a batch, an endpoint that
// refuses connections or does not resolve, and the daemon itself being killed or stopped.

#include "drsmon/sim/faults.hpp"

#include "fault_kit.hpp"

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace drsmon::faults {
namespace {

// Requests the simulator receives, each stamped with the time the test first saw it. A thread
// polls the recorder every 5 ms, so stamps are late by at most that plus one poll.
class request_watch
{
public:
    explicit request_watch(sim::simulator& s) : sim_(s), thread_([this](std::stop_token st) { run(st); }) {}

    struct stamped
    {
        sim::recorded_request req;
        steady::time_point at;
    };
    std::vector<stamped> seen() const
    {
        std::lock_guard lock(mutex_);
        return seen_;
    }
    // Polls pred every 10 ms until it holds or the timeout passes.
    static bool until(const std::function<bool()>& pred, std::chrono::milliseconds timeout)
    {
        const auto deadline = steady::now() + timeout;
        for (;;)
        {
            if (pred())
                return true;
            if (steady::now() >= deadline)
                return false;
            std::this_thread::sleep_for(10ms);
        }
    }

private:
    void run(std::stop_token st)
    {
        std::uint64_t last = 0;
        while (!st.stop_requested())
        {
            auto reqs = sim_.api().requests();
            {
                std::lock_guard lock(mutex_);
                for (auto& r : reqs)
                {
                    if (r.seq <= last)
                        continue;
                    last = r.seq;
                    seen_.push_back({std::move(r), steady::now()});
                }
            }
            std::this_thread::sleep_for(5ms);
        }
    }

    sim::simulator& sim_;
    mutable std::mutex mutex_;
    std::vector<stamped> seen_;
    std::jthread thread_;
};

bool all_fresh(const std::string& m, const std::vector<std::string>& jobs)
{
    return std::all_of(jobs.begin(), jobs.end(), [&](const auto& id) { return job_fresh(m, id); });
}

bool all_stale(const std::string& m, const std::vector<std::string>& jobs)
{
    return std::all_of(jobs.begin(), jobs.end(), [&](const auto& id) { return job_stale(m, id); });
}

sim::fault fault(const std::string& spec)
{
    std::string error;
    auto f = sim::parse_fault_spec(spec, &error);
    if (!f)
        throw std::runtime_error("bad fault spec " + spec + ": " + error);
    return *f;
}

// The gap between the request a one-shot throttling fault hit and the next request of that API.
double gap_after_throttle(sim::simulator& sim, const std::string& spec, const std::string& fault_kind)
{
    request_watch w(sim);
    sim.api().add_fault(fault(spec));
    std::optional<steady::time_point> hit, next;
    request_watch::until(
        [&] {
            hit.reset();
            for (const auto& s : w.seen())
            {
                if (s.req.api != "batch-status")
                    continue;
                if (!hit && s.req.fault == fault_kind)
                    hit = s.at;
                else if (hit && s.at >= *hit && s.req.fault.empty())
                {
                    next = s.at;
                    return true;
                }
            }
            return false;
        },
        10s
    );
    if (!hit || !next)
        return -1;
    return std::chrono::duration<double>(*next - *hit).count();
}

class Fixture : public ::testing::Test
{
protected:
    void start(int n = 3, std::function<void(test::daemon_options&)> tweak = {})
    {
        start_sim(n);
        start_daemon(std::move(tweak));
    }
    void start_sim(int n = 3)
    {
        sim_ = test::start_simulator(n);
        jobs_ = sim_->api().job_ids();
        pin_jobs(*sim_, jobs_);
    }
    void start_daemon(std::function<void(test::daemon_options&)> tweak = {})
    {
        auto o = options_for(*sim_, jobs_);
        if (tweak)
            tweak(o);
        opts_ = o;
        d_ = std::make_unique<test::daemon_process>(o);
    }
    void wait_fresh(std::chrono::milliseconds timeout = 20s)
    {
        ASSERT_TRUE(d_->wait_for(
            [&] {
                const auto m = d_->metrics();
                return up(m) == 1.0 && all_fresh(m, jobs_);
            },
            timeout
        )) << d_->metrics();
    }

    std::unique_ptr<sim::simulator> sim_;
    std::vector<std::string> jobs_;
    test::daemon_options opts_;
    std::unique_ptr<test::daemon_process> d_;
};

// ---- throttling ------------------------------------------------------------------------------------

using Throttling = Fixture;

TEST_F(Throttling, HonoursRetryAfterBeforeTheNextAttempt)
{
    start();
    wait_fresh();
    const double gap = gap_after_throttle(*sim_, "429:retry_after=2,count=1,api=batch-status", "429");
    std::cout << "[ throttle ] Retry-After: 2 -> next attempt after " << gap << " s\n";
    EXPECT_GE(gap, 1.9);
    EXPECT_LT(gap, 3.5);
    const auto m = d_->metrics();
    EXPECT_EQ(sum(m, "drs_monitor_api_throttled_total", {{"api", "batch-status"}}), 1);
    EXPECT_EQ(sum(m, "drs_monitor_api_retries_total", {{"api", "batch-status"}}), 1);
    EXPECT_EQ(sum(m, "drs_monitor_api_requests_total", {{"api", "batch-status"}, {"code", "429"}}), 1);
    wait_fresh(5s);
}

TEST_F(Throttling, WithoutRetryAfterRetriesAfterItsOwnShortBackoff)
{
    start();
    wait_fresh();
    const double gap = gap_after_throttle(*sim_, "429:count=1,api=batch-status", "429");
    std::cout << "[ throttle ] no Retry-After -> next attempt after " << gap << " s\n";
    EXPECT_GE(gap, 0);
    EXPECT_LT(gap, 1.0) << "initial_backoff is 100ms";
    const auto m = d_->metrics();
    EXPECT_EQ(sum(m, "drs_monitor_api_throttled_total", {{"api", "batch-status"}}), 1);
    EXPECT_EQ(sum(m, "drs_monitor_api_retries_total", {{"api", "batch-status"}}), 1);
    wait_fresh(5s);
}

TEST_F(Throttling, DrsOperationTooFrequentIsThrottlingAndRetried)
{
    start();
    wait_fresh();
    const double gap = gap_after_throttle(*sim_, "drs-throttle:count=1,api=batch-status", "drs-throttle");
    std::cout << "[ throttle ] DRS.M01503 -> next attempt after " << gap << " s\n";
    EXPECT_GE(gap, 0);
    EXPECT_LT(gap, 1.0);
    const auto m = d_->metrics();
    EXPECT_EQ(sum(m, "drs_monitor_api_throttled_total", {{"api", "batch-status"}}), 1);
    EXPECT_EQ(sum(m, "drs_monitor_api_requests_total", {{"api", "batch-status"}, {"code", "400"}}), 1);
    wait_fresh(5s);
}

// ---- authentication --------------------------------------------------------------------------------

using Authentication = Fixture;

TEST_F(Authentication, RejectedSignatureIsNotRetriedQuicklyAndRecoversAfterAKeyFix)
{
    start_sim();
    request_watch w(*sim_);
    start_daemon([](test::daemon_options& o) { o.secret_key = "wrongSecretKey0000000000"; });
    // Observing what the daemon does on its own. Short enough that the simulated gateway's
    // lock-out (5 consecutive failures) cannot be reached before the key is fixed below.
    std::this_thread::sleep_for(5s);
    std::vector<steady::time_point> rejected;
    for (const auto& s : w.seen())
    {
        if (s.req.api == "control")
            continue;
        EXPECT_NE(s.req.auth, "rejected:locked") << "the gateway must never lock the key";
        if (s.req.auth.rfind("rejected:", 0) == 0)
            rejected.push_back(s.at);
    }
    // Attempts come in bursts (the calls already in flight when the first failure arrived), and
    // bursts are auth_failure_backoff (2 s) apart.
    std::vector<std::size_t> bursts;
    for (std::size_t i = 0; i < rejected.size(); ++i)
    {
        const double gap = i == 0 ? 1e9
                                  : std::chrono::duration<double>(rejected[i] - rejected[i - 1]).count();
        if (gap > 0.5)
        {
            EXPECT_GE(gap, 1.8) << "attempt " << i << " came too soon after the previous burst";
            bursts.push_back(0);
        }
        ++bursts.back();
    }
    std::cout << "[ auth ] " << rejected.size() << " rejected requests in " << bursts.size()
              << " bursts over 5 s\n";
    ASSERT_FALSE(bursts.empty());
    EXPECT_LE(bursts.size(), 3u) << "one burst per auth_failure_backoff (2 s)";
    for (auto b : bursts)
        EXPECT_LE(b, 4u) << "more than 4 failed attempts at once";

    const auto m = d_->metrics();
    EXPECT_EQ(up(m), 0.0);
    EXPECT_GT(sum(m, "drs_monitor_api_requests_total", {{"code", "401"}}), 0);
    EXPECT_EQ(count(m, "drs_job_status"), 0u) << "no values without data";
    const auto logs = d_->logs();
    EXPECT_EQ(occurrences(logs, "authentication failed; holding back"), 1u) << "logged once per streak";
    EXPECT_NE(logs.find("APIGW.0301"), std::string::npos);

    // The operator fixes the key and reloads: polling resumes.
    auto fixed = opts_;
    fixed.secret_key = test::daemon_options{}.secret_key;
    d_->rewrite_config(fixed);
    d_->signal(SIGHUP);
    wait_fresh(10s);
}

TEST_F(Authentication, ExpiredIamTokenIsRefreshedOnceAndPollingContinues)
{
    start(3, [](test::daemon_options& o) { o.auth = "password"; });
    wait_fresh();
    const auto logins = sim_->api().count("iam-tokens");
    EXPECT_EQ(logins, 1u);

    request_watch w(*sim_);
    sim_->api().expire_tokens();
    bool stayed_fresh = true;
    ASSERT_TRUE(request_watch::until([&] { return sim_->api().count("iam-tokens") > logins; }, 5s));
    // Keep watching for a few rounds: no further logins, no stale job.
    request_watch::until(
        [&] {
            const auto m = d_->metrics();
            stayed_fresh = stayed_fresh && all_fresh(m, jobs_);
            return false;
        },
        3s
    );
    EXPECT_EQ(sim_->api().count("iam-tokens"), logins + 1) << "one refresh for all callers";
    EXPECT_TRUE(stayed_fresh);
    std::size_t expired = 0;
    for (const auto& s : w.seen())
        expired += s.req.auth == "rejected:token_expired" ? 1 : 0;
    EXPECT_GE(expired, 1u);
    EXPECT_LE(expired, 4u);
    EXPECT_EQ(up(d_->metrics()), 1.0);
    EXPECT_EQ(occurrences(d_->logs(), "IAM token obtained"), 2u);
}

TEST_F(Authentication, RejectedStaticTokenAsksForANewTokenAndANewOneWorksAfterReload)
{
    start_sim();
    start_daemon([&](test::daemon_options& o) {
        o.auth = "token";
        o.token = sim_->api().issue_token();
    });
    wait_fresh();
    sim_->api().expire_tokens();
    ASSERT_TRUE(d_->wait_for(
        [&] {
            const auto m = d_->metrics();
            return up(m) == 0.0 && all_stale(m, jobs_);
        },
        15s
    )) << d_->metrics();
    const auto logs = d_->logs();
    EXPECT_EQ(occurrences(logs, "authentication failed; holding back"), 1u);
    EXPECT_NE(
        logs.find("the configured token was rejected: replace the token file and reload"),
        std::string::npos
    );
    EXPECT_EQ(sim_->api().count("iam-tokens"), 0u) << "a static token is never exchanged";

    auto rotated = opts_;
    rotated.token = sim_->api().issue_token();
    d_->rewrite_config(rotated);
    d_->signal(SIGHUP);
    wait_fresh(10s);
}

TEST_F(Authentication, GatewayClockTwentyMinutesOffIsReportedAsClockSkew)
{
    start();
    wait_fresh();
    sim_->api().add_fault(fault("clock-offset:seconds=1200"));
    ASSERT_TRUE(d_->wait_for(
        [&] {
            const auto m = d_->metrics();
            return up(m) == 0.0 && all_stale(m, jobs_);
        },
        15s
    )) << d_->metrics();
    const auto logs = d_->logs();
    EXPECT_NE(logs.find("signature expired"), std::string::npos);
    EXPECT_NE(logs.find("clock skew: this host's clock differs from the API gateway's"), std::string::npos)
        << "the log must name the clock as the cause";
    EXPECT_GT(sum(d_->metrics(), "drs_monitor_api_requests_total", {{"code", "401"}}), 0);

    sim_->api().clear_faults();
    const auto cleared = steady::now();
    wait_fresh(10s);
    std::cout << "[ recovery ] clock skew: " << seconds_since(cleared) << " s after the clocks agreed\n";
}

// ---- unknown jobs ----------------------------------------------------------------------------------

TEST(BatchBisection, UnknownJobIdsAreIsolatedAndKeptWithTheirCodeAndTheOthersKeepTheirData)
{
    auto sim = test::start_simulator(3);
    auto jobs = sim->api().job_ids();
    pin_jobs(*sim, jobs);
    const std::vector<std::string> unknown = {
        "0badc0de-0000-4000-8000-00000000jb01",
        "0badc0de-0000-4000-8000-00000000jb02",
    };
    auto configured = jobs;
    configured.insert(configured.begin() + 1, unknown.begin(), unknown.end());
    test::daemon_process d(options_for(*sim, configured));
    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto m = d.metrics();
            return up(m) == 1.0 && all_fresh(m, jobs);
        },
        20s
    )) << d.metrics();

    const auto m = d.metrics();
    for (const auto& id : unknown)
    {
        // Configured: kept with the API's code, without status or freshness.
        EXPECT_EQ(count(m, "drs_job_api_error", {{"job_id", id}, {"error_code", "DRS.M00289"}}), 1u) << id;
        EXPECT_EQ(count(m, "drs_job_status", {{"job_id", id}}), 0u) << id;
        EXPECT_NE(d.logs().find("job_id=" + id), std::string::npos) << "the log names " << id;
        EXPECT_EQ(test::http_get(d.port(), "/api/v1/jobs/" + id).status, 200);
    }
    EXPECT_NE(d.logs().find("job not found by the API"), std::string::npos);

    // Missing IDs are asked for again by batch-detail only (every detail_interval): no more
    // whole-batch 400s from the other APIs.
    auto rejected = [&](bool detail_too) {
        std::size_t n = 0;
        for (const auto& r : sim->api().requests())
            n += r.status == 400 && (detail_too || r.api != "batch-detail") ? 1 : 0;
        return n;
    };
    auto rejected_batches = [&] { return rejected(false); };
    // Whichever round asked first isolated them (batch-status, or batch-detail when it ran first).
    EXPECT_GT(rejected(true), 0u);
    const auto n400 = rejected_batches();
    std::this_thread::sleep_for(2s);  // two more rounds, in which nothing may be rejected
    EXPECT_EQ(rejected_batches(), n400);
    const auto events_before = settled_events(d);

    // A configured job deleted upstream later: reported once, kept with the code, the others
    // unaffected.
    sim->api().with_state([&](sim::world& w, sim::fault_set&, sim::recorder&) { w.remove_job(jobs[1]); });
    ASSERT_TRUE(d.wait_for(
        [&] {
            return count(
                       d.metrics(),
                       "drs_job_api_error",
                       {{"job_id", jobs[1]}, {"error_code", "DRS.M00289"}}
                   ) == 1;
        },
        10s
    ));
    std::this_thread::sleep_for(2s);  // two more rounds, to see that nothing else changes
    const auto m2 = d.metrics();
    EXPECT_TRUE(job_fresh(m2, jobs[0]) && job_fresh(m2, jobs[2])) << m2;
    EXPECT_EQ(up(m2), 1.0);
    const auto events_after = api_events(d.port());
    std::vector<event_rec> added(
        events_after.begin() + static_cast<std::ptrdiff_t>(events_before.size()),
        events_after.end()
    );
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(added[0].kind, "job_not_found");
    EXPECT_EQ(added[0].job_id, jobs[1]);
    EXPECT_NE(added[0].detail.find("DRS.M00289"), std::string::npos);
    // Only the round(s) that isolated the deleted ID saw 400s: 3 calls per API that bisected it.
    EXPECT_LE(rejected_batches() - n400, 6u);
}

// ---- connectivity ----------------------------------------------------------------------------------

sim::simulator_options sim_options(std::uint16_t port)
{
    sim::simulator_options o;
    o.world.seed = 1;
    o.world.jobs = 3;
    o.router.access_keys = {{test::daemon_options{}.access_key, test::daemon_options{}.secret_key}};
    o.port = port;
    return o;
}

TEST(Connectivity, RefusedConnectionsMakeJobsStaleUntilTheApiIsBack)
{
    auto sim = std::make_unique<sim::simulator>(sim_options(0));
    const auto port = sim->port();
    const auto jobs = sim->api().job_ids();
    pin_jobs(*sim, jobs);
    sim->start();
    close_on_exec_everything();
    test::daemon_process d(options_for(*sim, jobs));
    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto m = d.metrics();
            return up(m) == 1.0 && all_fresh(m, jobs);
        },
        20s
    )) << d.metrics();
    const auto before = settled_events(d);

    sim.reset();  // the endpoint goes away: connections are refused
    std::string during;
    ASSERT_TRUE(d.wait_for(
        [&] {
            during = d.metrics();
            return up(during) == 0.0 && all_stale(during, jobs) && stale_events_for(d.port(), jobs);
        },
        15s
    )) << during;
    EXPECT_GT(sum(during, "drs_monitor_api_requests_total", {{"code", "network"}}), 0);
    EXPECT_NE(d.logs().find("connect to 127.0.0.1:" + std::to_string(port)), std::string::npos);
    EXPECT_NE(d.logs().find("Connection refused"), std::string::npos);

    // The same API comes back on the same port (same seed: same jobs).
    sim = std::make_unique<sim::simulator>(sim_options(port));
    pin_jobs(*sim, jobs);
    sim->start();
    const auto back = steady::now();
    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto m = d.metrics();
            return up(m) == 1.0 && all_fresh(m, jobs);
        },
        10s
    )) << d.metrics();
    const double took = seconds_since(back);
    std::cout << "[ recovery ] connection refused: " << took << " s after the API came back\n";
    EXPECT_LT(took, 4.0);

    const auto after = api_events(d.port());
    ASSERT_EQ(after.size(), before.size() + 2 * jobs.size());
    EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
    for (std::size_t i = before.size(); i < after.size(); ++i)
        EXPECT_TRUE(after[i].kind == "job_stale" || after[i].kind == "job_fresh") << after[i].kind;
}

TEST(Connectivity, UnresolvableEndpointIsReportedAndRetriedEveryRound)
{
    auto sim = test::start_simulator(2);
    const auto jobs = sim->api().job_ids();
    pin_jobs(*sim, jobs);
    auto o = options_for(*sim, jobs);
    o.sim_url = "https://nonexistent.invalid:8443";
    test::daemon_process d(o);
    auto failures = [&](const std::string& m) {
        return sum(m, "drs_monitor_api_requests_total", {{"code", "network"}}) +
               sum(m, "drs_monitor_api_requests_total", {{"code", "timeout"}});
    };
    std::string m;
    ASSERT_TRUE(d.wait_for(
        [&] {
            m = d.metrics();
            return up(m) == 0.0 && failures(m) > 0;
        },
        15s
    )) << m;
    EXPECT_NE(d.logs().find("nonexistent.invalid"), std::string::npos);
    EXPECT_EQ(count(m, "drs_job_status"), 0u);
    // Still trying, round after round.
    const double first = failures(m);
    ASSERT_TRUE(d.wait_for([&] { return failures(d.metrics()) >= first + 2; }, 10s));
    EXPECT_EQ(sim->api().requests().size(), 0u);

    // Name resolution works again (here: the endpoint is corrected and reloaded).
    d.rewrite_config(options_for(*sim, jobs));
    d.signal(SIGHUP);
    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto m2 = d.metrics();
            return up(m2) == 1.0 && all_fresh(m2, jobs);
        },
        10s
    )) << d.metrics();
}

// ---- the daemon itself -----------------------------------------------------------------------------

using Lifecycle = Fixture;

TEST_F(Lifecycle, KillNineLosesNoStateAndNeverReusesAnEventSeq)
{
    start();
    wait_fresh();
    // One status change, so that the per-job counter has something to keep.
    sim::keyframe k;
    k.status = "INCRE_TRANSFER_FAILED";
    sim_->api().set_job(jobs_[0], k);
    ASSERT_TRUE(d_->wait_for(
        [&] {
            return count(
                       d_->metrics(),
                       "drs_job_status",
                       {{"job_id", jobs_[0]}, {"status", "INCRE_TRANSFER_FAILED"}}
                   ) == 1;
        },
        10s
    ));
    // Saved after every round that changed something: give the round that saw it time to end.
    std::this_thread::sleep_for(1500ms);
    const auto before = file_events(d_->state_dir() + "/events.jsonl");
    ASSERT_FALSE(before.empty());

    d_->kill9();
    sim::keyframe k2;
    k2.status = "INCRE_TRANSFER_STARTED";
    sim_->api().set_job(jobs_[0], k2);  // changes while the daemon is down
    d_->restart();
    wait_fresh();
    ASSERT_TRUE(d_->wait_for(
        [&] {
            return count(
                       d_->metrics(),
                       "drs_job_status",
                       {{"job_id", jobs_[0]}, {"status", "INCRE_TRANSFER_STARTED"}}
                   ) == 1;
        },
        10s
    ));
    const auto m = d_->metrics();
    // The status change counter survived the restart and counted the change made while down.
    EXPECT_EQ(sum(m, "drs_job_status_changes_total", {{"job_id", jobs_[0]}}), 2);

    const auto all = file_events(d_->state_dir() + "/events.jsonl");
    ASSERT_GT(all.size(), before.size());
    EXPECT_TRUE(std::equal(before.begin(), before.end(), all.begin()));
    for (std::size_t i = 1; i < all.size(); ++i)
        EXPECT_GT(all[i].seq, all[i - 1].seq) << "seqs never repeat";
    std::size_t added = 0, recovered_change = 0;
    for (std::size_t i = before.size(); i < all.size(); ++i)
    {
        added += all[i].kind == "job_added" ? 1 : 0;
        if (all[i].kind == "status_changed" && all[i].job_id == jobs_[0])
        {
            ++recovered_change;
            EXPECT_TRUE(all[i].after_restart);
            EXPECT_EQ(all[i].from, "INCRE_TRANSFER_FAILED");
        }
    }
    EXPECT_EQ(added, 0u) << "restored jobs are not announced again";
    EXPECT_EQ(recovered_change, 1u);
}

TEST_F(Lifecycle, KillNineRightAfterAnEventDoesNotReportItAgain)
{
    // One job, waiting to start: its status comes from batch-status (a transfer job's comes with
    // its progress). Only the status task saves on its own schedule; the others wait a minute.
    start_sim(1);
    sim::keyframe waiting;
    waiting.status = "WAITING_FOR_START";
    sim_->api().set_job(jobs_[0], waiting);
    start_daemon([](test::daemon_options& o) {
        o.global_extra_yaml = fast_globals("30s") +
                              "detail_interval: 1m\nprecheck_interval: 1m\ninit_interval: 1m\n";
    });
    wait_fresh();
    const auto before = settled_events(*d_);
    // The status round sees the start through batch-status, then asks batch-progress about the job
    // now in a transfer phase and hangs there: the event is out, the round has not ended (nor
    // saved) when the daemon is killed.
    request_watch w(*sim_);
    sim_->api().add_fault(fault("latency:ms=20000,api=batch-progress"));
    sim::keyframe k;
    k.status = "FULL_TRANSFER_STARTED";
    k.progress = 10;
    sim_->api().set_job(jobs_[0], k);
    ASSERT_TRUE(d_->wait_for(
        [&] {
            const auto events = api_events(d_->port());
            return std::any_of(events.begin(), events.end(), [](const event_rec& e) {
                return e.kind == "status_changed";
            });
        },
        10s
    ));
    ASSERT_TRUE(request_watch::until(
        [&] {
            const auto seen = w.seen();
            return std::any_of(seen.begin(), seen.end(), [](const auto& s) {
                return s.req.fault == "latency";
            });
        },
        5s
    )) << "the round that reported the change is still waiting for batch-progress";
    d_->kill9();
    sim_->api().clear_faults();
    d_->restart();
    wait_fresh();
    std::this_thread::sleep_for(2s);  // rounds that would report the change again

    const auto all = file_events(d_->state_dir() + "/events.jsonl");
    std::set<std::uint64_t> seqs;
    std::size_t changes = 0;
    for (const auto& e : all)
    {
        EXPECT_TRUE(seqs.insert(e.seq).second) << "seq " << e.seq << " used twice";
        changes += e.kind == "status_changed" ? 1 : 0;
    }
    EXPECT_EQ(changes, 1u) << "the change is reported once, not again after the restart";
    // The API serves the events from before the restart as well.
    const auto served = api_events(d_->port());
    ASSERT_GE(served.size(), before.size());
    EXPECT_TRUE(std::equal(before.begin(), before.end(), served.begin()));
}

TEST_F(Lifecycle, CorruptStateFileIsMovedAsideAndTheDaemonStartsFresh)
{
    start();
    wait_fresh();
    d_->signal(SIGTERM);
    ASSERT_EQ(d_->wait_exit(10s), 0);
    const std::string state = d_->state_dir() + "/state.json";
    ASSERT_TRUE(std::filesystem::exists(state));
    std::ofstream(state, std::ios::trunc) << "{\"jobs\": [truncated by a full disk";

    d_->restart();
    wait_fresh();
    EXPECT_NE(d_->logs().find("state file unreadable; starting fresh"), std::string::npos);
    std::size_t moved = 0;
    for (const auto& e : std::filesystem::directory_iterator(d_->state_dir()))
        moved += e.path().filename().string().rfind("state.json.corrupt-", 0) == 0 ? 1 : 0;
    EXPECT_EQ(moved, 1u) << "the unreadable file is kept for inspection";
    // A new, valid state file replaces it after the next round.
    ASSERT_TRUE(d_->wait_for([&] { return read_text(state).find(jobs_[0]) != std::string::npos; }, 10s));
}

TEST_F(Lifecycle, SigtermWhileRequestsHangStopsPromptlyAndSavesState)
{
    // Requests that hang far longer than the shutdown allows.
    start(3, [](test::daemon_options& o) { o.global_extra_yaml = fast_globals("30s"); });
    wait_fresh();
    request_watch w(*sim_);
    sim_->api().add_fault(fault("stall:ms=60000"));
    ASSERT_TRUE(request_watch::until(
        [&] {
            const auto seen = w.seen();
            return std::any_of(seen.begin(), seen.end(), [](const auto& s) {
                return s.req.fault == "stall";
            });
        },
        5s
    ));
    const auto t0 = steady::now();
    d_->signal(SIGTERM);
    const int code = d_->wait_exit(6s);
    const double took = seconds_since(t0);
    std::cout << "[ shutdown ] SIGTERM with a hanging request: exit " << code << " after " << took << " s\n";
    EXPECT_EQ(code, 0);
    EXPECT_LT(took, 5.0);
    const auto logs = d_->logs();
    EXPECT_NE(logs.find("msg=\"stopped\""), std::string::npos);
    const auto state = read_text(d_->state_dir() + "/state.json");
    for (const auto& id : jobs_)
        EXPECT_NE(state.find(id), std::string::npos);
}

}  // namespace
}  // namespace drsmon::faults
