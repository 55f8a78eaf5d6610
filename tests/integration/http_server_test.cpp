#include "drsmon/http/client.hpp"
#include "drsmon/test/http_server.hpp"
#include "drsmon/test/run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

namespace drsmon {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

http::client_options test_options()
{
    http::client_options opts;
    opts.ca_file = test::tls_dir() + "/ca.pem";
    opts.timeout = 5s;
    opts.use_environment_proxy = false;
    return opts;
}

http::url local(std::uint16_t port) { return http::url{"https", "127.0.0.1", port, "/"}; }

TEST(TestHttpServer, ServesFromItsOwnThreadAndStopsFromAnother)
{
    asio::io_context server_ioc;
    std::atomic<int> calls{0};
    test::http_server server(server_ioc.get_executor(), {}, [&](const test::raw_request& r) {
        ++calls;
        test::raw_response out;
        out.body = r.method + " " + r.target + " " + r.header("X-Probe");
        return out;
    });
    server.start();
    std::thread server_thread([&] { server_ioc.run(); });

    asio::io_context client_ioc;
    http::client c(client_ioc.get_executor(), test_options(), std::make_shared<spdlog::logger>("t"));
    std::vector<std::string> bodies;
    for (int i = 0; i < 3; ++i)
    {
        http::request req;
        req.target = "/n/" + std::to_string(i);
        req.headers.push_back({"X-Probe", "yes"});
        auto r = test::run_until_complete(client_ioc, c.send(local(server.port()), req));
        bodies.push_back(r ? r->body : r.error().to_string());
    }
    server.stop();
    server_thread.join();  // returns only once stop() closed the acceptor and every connection

    EXPECT_EQ(bodies, (std::vector<std::string>{"GET /n/0 yes", "GET /n/1 yes", "GET /n/2 yes"}));
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(server.requests_handled(), 3u);
}

TEST(TestHttpServer, TurnsAHandlerExceptionIntoA500)
{
    asio::io_context ioc;
    test::http_server server(ioc.get_executor(), {}, [](const test::raw_request&) -> test::raw_response {
        throw std::runtime_error("handler failed");
    });
    server.start();
    http::client c(ioc.get_executor(), test_options(), nullptr);

    auto r = test::run_until_complete(ioc, c.send(local(server.port()), http::request{}));

    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->status, 500u);
    EXPECT_EQ(r->body, "handler failed");
}

TEST(TestHttpServer, ThrowsWhenThePortIsTaken)
{
    asio::io_context ioc;
    test::http_server first(ioc.get_executor(), {}, [](const test::raw_request&) {
        return test::raw_response{};
    });
    test::server_options same;
    same.port = first.port();
    EXPECT_ANY_THROW(test::http_server(ioc.get_executor(), same, [](const test::raw_request&) {
        return test::raw_response{};
    }));
}

TEST(HttpClientCancellation, CallerCancellationThroughAnOrOperatorEndsTheRequest)
{
    using namespace asio::experimental::awaitable_operators;
    asio::io_context ioc;
    test::http_server server(ioc.get_executor(), {}, [](const test::raw_request&) {
        test::raw_response out;
        out.delay = 5s;
        return out;
    });
    server.start();
    http::client c(ioc.get_executor(), test_options(), nullptr);

    auto race = [&]() -> asio::awaitable<int> {
        asio::steady_timer t(ioc, 100ms);
        http::request req;
        auto sending = c.send(local(server.port()), req);
        auto winner = co_await (std::move(sending) || t.async_wait(asio::as_tuple(asio::use_awaitable)));
        co_return static_cast<int>(winner.index());
    };
    const auto start = std::chrono::steady_clock::now();
    const int winner = test::run_until_complete(ioc, race());

    EXPECT_EQ(winner, 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(c.idle_connections(), 0u);
}

}  // namespace
}  // namespace drsmon
