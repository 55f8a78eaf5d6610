// Through the real server: TLS with the test CA on 127.0.0.1:0.
#include "drsmon/sim/simulator.hpp"
#include "drsmon/test/http_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace drsmon;

namespace {

http::response<http::string_body> https_call(
    std::uint16_t port,
    http::verb method,
    const std::string& target,
    const std::string& body,
    const std::string& token = ""
)
{
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(test::tls_dir() + "/ca.pem");
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::content_type, "application/json");
    if (!token.empty())
        req.set("X-Auth-Token", token);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    beast::error_code ec;
    stream.shutdown(ec);
    return res;
}

sim::simulator_options options()
{
    sim::simulator_options o;
    o.world.jobs = 6;
    o.world.seed = 3;
    o.router.iam_users = {{"monitor", "pw"}};
    return o;
}

}  // namespace

TEST(SimServer, ServesTokensAndBatchStatusOverTls)
{
    sim::simulator s(options());
    s.start();
    ASSERT_NE(s.port(), 0);
    EXPECT_EQ(s.url(), "https://127.0.0.1:" + std::to_string(s.port()));
    auto tok = https_call(
        s.port(),
        http::verb::post,
        "/v3/auth/tokens",
        R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"monitor","password":"pw"}}}}})"
    );
    ASSERT_EQ(tok.result_int(), 201u);
    std::string token(tok["X-Subject-Token"]);
    ASSERT_FALSE(token.empty());

    auto ids = s.api().job_ids();
    boost::json::array jobs;
    for (const auto& id : ids)
        jobs.push_back(boost::json::value(id));
    auto res = https_call(
        s.port(),
        http::verb::post,
        "/v3/" + s.api().project_id() + "/jobs/batch-status",
        boost::json::serialize(
            boost::json::object{{"jobs", jobs}, {"page_req", {{"cur_page", 1}, {"per_page", 0}}}}
        ),
        token
    );
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_FALSE(res["X-Request-Id"].empty());
    auto v = boost::json::parse(res.body());
    EXPECT_EQ(v.at("results").as_array().size(), 6u);
    EXPECT_EQ(s.api().count("batch-status"), 1u);
    s.stop();
}

TEST(SimServer, AppliesScenarioFaultsAndControlRequestsOverTheWire)
{
    auto o = options();
    o.scenario_data = sim::parse_scenario("generate: 2\nfaults: [\"429:retry_after=1,count=1\"]\n");
    asio::io_context ioc;
    sim::simulator s(ioc.get_executor(), o);
    s.start();
    std::thread runner([&] { ioc.run(); });
    std::string token = s.api().issue_token();
    std::string target = "/v3/" + s.api().project_id() + "/jobs/batch-status";
    std::string body = boost::json::serialize(boost::json::object{{"jobs", {s.api().job_ids()[0]}}});
    auto throttled = https_call(s.port(), http::verb::post, target, body, token);
    EXPECT_EQ(throttled.result_int(), 429u);
    EXPECT_EQ(throttled["Retry-After"], "1");
    EXPECT_EQ(https_call(s.port(), http::verb::post, target, body, token).result_int(), 200u);
    auto state = https_call(s.port(), http::verb::get, "/-/sim/state", "");
    EXPECT_EQ(boost::json::parse(state.body()).at("jobs").as_array().size(), 2u);
    s.stop();
    runner.join();
}

TEST(SimServer, DelaysApiResponsesWithoutHoldingOtherConnections)
{
    auto o = options();
    o.response_delay = std::chrono::milliseconds(300);
    sim::simulator s(o);
    s.start();
    std::string token = s.api().issue_token();
    std::string target = "/v3/" + s.api().project_id() + "/jobs/batch-status";
    std::string body = boost::json::serialize(boost::json::object{{"jobs", {s.api().job_ids()[0]}}});
    auto elapsed_ms = [](auto since) {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
    };

    auto t0 = std::chrono::steady_clock::now();
    auto one = https_call(s.port(), http::verb::post, target, body, token);
    double single_ms = elapsed_ms(t0);
    EXPECT_EQ(one.result_int(), 200u);
    EXPECT_GE(single_ms, 300.0);

    // Four connections at once: served side by side, not one after the other (1,200 ms).
    std::vector<std::thread> callers;
    std::vector<unsigned> statuses(4);
    t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < statuses.size(); ++i)
        callers.emplace_back([&, i] {
            statuses[i] = https_call(s.port(), http::verb::post, target, body, token).result_int();
        });
    for (auto& c : callers)
        c.join();
    double parallel_ms = elapsed_ms(t0);
    for (unsigned st : statuses)
        EXPECT_EQ(st, 200u);
    EXPECT_GE(parallel_ms, 300.0);
    EXPECT_LT(parallel_ms, 900.0);

    // The control endpoint is not delayed.
    t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(https_call(s.port(), http::verb::get, "/-/sim/state", "").result_int(), 200u);
    EXPECT_LT(elapsed_ms(t0), 300.0);
    s.stop();
}

TEST(SimServer, SplitWritesSendTheHeadThenTheBodyAndStillParse)
{
    auto o = options();
    o.split_writes = true;
    o.split_gap = std::chrono::milliseconds(150);
    o.response_delay = std::chrono::milliseconds(200);
    o.tls = false;
    sim::simulator s(o);
    s.start();
    std::string token = s.api().issue_token();
    http::request<http::string_body> req(
        http::verb::post,
        "/v3/" + s.api().project_id() + "/jobs/batch-status",
        11
    );
    req.set(http::field::host, "127.0.0.1:" + std::to_string(s.port()));
    req.set(http::field::content_type, "application/json");
    req.set("X-Auth-Token", token);
    req.body() = boost::json::serialize(boost::json::object{{"jobs", {s.api().job_ids()[0]}}});
    req.prepare_payload();

    // Plain HTTP, so that the reads show the writes: the first read ends with the head.
    asio::io_context ioc;
    asio::ip::tcp::socket sock(ioc);
    sock.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()));
    auto t0 = std::chrono::steady_clock::now();
    http::write(sock, req);
    std::string first(4096, '\0');
    first.resize(sock.read_some(asio::buffer(first)));
    auto head_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(first.starts_with("HTTP/1.1 200"));
    EXPECT_TRUE(first.ends_with("\r\n\r\n")) << first;
    // The gap is part of the delay: the head after 50 ms, the body 150 ms later.
    EXPECT_GE(head_ms, 50.0);
    beast::flat_buffer buf;
    buf.commit(asio::buffer_copy(buf.prepare(first.size()), asio::buffer(first)));
    http::response<http::string_body> plain;
    http::read(sock, buf, plain);
    EXPECT_EQ(plain.result_int(), 200u);
    EXPECT_EQ(boost::json::parse(plain.body()).at("results").as_array().size(), 1u);

    // The same exchange through Beast over TLS parses as one response.
    s.stop();
    o.tls = true;
    sim::simulator tls(o);
    tls.start();
    auto t1 = std::chrono::steady_clock::now();
    auto res = https_call(tls.port(), http::verb::post, req.target(), req.body(), tls.api().issue_token());
    auto total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_EQ(boost::json::parse(res.body()).at("results").as_array().size(), 1u);
    EXPECT_GE(total_ms, 200.0);
    tls.stop();
}
