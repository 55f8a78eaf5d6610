#include "drsmon/server/http_server.hpp"

#include "test_files.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <future>
#include <sstream>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace drsmon::server;
using drsmon::server::testing::bcrypt_hash;
using drsmon::server::testing::tls_file;

using response = http::response<http::string_body>;

handler answer_with(std::string body)
{
    return [body](request) -> asio::awaitable<reply> {
        reply r;
        r.body = body;
        co_return r;
    };
}

// An http_server on 127.0.0.1:0 running on its own thread; requests come from the test thread.
class running_server
{
public:
    explicit running_server(server_options opts = {}, std::optional<web_config> web = std::nullopt)
    {
        opts.listen_address = "127.0.0.1:0";
        opts.shutdown_grace = std::chrono::milliseconds(200);
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_);
        log_ = std::make_shared<spdlog::logger>("server-test", sink);
        log_->set_level(spdlog::level::debug);
        log_->flush_on(spdlog::level::debug);
        server_ = std::make_unique<http_server>(ioc_.get_executor(), opts, log_);
        auto& r = server_->routes();
        r.add("GET", "/hello", answer_with("hello"));
        r.add("GET", "/big", answer_with(std::string(4000, 'a')));
        r.add("POST", "/echo", [](request req) -> asio::awaitable<reply> {
            reply out;
            out.body = req.body;
            co_return out;
        });
        r.add("GET", "/query", [](request req) -> asio::awaitable<reply> {
            reply out;
            out.body = req.path + "|" + req.query_param("state").value_or("-") + "|" +
                       req.query_param("name").value_or("-");
            co_return out;
        });
        r.add_prefix("GET", "/api/v1/jobs/", [](request req) -> asio::awaitable<reply> {
            reply out;
            out.body = "job " + req.path.substr(std::string_view("/api/v1/jobs/").size());
            co_return out;
        });
        r.add("GET", "/boom", [](request) -> asio::awaitable<reply> {
            throw std::runtime_error("handler exploded");
            co_return reply{};
        });
        if (web)
        {
            auto set = server_->set_web_config(*web);
            if (!set)
                throw std::runtime_error(set.error().to_string());
        }
        auto bound = server_->listen();
        if (!bound)
            throw std::runtime_error(bound.error().to_string());
        asio::co_spawn(ioc_, server_->run(), [this](std::exception_ptr) { run_returned_ = true; });
        thread_ = std::thread([this] { ioc_.run(); });
    }

    ~running_server()
    {
        server_->stop();
        thread_.join();
    }

    std::uint16_t port() const { return server_->port(); }

    // Runs set_web_config on the server's thread.
    drsmon::core::result<void> reload(web_config cfg)
    {
        std::promise<drsmon::core::result<void>> done;
        asio::post(ioc_, [&] { done.set_value(server_->set_web_config(cfg)); });
        return done.get_future().get();
    }

    void stop_and_wait()
    {
        server_->stop();
        thread_.join();
        thread_ = std::thread([] {});
    }
    bool run_returned() const { return run_returned_; }
    // Read only after stop_and_wait(): the server thread writes the log.
    std::string log_text() const { return log_text_.str(); }

private:
    asio::io_context ioc_;
    std::ostringstream log_text_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<http_server> server_;
    std::thread thread_;
    std::atomic<bool> run_returned_{false};
};

http::request<http::string_body> make_request(http::verb method, std::string target)
{
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    return req;
}

// A synchronous plain-HTTP client on one connection.
class client
{
public:
    explicit client(std::uint16_t port) : socket_(ioc_)
    {
        socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }

    response send(http::request<http::string_body> req)
    {
        req.prepare_payload();
        http::write(socket_, req);
        return read(req.method() == http::verb::head);
    }

    response get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {})
    {
        auto req = make_request(http::verb::get, std::move(target));
        for (auto& [k, v] : headers)
            req.set(k, v);
        return send(std::move(req));
    }

    response read(bool head = false)
    {
        http::response_parser<http::string_body> parser;
        parser.skip(head);
        parser.body_limit(1 << 20);
        http::read(socket_, buffer_, parser);
        return parser.release();
    }

    // True when the server closed the connection (reading yields EOF or reset).
    bool closed_by_server()
    {
        char c = 0;
        boost::system::error_code ec;
        socket_.read_some(asio::buffer(&c, 1), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

    tcp::socket& socket() { return socket_; }

private:
    asio::io_context ioc_;
    tcp::socket socket_;
    beast::flat_buffer buffer_;
};

std::string gunzip(const std::string& data)
{
    z_stream zs{};
    inflateInit2(&zs, 15 + 16);
    std::string out(1 << 20, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string("<inflate failed>");
}

TEST(HttpServer, RoutesExactAndPrefixPaths)
{
    running_server server;
    client c(server.port());
    auto res = c.get("/hello");
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "hello");
    EXPECT_EQ(res[http::field::content_type], "text/plain; charset=utf-8");
    res = c.get("/api/v1/jobs/abc-123");
    EXPECT_EQ(res.body(), "job abc-123");
}

TEST(HttpServer, AnswersNotFoundAndMethodNotAllowed)
{
    running_server server;
    client c(server.port());
    EXPECT_EQ(c.get("/nope").result_int(), 404u);
    auto res = c.send(make_request(http::verb::delete_, "/hello"));
    EXPECT_EQ(res.result_int(), 405u);
    EXPECT_EQ(res[http::field::allow], "GET, HEAD");
}

TEST(HttpServer, DecodesTheQueryForHandlers)
{
    running_server server;
    client c(server.port());
    EXPECT_EQ(c.get("/query?state=fail%20ed&name=a+b").body(), "/query|fail ed|a b");
    EXPECT_EQ(c.get("/query").body(), "/query|-|-");
    EXPECT_EQ(c.get("/query?state=%zz").result_int(), 400u);
}

TEST(HttpServer, ServesHeadWithoutABody)
{
    running_server server;
    client c(server.port());
    auto res = c.send(make_request(http::verb::head, "/hello"));
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_length], "5");
    EXPECT_TRUE(res.body().empty());
    // The connection is still in sync: the next request works.
    EXPECT_EQ(c.get("/hello").body(), "hello");
}

TEST(HttpServer, KeepsConnectionsAlive)
{
    running_server server;
    client c(server.port());
    for (int i = 0; i < 3; ++i)
    {
        auto res = c.get("/hello");
        EXPECT_EQ(res.body(), "hello");
        EXPECT_TRUE(res.keep_alive());
    }
    auto req = make_request(http::verb::get, "/hello");
    req.keep_alive(false);
    auto last = c.send(req);
    EXPECT_FALSE(last.keep_alive());
    EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, GzipsLargeBodiesForClientsThatAcceptIt)
{
    running_server server;
    client c(server.port());
    auto res = c.get("/big", {{"Accept-Encoding", "deflate, gzip"}});
    EXPECT_EQ(res[http::field::content_encoding], "gzip");
    EXPECT_EQ(res[http::field::vary], "Accept-Encoding");
    EXPECT_LT(res.body().size(), 4000u);
    EXPECT_EQ(gunzip(res.body()), std::string(4000, 'a'));
}

TEST(HttpServer, SendsPlainBodiesWithoutGzipAcceptance)
{
    running_server server;
    client c(server.port());
    auto res = c.get("/big");
    EXPECT_EQ(res.count(http::field::content_encoding), 0u);
    EXPECT_EQ(res.body(), std::string(4000, 'a'));
    res = c.get("/big", {{"Accept-Encoding", "gzip;q=0"}});
    EXPECT_EQ(res.count(http::field::content_encoding), 0u);
    res = c.get("/hello", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(res.count(http::field::content_encoding), 0u);
    EXPECT_EQ(res.body(), "hello");
}

TEST(HttpServer, NeverGzipsWhenDisabled)
{
    server_options opts;
    opts.gzip = false;
    running_server server(opts);
    client c(server.port());
    auto res = c.get("/big", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(res.count(http::field::content_encoding), 0u);
    EXPECT_EQ(res.body().size(), 4000u);
}

TEST(HttpServer, AnswersOversizedHeadersWith431)
{
    server_options opts;
    opts.max_header_bytes = 1024;
    running_server server(opts);
    client c(server.port());
    auto res = c.get("/hello", {{"X-Padding", std::string(4000, 'p')}});
    EXPECT_EQ(res.result_int(), 431u);
    EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, AnswersOversizedBodiesWith413)
{
    server_options opts;
    opts.max_body_bytes = 100;
    running_server server(opts);
    client c(server.port());
    auto req = make_request(http::verb::post, "/echo");
    req.body() = std::string(100, 'b');
    EXPECT_EQ(c.send(req).body(), std::string(100, 'b'));
    req.body() = std::string(5000, 'b');
    EXPECT_EQ(c.send(req).result_int(), 413u);
}

TEST(HttpServer, ClosesSlowClientsAfterTheReadTimeout)
{
    server_options opts;
    opts.read_timeout = std::chrono::seconds(1);
    running_server server(opts);
    client c(server.port());
    const std::string partial = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    asio::write(c.socket(), asio::buffer(partial));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_server());
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::milliseconds(900));
    EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST(HttpServer, AnswersConnectionsOverTheLimitWith503)
{
    server_options opts;
    opts.max_connections = 1;
    running_server server(opts);
    client first(server.port());
    EXPECT_EQ(first.get("/hello").result_int(), 200u);
    client second(server.port());
    auto res = second.get("/hello");
    EXPECT_EQ(res.result_int(), 503u);
    EXPECT_TRUE(second.closed_by_server());
    // The first connection is unaffected.
    EXPECT_EQ(first.get("/hello").result_int(), 200u);
}

TEST(HttpServer, TurnsHandlerExceptionsInto500AndKeepsServing)
{
    running_server server;
    client c(server.port());
    EXPECT_EQ(c.get("/boom").result_int(), 500u);
    EXPECT_EQ(c.get("/hello").body(), "hello");
    client other(server.port());
    EXPECT_EQ(other.get("/hello").result_int(), 200u);
    server.stop_and_wait();
    EXPECT_NE(server.log_text().find("handler exploded"), std::string::npos);
}

TEST(HttpServer, LogsOneDebugLinePerRequest)
{
    running_server server;
    client c(server.port());
    const auto auth = std::make_pair(std::string("Authorization"), std::string("Basic c2VjcmV0OnNlY3JldA=="));
    EXPECT_EQ(c.get("/hello?secret=1", {auth}).result_int(), 200u);
    server.stop_and_wait();
    const std::string log = server.log_text();
    EXPECT_NE(log.find("method=GET path=/hello status=200"), std::string::npos) << log;
    EXPECT_EQ(log.find("c2VjcmV0"), std::string::npos) << log;
}

web_config with_users(std::map<std::string, std::string> users)
{
    web_config cfg;
    cfg.basic_auth_users = std::move(users);
    return cfg;
}

std::string basic(const std::string& user, const std::string& password)
{
    const std::string raw = user + ":" + password;
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(raw.data()),
        static_cast<int>(raw.size())
    );
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

TEST(HttpServer, RequiresBasicAuthWhenUsersAreConfigured)
{
    running_server server({}, with_users({{"alice", bcrypt_hash("wonderland")}}));
    client c(server.port());
    EXPECT_EQ(c.get("/hello", {{"Authorization", basic("alice", "wonderland")}}).result_int(), 200u);
    // Served from the verification cache the second time.
    EXPECT_EQ(c.get("/hello", {{"Authorization", basic("alice", "wonderland")}}).result_int(), 200u);
    auto wrong = c.get("/hello", {{"Authorization", basic("alice", "looking-glass")}});
    EXPECT_EQ(wrong.result_int(), 401u);
    EXPECT_EQ(wrong[http::field::www_authenticate], "Basic realm=\"drs-monitor\"");
    EXPECT_EQ(c.get("/hello", {{"Authorization", basic("bob", "wonderland")}}).result_int(), 401u);
    EXPECT_EQ(c.get("/hello").result_int(), 401u);
    EXPECT_EQ(c.get("/hello", {{"Authorization", "Bearer token"}}).result_int(), 401u);
    server.stop_and_wait();
    EXPECT_EQ(server.log_text().find("wonderland"), std::string::npos);
}

TEST(HttpServer, SwitchesBasicAuthOnAtReload)
{
    running_server server;
    EXPECT_EQ(client(server.port()).get("/hello").result_int(), 200u);
    ASSERT_TRUE(server.reload(with_users({{"alice", bcrypt_hash("wonderland")}})));
    client c(server.port());
    EXPECT_EQ(c.get("/hello").result_int(), 401u);
    EXPECT_EQ(c.get("/hello", {{"Authorization", basic("alice", "wonderland")}}).result_int(), 200u);
}

TEST(HttpServer, KeepsThePreviousConfigWhenAReloadFails)
{
    running_server server;
    web_config bad;
    bad.tls_server_config = web_config::tls{tls_file("server.pem"), tls_file("ca.key"), "", "", ""};
    auto reloaded = server.reload(bad);
    ASSERT_FALSE(reloaded);
    EXPECT_EQ(reloaded.error().kind(), drsmon::core::errc::config);
    EXPECT_EQ(client(server.port()).get("/hello").result_int(), 200u);
}

TEST(HttpServer, AddsTheConfiguredResponseHeaders)
{
    web_config cfg;
    cfg.http_server_config.headers = {{"X-Frame-Options", "deny"}, {"X-Content-Type-Options", "nosniff"}};
    running_server server({}, cfg);
    client c(server.port());
    auto res = c.get("/nope");
    EXPECT_EQ(res[http::field::x_frame_options], "deny");
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
}

TEST(HttpServer, StopsAndLetsRunReturn)
{
    running_server server;
    client idle(server.port());
    EXPECT_EQ(idle.get("/hello").result_int(), 200u);
    server.stop_and_wait();
    EXPECT_TRUE(server.run_returned());
    EXPECT_TRUE(idle.closed_by_server());
}

TEST(HttpServer, ReportsBindFailuresNamingTheAddress)
{
    asio::io_context ioc;
    server_options opts;
    opts.listen_address = "127.0.0.1:99999";
    http_server bad_port(ioc.get_executor(), opts, spdlog::default_logger());
    auto r = bad_port.listen();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().where, "127.0.0.1:99999");

    opts.listen_address = "127.0.0.1:0";
    http_server first(ioc.get_executor(), opts, spdlog::default_logger());
    ASSERT_TRUE(first.listen());
    opts.listen_address = "127.0.0.1:" + std::to_string(first.port());
    http_server second(ioc.get_executor(), opts, spdlog::default_logger());
    auto busy = second.listen();
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().kind(), drsmon::core::errc::network);
    EXPECT_EQ(busy.error().where, opts.listen_address);
}

// TLS: a synchronous client trusting the test CA, optionally with a client certificate.
std::optional<response> tls_get(std::uint16_t port, bool with_client_cert, std::string* failure = nullptr)
{
    try
    {
        asio::io_context ioc;
        ssl::context ctx(ssl::context::tls_client);
        ctx.load_verify_file(tls_file("ca.pem"));
        ctx.set_verify_mode(ssl::verify_peer);
        if (with_client_cert)
        {
            ctx.use_certificate_chain_file(tls_file("client.pem"));
            ctx.use_private_key_file(tls_file("client.key"), ssl::context::pem);
        }
        ssl::stream<tcp::socket> stream(ioc, ctx);
        stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
        stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        stream.handshake(ssl::stream_base::client);
        auto req = make_request(http::verb::get, "/hello");
        http::write(stream, req);
        beast::flat_buffer buffer;
        response res;
        http::read(stream, buffer, res);
        return res;
    }
    catch (const std::exception& e)
    {
        if (failure)
            *failure = e.what();
        return std::nullopt;
    }
}

web_config tls_config(std::string client_auth_type, std::string client_ca = {})
{
    web_config cfg;
    cfg.tls_server_config = web_config::tls{
        tls_file("server.pem"),
        tls_file("server.key"),
        std::move(client_ca),
        std::move(client_auth_type),
        ""};
    return cfg;
}

TEST(HttpServer, ServesHttpsWithTheConfiguredCertificate)
{
    running_server server({}, tls_config("NoClientCert"));
    std::string failure;
    auto res = tls_get(server.port(), false, &failure);
    ASSERT_TRUE(res.has_value()) << failure;
    EXPECT_EQ(res->body(), "hello");
    // Plain HTTP to the TLS port gets no HTTP answer.
    client plain(server.port());
    EXPECT_THROW(plain.get("/hello"), boost::system::system_error);
}

TEST(HttpServer, EnforcesTheMinimumTlsVersion)
{
    auto cfg = tls_config("NoClientCert");
    cfg.tls_server_config->min_version = "TLS13";
    running_server server({}, cfg);
    asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ssl::stream<tcp::socket> stream(ioc, ctx);
    stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    EXPECT_TRUE(ec);
    EXPECT_TRUE(tls_get(server.port(), false).has_value());
}

TEST(HttpServer, RequiresAVerifiedClientCertificateForMutualTls)
{
    running_server server({}, tls_config("RequireAndVerifyClientCert", tls_file("ca.pem")));
    std::string failure;
    auto with_cert = tls_get(server.port(), true, &failure);
    ASSERT_TRUE(with_cert.has_value()) << failure;
    EXPECT_EQ(with_cert->body(), "hello");
    EXPECT_FALSE(tls_get(server.port(), false).has_value());
}

TEST(HttpServer, AcceptsClientsWithoutCertificatesWhenVerifyingOnlyIfGiven)
{
    running_server server({}, tls_config("VerifyClientCertIfGiven", tls_file("ca.pem")));
    EXPECT_TRUE(tls_get(server.port(), false).has_value());
    EXPECT_TRUE(tls_get(server.port(), true).has_value());
}

TEST(HttpServer, RejectsClientCertificatesFromAnotherCa)
{
    running_server server({}, tls_config("RequireAndVerifyClientCert", tls_file("other-ca.pem")));
    EXPECT_FALSE(tls_get(server.port(), true).has_value());
}

}  // namespace

namespace {

TEST(HttpServer, ReturnsFromRunWhenTheAwaitingBranchIsCancelled)
{
    asio::io_context ioc;
    server_options opts;
    opts.listen_address = "127.0.0.1:0";
    http_server server(ioc.get_executor(), opts, spdlog::default_logger());
    ASSERT_TRUE(server.listen());
    bool finished = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            using namespace asio::experimental::awaitable_operators;
            asio::steady_timer timer(ioc, std::chrono::milliseconds(50));
            co_await (server.run() || timer.async_wait(asio::use_awaitable));
            finished = true;
        },
        asio::detached
    );
    ioc.run_for(std::chrono::seconds(5));
    EXPECT_TRUE(finished);
    EXPECT_TRUE(ioc.stopped());
}

}  // namespace
