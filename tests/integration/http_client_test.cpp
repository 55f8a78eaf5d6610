#include "drsmon/http/client.hpp"
#include "drsmon/test/http_server.hpp"
#include "drsmon/test/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <mutex>

namespace drsmon {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using core::errc;

std::string gzip(std::string_view data)
{
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// Requests the server saw, for assertions in the test body.
struct recorder
{
    std::mutex mutex;
    std::vector<test::raw_request> requests;

    test::handler reply(test::raw_response response)
    {
        return [this, response](const test::raw_request& request) {
            std::lock_guard lock(mutex);
            requests.push_back(request);
            return response;
        };
    }
};

test::raw_response ok(std::string body)
{
    test::raw_response r;
    r.body = std::move(body);
    r.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "req-1"}};
    return r;
}

class HttpClient : public ::testing::Test
{
protected:
    http::client_options options()
    {
        http::client_options opts;
        opts.ca_file = test::tls_dir() + "/ca.pem";
        opts.timeout = 5s;
        opts.use_environment_proxy = false;
        opts.user_agent = "drs-monitor-test/1";
        return opts;
    }

    std::unique_ptr<test::http_server> serve(test::handler h, test::server_options o = {})
    {
        auto server = std::make_unique<test::http_server>(ioc.get_executor(), std::move(o), std::move(h));
        server->start();
        return server;
    }

    static http::url origin(std::uint16_t port, std::string scheme = "https", std::string host = "127.0.0.1")
    {
        return http::url{std::move(scheme), std::move(host), port, "/"};
    }

    static http::request get(std::string target = "/v3/jobs")
    {
        http::request r;
        r.target = std::move(target);
        return r;
    }

    core::result<http::response> send(http::client& c, http::url u, http::request r)
    {
        return test::run_until_complete(ioc, c.send(std::move(u), std::move(r)));
    }

    asio::io_context ioc;
    std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("http-test");
    recorder seen;
};

TEST_F(HttpClient, GetsOverTlsVerifiedByTheTestCa)
{
    auto server = serve(seen.reply(ok(R"({"ok":true})")));
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, R"({"ok":true})");
    EXPECT_EQ(r->header_value("x-request-id"), "req-1");
    ASSERT_EQ(seen.requests.size(), 1u);
    EXPECT_EQ(seen.requests[0].method, "GET");
    EXPECT_EQ(seen.requests[0].target, "/v3/jobs");
    EXPECT_EQ(seen.requests[0].header("Host"), "127.0.0.1:" + std::to_string(server->port()));
    EXPECT_EQ(seen.requests[0].header("User-Agent"), "drs-monitor-test/1");
    EXPECT_EQ(seen.requests[0].header("Accept-Encoding"), "gzip");
}

TEST_F(HttpClient, PostsABodyWithContentLengthAndCallerHeaders)
{
    auto server = serve(seen.reply(ok("{}")));
    http::client c(ioc.get_executor(), options(), log);
    http::request req{
        "POST",
        "/v3/p/jobs/batch-status",
        {{"Content-Type", "application/json"}},
        R"({"jobs":["a"]})"};

    auto r = send(c, origin(server->port()), req);

    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(seen.requests.size(), 1u);
    EXPECT_EQ(seen.requests[0].method, "POST");
    EXPECT_EQ(seen.requests[0].body, R"({"jobs":["a"]})");
    EXPECT_EQ(seen.requests[0].header("Content-Length"), "14");
    EXPECT_EQ(seen.requests[0].header("Content-Type"), "application/json");
}

TEST_F(HttpClient, KeepsACallerSuppliedHostHeader)
{
    auto server = serve(seen.reply(ok("{}")));
    http::client c(ioc.get_executor(), options(), log);
    auto req = get();
    req.headers.push_back({"Host", "signed.example"});

    ASSERT_TRUE(send(c, origin(server->port()), req));
    EXPECT_EQ(seen.requests.at(0).header("Host"), "signed.example");
}

TEST_F(HttpClient, RejectsAServerCertificateFromAnUnknownCa)
{
    auto server = serve(seen.reply(ok("{}")));
    auto opts = options();
    opts.ca_file = test::tls_dir() + "/other-ca.pem";
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::tls);
    EXPECT_EQ(r.error().where, "http");
    EXPECT_NE(r.error().detail.find("certificate verify failed"), std::string::npos) << r.error().detail;
    EXPECT_TRUE(seen.requests.empty());
}

TEST_F(HttpClient, RejectsACertificateIssuedForAnotherHostName)
{
    const auto cert = test::issue_server_certificate("not-this-host.example");
    test::server_options so;
    so.cert_file = cert.cert_file;
    so.key_file = cert.key_file;
    auto server = serve(seen.reply(ok("{}")), so);
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::tls);
    EXPECT_NE(r.error().detail.find("mismatch"), std::string::npos) << r.error().detail;
}

TEST_F(HttpClient, VerifiesTheHostNameAgainstDnsNames)
{
    auto server = serve(seen.reply(ok("{}")));
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port(), "https", "localhost"), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(seen.requests.at(0).header("Host"), "localhost:" + std::to_string(server->port()));
}

TEST_F(HttpClient, InsecureSkipVerifyAcceptsAnUnknownCa)
{
    auto server = serve(seen.reply(ok("{}")));
    auto opts = options();
    opts.ca_file = test::tls_dir() + "/other-ca.pem";
    opts.insecure_skip_verify = true;
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 200u);
}

TEST_F(HttpClient, ReportsAnUnreadableCaFileAsTlsError)
{
    auto opts = options();
    opts.ca_file = test::tls_dir() + "/does-not-exist.pem";
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(1), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::tls);
    EXPECT_NE(r.error().detail.find("does-not-exist.pem"), std::string::npos);
}

TEST_F(HttpClient, SpeaksPlainHttp)
{
    test::server_options so;
    so.tls = false;
    auto server = serve(seen.reply(ok("plain")), so);
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port(), "http"), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "plain");
}

TEST_F(HttpClient, ReturnsErrorStatusesAsResponses)
{
    auto reply = ok(R"({"error_code":"DRS.M01503"})");
    reply.status = 400;
    auto server = serve(seen.reply(reply));
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400u);
    EXPECT_EQ(r->body, R"({"error_code":"DRS.M01503"})");
}

TEST_F(HttpClient, ReusesAKeptAliveConnection)
{
    auto server = serve(seen.reply(ok("{}")));
    http::client c(ioc.get_executor(), options(), log);

    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(send(c, origin(server->port()), get()));

    EXPECT_EQ(server->connections_accepted(), 1u);
    EXPECT_EQ(server->requests_handled(), 3u);
    EXPECT_EQ(c.idle_connections(), 1u);
}

TEST_F(HttpClient, DoesNotPoolAConnectionTheServerCloses)
{
    auto reply = ok("{}");
    reply.close_connection = true;
    auto server = serve(seen.reply(reply));
    http::client c(ioc.get_executor(), options(), log);

    ASSERT_TRUE(send(c, origin(server->port()), get()));
    EXPECT_EQ(c.idle_connections(), 0u);
    ASSERT_TRUE(send(c, origin(server->port()), get()));
    EXPECT_EQ(server->connections_accepted(), 2u);
}

TEST_F(HttpClient, RetriesOnceWhenAPooledConnectionWentStale)
{
    auto first = serve(seen.reply(ok("first")));
    const auto port = first->port();
    http::client c(ioc.get_executor(), options(), log);
    ASSERT_TRUE(send(c, origin(port), get()));
    ASSERT_EQ(c.idle_connections(), 1u);

    // The server goes away (closing the pooled connection) and comes back on the same port.
    first->stop();
    ioc.restart();
    ioc.poll();
    test::server_options so;
    so.port = port;
    auto second = serve(seen.reply(ok("second")), so);

    auto r = send(c, origin(port), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "second");
    EXPECT_EQ(second->connections_accepted(), 1u);
}

TEST_F(HttpClient, TimesOutWhenTheServerDoesNotAnswer)
{
    auto reply = ok("{}");
    reply.delay = 5s;
    auto server = serve(seen.reply(reply));
    auto opts = options();
    opts.timeout = 200ms;
    http::client c(ioc.get_executor(), opts, log);

    const auto start = std::chrono::steady_clock::now();
    auto r = send(c, origin(server->port()), get());
    const auto elapsed = std::chrono::steady_clock::now() - start;

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::timeout);
    EXPECT_GE(elapsed, 190ms);
    EXPECT_LT(elapsed, 2s);
}

TEST_F(HttpClient, ReadsASlowBodyWithinTheDeadline)
{
    auto reply = ok("slow but complete");
    reply.stall_body = 100ms;
    auto server = serve(seen.reply(reply));
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "slow but complete");
}

TEST_F(HttpClient, TimesOutOnABodyThatStallsPastTheDeadline)
{
    auto reply = ok("never in time");
    reply.stall_body = 5s;
    auto server = serve(seen.reply(reply));
    auto opts = options();
    opts.timeout = 200ms;
    http::client c(ioc.get_executor(), opts, log);

    const auto start = std::chrono::steady_clock::now();
    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HttpClient, ReportsAConnectionResetMidBodyAsNetworkError)
{
    auto reply = ok(std::string(64 * 1024, 'z'));
    reply.reset_mid_body = true;
    auto server = serve(seen.reply(reply));
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::network) << r.error().to_string();
}

TEST_F(HttpClient, RejectsABodyOverTheLimit)
{
    auto server = serve(seen.reply(ok(std::string(4096, 'a'))));
    auto opts = options();
    opts.max_body_bytes = 1024;
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::too_large);
}

TEST_F(HttpClient, DecodesAGzipBody)
{
    const std::string json = R"({"jobs":[)" + std::string(2000, ' ') + "]}";
    auto reply = ok(gzip(json));
    reply.headers.emplace_back("Content-Encoding", "gzip");
    auto server = serve(seen.reply(reply));
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, json);
    EXPECT_EQ(r->header_value("Content-Encoding"), "");
}

TEST_F(HttpClient, AppliesTheLimitToTheDecodedSize)
{
    auto reply = ok(gzip(std::string(100000, 'x')));
    reply.headers.emplace_back("Content-Encoding", "gzip");
    auto server = serve(seen.reply(reply));
    auto opts = options();
    opts.max_body_bytes = 10000;
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::too_large);
}

TEST_F(HttpClient, TunnelsHttpsThroughAnExplicitProxy)
{
    auto server = serve(seen.reply(ok("via proxy")));
    test::connect_proxy proxy(ioc.get_executor());
    proxy.start();
    auto opts = options();
    opts.proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(server->port()), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "via proxy");
    EXPECT_EQ(proxy.targets(), std::vector<std::string>{"127.0.0.1:" + std::to_string(server->port())});
}

TEST_F(HttpClient, SendsPlainHttpThroughAProxyInAbsoluteForm)
{
    test::server_options so;
    so.tls = false;
    auto server = serve(seen.reply(ok("plain via proxy")), so);
    test::connect_proxy proxy(ioc.get_executor());
    proxy.start();
    auto opts = options();
    opts.proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(server->port(), "http"), get("/v3/jobs?limit=1"));

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "plain via proxy");
    EXPECT_EQ(
        proxy.targets(),
        std::vector<std::string>{"http://127.0.0.1:" + std::to_string(server->port()) + "/v3/jobs?limit=1"}
    );
    EXPECT_EQ(seen.requests.at(0).target, "/v3/jobs?limit=1");
}

// Sets environment variables for one test and restores them afterwards.
class scoped_env
{
public:
    scoped_env(const char* name, const std::string& value) : name_(name)
    {
        if (const char* old = std::getenv(name))
            old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~scoped_env()
    {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST_F(HttpClient, UsesTheEnvironmentProxyUnlessNoProxyMatches)
{
    auto server = serve(seen.reply(ok("{}")));
    test::connect_proxy proxy(ioc.get_executor());
    proxy.start();
    scoped_env https_proxy("HTTPS_PROXY", "http://127.0.0.1:" + std::to_string(proxy.port()));
    auto opts = options();
    opts.use_environment_proxy = true;

    {
        scoped_env no_proxy("NO_PROXY", "example.com");
        http::client c(ioc.get_executor(), opts, log);
        ASSERT_TRUE(send(c, origin(server->port()), get()));
        EXPECT_EQ(proxy.targets().size(), 1u);
    }
    {
        scoped_env no_proxy("NO_PROXY", "example.com, 127.0.0.1");
        http::client c(ioc.get_executor(), opts, log);
        ASSERT_TRUE(send(c, origin(server->port()), get()));
        EXPECT_EQ(proxy.targets().size(), 1u);
    }
    EXPECT_EQ(server->connections_accepted(), 2u);
}

TEST_F(HttpClient, ReportsAProxyThatRefusesConnect)
{
    // A plain test server stands in for a proxy that answers CONNECT with 403.
    test::server_options so;
    so.tls = false;
    auto refusal = ok("forbidden");
    refusal.status = 403;
    auto proxy = serve(seen.reply(refusal), so);
    auto opts = options();
    opts.proxy_url = "http://127.0.0.1:" + std::to_string(proxy->port());
    http::client c(ioc.get_executor(), opts, log);

    auto r = send(c, origin(443, "https", "drs.example.com"), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::proxy);
    EXPECT_NE(r.error().detail.find("403"), std::string::npos) << r.error().detail;
    ASSERT_EQ(seen.requests.size(), 1u);
    EXPECT_EQ(seen.requests[0].method, "CONNECT");
    EXPECT_EQ(seen.requests[0].target, "drs.example.com:443");
}

TEST_F(HttpClient, ReportsARefusedConnectionAsNetworkError)
{
    std::uint16_t port = 0;
    {
        asio::ip::tcp::acceptor probe(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(port), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::network);
    EXPECT_NE(r.error().detail.find("connect"), std::string::npos) << r.error().detail;
}

TEST_F(HttpClient, CloseCancelsAnInFlightRequest)
{
    auto reply = ok("{}");
    reply.delay = 5s;
    auto server = serve(seen.reply(reply));
    http::client c(ioc.get_executor(), options(), log);
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer t(ioc, 100ms);
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            c.close();
        },
        asio::detached
    );

    const auto start = std::chrono::steady_clock::now();
    auto r = send(c, origin(server->port()), get());

    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), errc::cancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HttpClient, ConnectsToIpv6Loopback)
{
    test::server_options so;
    so.address = "::1";
    std::unique_ptr<test::http_server> server;
    try
    {
        server = serve(seen.reply(ok("v6")), so);
    }
    catch (const std::exception& e)
    {
        GTEST_SKIP() << "no IPv6 loopback: " << e.what();
    }
    http::client c(ioc.get_executor(), options(), log);

    auto r = send(c, origin(server->port(), "https", "::1"), get());

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->body, "v6");
    EXPECT_EQ(seen.requests.at(0).header("Host"), "[::1]:" + std::to_string(server->port()));
}

}  // namespace
}  // namespace drsmon
