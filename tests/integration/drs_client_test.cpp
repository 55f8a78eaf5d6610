// The DRS client end to end against the in-process simulator over TLS:
// AK/SK signing, IAM password tokens with expiry and refresh, retries on
// throttling, no fast retries on rejected signatures, batch bisection,
// paging, proxy CONNECT (each endpoint with its own proxy decision) and certificate
// verification.

#include "drsmon/client/drs_client.hpp"
#include "drsmon/config/config.hpp"
#include "drsmon/drs_api/dr_parse.hpp"
#include "drsmon/drs_api/parse.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/sim/simulator.hpp"
#include "drsmon/test/http_server.hpp"
#include "drsmon/test/run.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <thread>

using namespace drsmon;
using namespace std::chrono_literals;

namespace {

constexpr const char* ak = "HPUASIMACCESSKEY0001";
constexpr const char* sk = "simSecretKey+/0123456789";

struct counting_observer final : client::call_observer
{
    std::vector<std::string> codes;
    int retries = 0, throttled = 0, successes = 0, tokens = 0;
    void on_request(drs_api::api, std::string_view code, double) override { codes.emplace_back(code); }
    void on_retry(drs_api::api) override { ++retries; }
    void on_throttled(drs_api::api) override { ++throttled; }
    void on_success(drs_api::api, core::wall_time) override { ++successes; }
    void on_token(core::wall_time) override { ++tokens; }
};

class DrsClient : public ::testing::Test
{
protected:
    void SetUp() override
    {
        sim::simulator_options o;
        o.world.jobs = 25;
        o.world.seed = 3;
        o.router.access_keys = {{ak, sk}};
        o.router.iam_users = {{"monitor", "monitor-password"}};
        simulator_ = std::make_unique<sim::simulator>(o);
        simulator_->start();
        ids_ = simulator_->api().job_ids();
    }

    client::client_settings settings(client::auth_mode mode = client::auth_mode::aksk) const
    {
        client::client_settings s;
        s.project = "test";
        s.project_id = simulator_->api().project_id();
        s.endpoint = *http::parse_url(simulator_->url());
        s.iam_endpoint = s.endpoint;
        s.http.timeout = 5s;
        s.http.ca_file = test::tls_dir() + "/ca.pem";
        s.http.use_environment_proxy = false;
        s.retry.initial_backoff = 10ms;
        s.retry.max_backoff = 50ms;
        s.creds.mode = mode;
        s.creds.access_key = ak;
        s.creds.secret_key = sk;
        s.creds.user = "monitor";
        s.creds.password = "monitor-password";
        s.creds.domain = "example";
        return s;
    }

    std::unique_ptr<client::drs_client> make(client::client_settings s, client::call_observer* obs = nullptr)
    {
        return std::make_unique<client::drs_client>(
            ioc_.get_executor(),
            std::move(s),
            core::system_clock(),
            log_,
            obs
        );
    }

    core::result<drs_api::batch_status_response> status(client::drs_client& c, std::vector<std::string> ids)
    {
        auto pid = simulator_->api().project_id();
        auto r = test::run_until_complete(ioc_, c.call(drs_api::batch_status_request(pid, ids)));
        if (!r)
            return r.error();
        return drs_api::parse_batch_status(r->body);
    }

    std::size_t recorded(std::string_view api) const { return simulator_->api().count(api); }

    boost::asio::io_context ioc_;
    std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>(
        "test",
        std::make_shared<spdlog::sinks::null_sink_mt>()
    );
    std::unique_ptr<sim::simulator> simulator_;
    std::vector<std::string> ids_;
};

}  // namespace

TEST_F(DrsClient, SignedBatchStatusReturnsEveryJob)
{
    auto c = make(settings());
    std::vector<std::string> batch(ids_.begin(), ids_.begin() + 10);
    auto r = status(*c, batch);
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->results.size(), 10u);
    for (const auto& item : r->results)
    {
        EXPECT_NE(std::find(batch.begin(), batch.end(), item.id), batch.end());
        EXPECT_FALSE(item.status.empty());
    }
    const auto reqs = simulator_->api().requests();
    ASSERT_FALSE(reqs.empty());
    EXPECT_EQ(reqs.back().auth, "aksk");
    EXPECT_EQ(reqs.back().header("X-Project-Id"), simulator_->api().project_id());
    EXPECT_TRUE(reqs.back().header("User-Agent").starts_with("drs-monitor/"));
}

TEST_F(DrsClient, PasswordModeLogsInOnceAndRefreshesAfterExpiry)
{
    counting_observer obs;
    auto c = make(settings(client::auth_mode::password), &obs);
    ASSERT_TRUE(status(*c, {ids_[0]}));
    ASSERT_TRUE(status(*c, {ids_[1]}));
    EXPECT_EQ(recorded("iam-tokens"), 1u);  // the token is cached
    EXPECT_EQ(obs.tokens, 1);
    ASSERT_TRUE(c->token_expiry().has_value());

    simulator_->api().expire_tokens();
    auto r = status(*c, {ids_[2]});
    ASSERT_TRUE(r) << r.error().to_string();  // one 401, one refresh, then success
    EXPECT_EQ(recorded("iam-tokens"), 2u);
    EXPECT_EQ(obs.tokens, 2);
    EXPECT_EQ(simulator_->api().requests().back().auth, "token");
}

TEST_F(DrsClient, ConcurrentCallsShareOneTokenRefresh)
{
    auto c = make(settings(client::auth_mode::password));
    const auto pid = simulator_->api().project_id();
    int done = 0, ok = 0;
    for (int i = 0; i < 6; ++i)
    {
        std::vector<std::string> one{ids_[static_cast<std::size_t>(i)]};
        boost::asio::co_spawn(
            ioc_,
            c->call(drs_api::batch_status_request(pid, one)),
            [&](std::exception_ptr, core::result<http::response> r) {
                ++done;
                ok += r ? 1 : 0;
            }
        );
    }
    ioc_.restart();
    while (done < 6 && ioc_.run_one() > 0)
    {
    }
    EXPECT_EQ(ok, 6);
    EXPECT_EQ(recorded("iam-tokens"), 1u);
}

// Two requests carry the same token when it expires; the second 401 arrives only after the first
// has already brought a new token. The second retries with that token instead of logging in again.
TEST_F(DrsClient, ARejectionOfAnAlreadyReplacedTokenRetriesWithoutASecondLogin)
{
    counting_observer obs;
    auto c = make(settings(client::auth_mode::password), &obs);
    ASSERT_TRUE(status(*c, {ids_[0]}));
    ASSERT_EQ(recorded("iam-tokens"), 1u);

    simulator_->api().expire_tokens();
    sim::fault slow;
    slow.kind = sim::fault_kind::latency;
    slow.delay = std::chrono::milliseconds(400);
    slow.count = 1;
    slow.api = "batch-progress";
    simulator_->api().add_fault(slow);

    const auto pid = simulator_->api().project_id();
    int done = 0, ok = 0;
    auto finished = [&](std::exception_ptr, core::result<http::response> r) {
        ++done;
        ok += r ? 1 : 0;
    };
    std::vector<std::string> one{ids_[1]};
    boost::asio::co_spawn(ioc_, c->call(drs_api::batch_status_request(pid, one)), finished);
    boost::asio::co_spawn(ioc_, c->call(drs_api::batch_progress_request(pid, one)), finished);
    ioc_.restart();
    while (done < 2 && ioc_.run_one() > 0)
    {
    }
    EXPECT_EQ(ok, 2);
    EXPECT_EQ(recorded("iam-tokens"), 2u) << "one login for the expiry, not one per rejected request";
    EXPECT_EQ(obs.tokens, 2);
    std::size_t expired = 0, late = 0;
    for (const auto& r : simulator_->api().requests())
    {
        expired += r.auth == "rejected:token_expired" ? 1 : 0;
        late += r.auth == "rejected:token_expired" && r.fault == "latency" ? 1 : 0;
    }
    EXPECT_EQ(expired, 2u) << "both requests carried the expired token";
    EXPECT_EQ(late, 1u) << "the progress request's rejection was the late one";
}

TEST_F(DrsClient, ThrottlingIsRetriedWithBackOff)
{
    sim::fault f;
    f.kind = sim::fault_kind::throttle;
    f.count = 2;
    f.api = "batch-status";
    simulator_->api().add_fault(f);
    counting_observer obs;
    auto c = make(settings(), &obs);
    auto r = status(*c, {ids_[0]});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(obs.throttled, 2);
    EXPECT_EQ(obs.retries, 2);
    EXPECT_EQ(recorded("batch-status"), 3u);
    ASSERT_EQ(obs.codes.size(), 3u);
    EXPECT_EQ(obs.codes[0], "429");
    EXPECT_EQ(obs.codes[2], "200");
}

TEST_F(DrsClient, ServerErrorsExhaustAttemptsAndReturnTheClassifiedError)
{
    sim::fault f;
    f.kind = sim::fault_kind::server_error;
    f.status = 503;
    simulator_->api().add_fault(f);
    auto c = make(settings());
    auto r = status(*c, {ids_[0]});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), core::errc::http_status);
    EXPECT_EQ(r.error().http_status, 503);
    EXPECT_EQ(r.error().where, "batch-status");
    EXPECT_EQ(recorded("batch-status"), 3u);  // max_attempts
}

TEST_F(DrsClient, RejectedSignatureIsNotRetriedAndHoldsTheProjectBack)
{
    auto s = settings();
    s.creds.secret_key = "wrong-secret";
    auto c = make(s);
    auto r = status(*c, {ids_[0]});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), core::errc::auth);
    EXPECT_EQ(r.error().service_code, "APIGW.0301");
    EXPECT_EQ(recorded("batch-status"), 1u);
    EXPECT_TRUE(c->auth_blocked());
    auto again = status(*c, {ids_[0]});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind(), core::errc::auth);
    EXPECT_EQ(recorded("batch-status"), 1u);  // held back: nothing sent
    EXPECT_EQ(r.error().to_string().find("wrong-secret"), std::string::npos);
}

TEST_F(DrsClient, BisectionIsolatesUnknownJobs)
{
    auto c = make(settings());
    std::vector<std::string> batch(ids_.begin(), ids_.begin() + 8);
    const std::string unknown = "00000000-0000-0000-0000-000000000jb0";
    batch.insert(batch.begin() + 3, unknown);
    const auto pid = simulator_->api().project_id();
    std::function<drs_api::request_spec(std::span<const std::string>)> build =
        [pid](std::span<const std::string> b) { return drs_api::batch_status_request(pid, b); };
    auto out = test::run_until_complete(ioc_, c->call_batch(build, batch));
    ASSERT_EQ(out.not_found, std::vector<std::string>{unknown});
    EXPECT_EQ(out.not_found_code, "DRS.M00289");
    EXPECT_FALSE(out.error.has_value());
    std::size_t found = 0;
    for (const auto& body : out.bodies)
    {
        auto parsed = drs_api::parse_batch_status(body);
        ASSERT_TRUE(parsed);
        found += parsed->results.size();
    }
    EXPECT_EQ(found, 8u);
}

// A batch refused as a whole because the API does not apply to one of its jobs (HTTP 400,
// DRS.M00304, no results) is split like one refused for an unknown job, until the jobs it is
// about stand alone: the same jobs as when they are asked one by one.
TEST_F(DrsClient, BisectionIsolatesJobsTheApiDoesNotApplyTo)
{
    sim::simulator_options o;
    o.world.jobs = 25;
    o.world.seed = 3;
    o.world.speed = 0;  // frozen: every call sees the same phases
    o.router.access_keys = {{ak, sk}};
    o.router.not_applicable_fails_batch = true;
    simulator_ = std::make_unique<sim::simulator>(o);
    simulator_->start();
    ids_ = simulator_->api().job_ids();

    auto c = make(settings());
    const auto pid = simulator_->api().project_id();
    std::function<drs_api::request_spec(std::span<const std::string>)> build =
        [pid](std::span<const std::string> b) { return drs_api::batch_rpo_rto_request(pid, b); };
    std::vector<std::string> alone_refused;
    std::size_t alone_answered = 0;
    for (const auto& id : ids_)
    {
        auto one = test::run_until_complete(ioc_, c->call_batch(build, {id}));
        ASSERT_FALSE(one.error.has_value()) << one.error->to_string();
        alone_refused.insert(alone_refused.end(), one.not_applicable.begin(), one.not_applicable.end());
        alone_answered += one.bodies.size();
    }
    // The estate mixes both, or the test would prove nothing.
    ASSERT_FALSE(alone_refused.empty());
    ASSERT_GT(alone_answered, 0u);
    const auto asked_alone = recorded("batch-rpo-and-rto");

    auto out = test::run_until_complete(ioc_, c->call_batch(build, ids_));
    EXPECT_FALSE(out.error.has_value());
    EXPECT_TRUE(out.not_found.empty());
    auto refused = out.not_applicable;
    std::ranges::sort(refused);
    std::ranges::sort(alone_refused);
    EXPECT_EQ(refused, alone_refused);
    EXPECT_EQ(out.not_applicable_error.code, "DRS.M00304");
    EXPECT_FALSE(out.not_applicable_error.message.empty());
    std::size_t answered = 0;
    for (const auto& body : out.bodies)
    {
        auto parsed = drs_api::parse_batch_rpo_rto(body);
        ASSERT_TRUE(parsed) << parsed.error().to_string();
        for (const auto& item : parsed->results)
            EXPECT_FALSE(item.error.has_value()) << item.job_id;
        answered += parsed->results.size();
    }
    EXPECT_EQ(answered, alone_answered);
    // Splitting costs more than one call, and fewer than asking each job alone twice over.
    const auto split_calls = recorded("batch-rpo-and-rto") - asked_alone;
    EXPECT_GT(split_calls, 1u);
    EXPECT_LT(split_calls, 2 * ids_.size());
}

TEST_F(DrsClient, AsyncJobDetailsArePagedWithOffsetAndLimit)
{
    auto c = make(settings());
    const auto pid = simulator_->api().project_id();
    const auto batches = simulator_->api().with_state([](auto& w, auto&, auto&) {
        std::vector<std::string> out;
        for (const auto& b : w.batches())
            out.push_back(b.id);
        return out;
    });
    ASSERT_FALSE(batches.empty());
    std::size_t total = 0, seen = 0;
    for (int offset = 0;; offset += 2)
    {
        auto r = test::run_until_complete(
            ioc_,
            c->call(drs_api::async_job_detail_request(pid, batches.front(), offset, 2))
        );
        ASSERT_TRUE(r) << r.error().to_string();
        auto parsed = drs_api::parse_async_job_detail(r->body);
        ASSERT_TRUE(parsed) << parsed.error().to_string();
        total = static_cast<std::size_t>(parsed->total_count.value_or(0));
        seen += parsed->jobs.size();
        if (parsed->jobs.empty() || seen >= total)
            break;
    }
    EXPECT_GT(total, 0u);
    EXPECT_EQ(seen, total);
}

TEST_F(DrsClient, WorksThroughAConnectProxy)
{
    boost::asio::io_context proxy_ioc;
    test::connect_proxy proxy(proxy_ioc.get_executor());
    proxy.start();
    std::thread t([&] { proxy_ioc.run(); });
    auto s = settings();
    s.http.proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
    auto c = make(s);
    auto r = status(*c, {ids_[0]});
    proxy.stop();
    proxy_ioc.stop();
    t.join();
    ASSERT_TRUE(r) << r.error().to_string();
    const auto targets = proxy.targets();
    ASSERT_FALSE(targets.empty());
    EXPECT_EQ(targets.front(), "127.0.0.1:" + std::to_string(simulator_->port()));
}

TEST_F(DrsClient, DrsAndIamFollowTheirOwnProxyDecisions)
{
    boost::asio::io_context proxy_ioc;
    test::connect_proxy proxy(proxy_ioc.get_executor());
    proxy.start();
    std::thread t([&] { proxy_ioc.run(); });
    // The configuration decides: HTTPS_PROXY for both endpoints, NO_PROXY names the IAM host. The
    // simulator answers both APIs, as 127.0.0.1 (DRS) and as localhost (IAM).
    const std::string port = std::to_string(simulator_->port());
    const std::string
        yaml = "projects:\n"
               "  - name: test\n"
               "    region: ap-southeast-1\n"
               "    project_id: 054ba152d480d55b2f5dc0069e7ddef0\n"
               "    endpoint: https://127.0.0.1:" +
               port +
               "\n"
               "    iam_endpoint: https://localhost:" +
               port +
               "\n"
               "    auth: { type: password, user: monitor, domain: example, password_env: PW }\n"
               "    jobs: [ \"9a470239-2308-4bb5-a6bc-1040402fjb21\" ]\n";
    const std::map<std::string, std::string, std::less<>> env{
        {"HTTPS_PROXY", "127.0.0.1:" + std::to_string(proxy.port())},
        {"NO_PROXY", "localhost"}};
    auto cfg = config::load_string(yaml, "drs.yml", [&](std::string_view name) -> std::optional<std::string> {
        const auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
    ASSERT_TRUE(cfg) << cfg.error().to_string();
    const auto& project = cfg->projects.at(0);

    counting_observer obs;
    auto s = settings(client::auth_mode::password);
    s.endpoint = *http::parse_url(project.endpoint);
    s.iam_endpoint = *http::parse_url(project.iam_endpoint);
    s.http.proxy_url = project.proxy_url;
    s.iam_proxy_url = project.iam_proxy_url;
    auto c = make(s, &obs);
    auto r = status(*c, {ids_[0]});
    proxy.stop();
    proxy_ioc.stop();
    t.join();
    ASSERT_TRUE(r) << r.error().to_string();
    // IAM was reached directly (a login happened, and the proxy never saw localhost) ...
    EXPECT_EQ(obs.tokens, 1);
    EXPECT_EQ(recorded("iam-tokens"), 1u);
    // ... and DRS through the proxy.
    EXPECT_EQ(proxy.targets(), (std::vector<std::string>{"127.0.0.1:" + port}));
    EXPECT_EQ(recorded("batch-status"), 1u);
}

TEST_F(DrsClient, WrongCertificateAuthorityIsAClearTlsError)
{
    auto s = settings();
    s.http.ca_file = test::tls_dir() + "/other-ca.pem";
    auto c = make(s);
    auto r = status(*c, {ids_[0]});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), core::errc::tls);
    EXPECT_NE(r.error().detail.find("certificate"), std::string::npos) << r.error().detail;
    EXPECT_EQ(recorded("batch-status"), 0u);
}
