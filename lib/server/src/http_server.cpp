#include "drsmon/asio/async.hpp"
#include "drsmon/server/http_server.hpp"

#include "basic_auth.hpp"
#include "detail.hpp"
#include "tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <list>
#include <variant>

namespace drsmon::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t gzip_threshold = 1024;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The web config in force for the connections accepted while it is current.
struct active_config
{
    web_config cfg;
    std::shared_ptr<ssl::context> tls;  // null: plain HTTP
    detail::basic_auth auth;            // holds the verification cache; single-threaded use
};

// Runs op with a deadline. nullopt means the deadline expired (op was cancelled).
template <class T>
asio::awaitable<std::optional<T>> with_deadline(asio::awaitable<T> op, std::chrono::steady_clock::duration d)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    auto r = co_await (std::move(op) || timer.async_wait(use_tuple));
    if (r.index() == 0)
        co_return std::move(std::get<0>(r));
    co_return std::nullopt;
}

// Writes a response. A small one is serialised into one buffer first: asio's ssl::stream writes
// one buffer of a sequence per call, so Beast's header and body would go out as two TLS records
// and two sends; as one (as nginx sends a small response) the client reads it in one piece.
template <class Stream>
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_response(
    Stream& stream,
    http::response<http::string_body>& res
)
{
    constexpr std::size_t small_body = 64 * 1024;
    if (res.body().size() > small_body)
        co_return co_await http::async_write(stream, res, use_tuple);
    std::string wire;
    wire.reserve(res.body().size() + 512);
    http::response_serializer<http::string_body> sr{res};
    boost::system::error_code ec;
    while (!ec && !sr.is_done())
    {
        sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
            std::size_t n = 0;
            for (const auto b : beast::buffers_range_ref(buffers))
            {
                wire.append(static_cast<const char*>(b.data()), b.size());
                n += b.size();
            }
            sr.consume(n);
        });
    }
    if (ec)
        co_return std::tuple{ec, std::size_t{0}};
    co_return co_await asio::async_write(stream, asio::buffer(wire), use_tuple);
}

bool is_parse_error(const boost::system::error_code& ec)
{
    return ec.category() == http::make_error_code(http::error::bad_method).category();
}

}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl>
{
    struct connection
    {
        std::function<void()> close;  // closes the socket: pending operations end with an error
        bool idle = true;             // waiting for the first byte of the next request
    };

    impl(asio::any_io_executor executor, server_options o, std::shared_ptr<spdlog::logger> l)
        : ex(executor),
          opts(std::move(o)),
          log(std::move(l)),
          acceptor(executor),
          sessions(executor),
          grace(executor)
    {
        if (!log)
            log = spdlog::default_logger();
        config = std::make_shared<active_config>(active_config{{}, nullptr, detail::basic_auth({})});
    }

    asio::any_io_executor ex;
    server_options opts;
    std::shared_ptr<spdlog::logger> log;
    router routes;
    tcp::acceptor acceptor;
    drsmon::asio::wait_group sessions;  // session coroutines spawned and not ended: run() drains them
    asio::steady_timer grace;           // ends the grace period of stop
    std::shared_ptr<active_config> config;
    std::list<connection> connections;
    std::size_t active = 0;
    std::size_t rejecting = 0;
    bool stopping = false;
    std::uint16_t port = 0;

    void begin_stop()
    {
        if (stopping)
            return;
        stopping = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        for (auto& c : connections)
        {
            if (c.idle)
                c.close();
        }
        grace.expires_after(opts.shutdown_grace);
        grace.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec)
                return;
            for (auto& c : self->connections)
                c.close();
        });
    }

    std::chrono::steady_clock::duration timeout() const { return opts.read_timeout; }

    http::response<http::string_body> to_response(
        const http::request<http::string_body>& msg,
        reply r,
        const active_config& cfg,
        bool keep_alive
    ) const
    {
        http::response<http::string_body> res;
        res.version(msg.version());
        res.result(r.status);
        res.set(http::field::server, "drs-monitor");
        if (!r.content_type.empty())
            res.set(http::field::content_type, r.content_type);
        for (const auto& [name, value] : r.headers)
            res.insert(name, value);
        for (const auto& [name, value] : cfg.cfg.http_server_config.headers)
        {
            if (!value.empty())
                res.set(name, value);
        }
        if (opts.gzip && r.body.size() > gzip_threshold &&
            res.find(http::field::content_encoding) == res.end())
        {
            res.set(http::field::vary, "Accept-Encoding");
            if (detail::accepts_gzip(msg[http::field::accept_encoding]))
            {
                if (auto compressed = detail::gzip_compress(r.body))
                {
                    r.body = std::move(*compressed);
                    res.set(http::field::content_encoding, "gzip");
                }
            }
        }
        res.keep_alive(keep_alive);
        res.body() = std::move(r.body);
        res.prepare_payload();
        // HEAD: the headers of the GET answer (Content-Length included), without the body.
        if (msg.method() == http::verb::head)
            res.body().clear();
        return res;
    }

    static reply simple(unsigned status, std::string body)
    {
        reply r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }

    // Answers one parsed request: auth, routing, handler errors.
    asio::awaitable<reply> answer(
        const http::request<http::string_body>& msg,
        active_config& cfg,
        bool reject
    )
    {
        if (reject)
        {
            reply r = simple(503, "too many connections\n");
            r.headers.emplace_back("Retry-After", "1");
            co_return r;
        }
        if (!cfg.auth.disabled() && !cfg.auth.check(msg[http::field::authorization]))
        {
            reply r = simple(401, "unauthorized\n");
            r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"drs-monitor\"");
            co_return r;
        }
        auto target = parse_target(msg.target());
        if (!target)
            co_return simple(400, "malformed request target\n");

        request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        req.path = std::move(target->path);
        req.query = std::move(target->query);
        for (const auto& field : msg)
            req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        req.body = msg.body();

        const std::string method = req.method;
        const std::string path = req.path;
        std::string failure;
        try
        {
            co_return co_await routes.dispatch(std::move(req));
        }
        catch (const std::exception& e)
        {
            failure = e.what();
        }
        catch (...)
        {
            failure = "unknown exception";
        }
        log->error("method={} path=\"{}\" msg=\"handler failed\" err=\"{}\"", method, path, failure);
        co_return simple(500, "internal server error\n");
    }

    // After an error reply: stop sending, then read and drop what the client still sends, so
    // closing does not reset the connection before the client has read the reply.
    template <class Stream>
    asio::awaitable<void> close_gracefully(Stream& stream)
    {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
        {
            boost::system::error_code ec;
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            std::array<char, 4096> sink{};
            std::size_t drained_bytes = 0;
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
            while (!ec && drained_bytes < (1u << 20) && std::chrono::steady_clock::now() < until)
            {
                auto r = co_await with_deadline(
                    stream.socket().async_read_some(asio::buffer(sink), use_tuple),
                    std::chrono::seconds(1)
                );
                if (!r)
                    break;
                ec = std::get<0>(*r);
                drained_bytes += std::get<1>(*r);
            }
        }
        else
        {
            co_await with_deadline(stream.async_shutdown(use_tuple), std::chrono::seconds(1));
        }
    }

    template <class Stream>
    asio::awaitable<void> serve(
        Stream& stream,
        std::shared_ptr<active_config> cfg,
        connection& conn,
        bool reject
    )
    {
        beast::flat_buffer buffer;
        for (;;)
        {
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(
                std::min<std::size_t>(opts.max_header_bytes, std::numeric_limits<std::uint32_t>::max())
            ));
            parser.body_limit(opts.max_body_bytes);
            conn.idle = buffer.size() == 0;
            if (stopping && conn.idle)
                break;
            auto read = co_await with_deadline(
                http::async_read(stream, buffer, parser, use_tuple),
                timeout()
            );
            conn.idle = false;
            const auto start = std::chrono::steady_clock::now();
            if (!read)
            {
                log->debug(
                    "msg=\"closing a connection: no complete request in time\" timeout_s={}",
                    opts.read_timeout.count()
                );
                break;
            }
            const auto [ec, n] = *read;
            if (ec == http::error::end_of_stream || (ec && !is_parse_error(ec)))
                break;
            if (ec)
            {
                const unsigned status = ec == http::error::header_limit ? 431
                                        : ec == http::error::body_limit ? 413
                                                                        : 400;
                http::request<http::string_body> stub;
                stub.version(11);
                auto res = to_response(stub, simple(status, ec.message() + "\n"), *cfg, false);
                log->debug(
                    "status={} msg=\"rejecting a malformed request\" err=\"{}\"",
                    status,
                    ec.message()
                );
                co_await with_deadline(write_response(stream, res), timeout());
                co_await close_gracefully(stream);
                co_return;
            }

            const auto& msg = parser.get();
            reply r = co_await answer(msg, *cfg, reject);
            const unsigned status = r.status;
            const bool keep_alive = msg.keep_alive() && !stopping && !reject;
            auto res = to_response(msg, std::move(r), *cfg, keep_alive);
            auto written = co_await with_deadline(write_response(stream, res), timeout());
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start
            );
            log->debug(
                "method={} path={} status={} ms={} msg=\"served\"",
                msg.method_string(),
                msg.target().substr(0, msg.target().find('?')),
                status,
                ms.count()
            );
            if (!written || std::get<0>(*written))
                co_return;
            if (!keep_alive)
                break;
        }
        co_await close_gracefully(stream);
    }

    asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<active_config> cfg, bool reject)
    {
        auto self = shared_from_this();
        auto conn = connections.insert(connections.end(), connection{});
        (reject ? rejecting : active) += 1;
        // Deregisters on every exit path.
        struct guard
        {
            impl* owner;
            std::list<connection>::iterator it;
            bool rejected;
            ~guard()
            {
                owner->connections.erase(it);
                (rejected ? owner->rejecting : owner->active) -= 1;
            }
        } g{this, conn, reject};

        try
        {
            if (cfg->tls)
            {
                beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *cfg->tls);
                conn->close = [&stream] { beast::get_lowest_layer(stream).close(); };
                auto hs = co_await with_deadline(
                    stream.async_handshake(ssl::stream_base::server, use_tuple),
                    timeout()
                );
                if (!hs || std::get<0>(*hs))
                {
                    log->debug(
                        "msg=\"TLS handshake failed\" err=\"{}\"",
                        hs ? std::get<0>(*hs).message() : "timeout"
                    );
                    co_return;
                }
                co_await serve(stream, cfg, *conn, reject);
            }
            else
            {
                beast::tcp_stream stream(std::move(socket));
                conn->close = [&stream] { stream.close(); };
                co_await serve(stream, cfg, *conn, reject);
            }
        }
        catch (const std::exception& e)
        {
            log->error("msg=\"connection failed\" err=\"{}\"", e.what());
        }
    }
};

http_server::http_server(asio::any_io_executor ex, server_options opts, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(opts), std::move(log)))
{
}

http_server::~http_server()
{
    // Connections still running keep the impl alive; nothing more is accepted.
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
}

core::result<void> http_server::set_web_config(web_config cfg)
{
    if (auto valid = validate_web_config(cfg); !valid)
        return valid.error();
    std::shared_ptr<ssl::context> tls;
    if (cfg.tls_server_config)
    {
        auto ctx = detail::make_tls_context(*cfg.tls_server_config);
        if (!ctx)
            return ctx.error();
        tls = std::move(*ctx);
    }
    auto users = cfg.basic_auth_users;
    impl_->config = std::make_shared<active_config>(
        active_config{std::move(cfg), std::move(tls), detail::basic_auth(std::move(users))}
    );
    impl_->log->info(
        "msg=\"web config applied\" tls={} basic_auth={}",
        impl_->config->tls ? "on" : "off",
        impl_->config->auth.disabled() ? "off" : "on"
    );
    return {};
}

router& http_server::routes() { return impl_->routes; }

core::result<void> http_server::listen()
{
    const std::string& address = impl_->opts.listen_address;
    std::string why;
    const auto spec = detail::parse_listen_address(address, &why);
    if (!spec)
        return core::make_error(core::errc::config, address, "invalid listen address: " + why);

    auto& acceptor = impl_->acceptor;
    boost::system::error_code ec;
    auto fail = [&](const std::string& what) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        return core::make_error(core::errc::network, address, what + ": " + ec.message());
    };

    tcp::endpoint ep;
    if (spec->host.empty())
    {
        // All addresses: a dual-stack IPv6 socket, or IPv4 only where IPv6 is unavailable.
        ep = tcp::endpoint(tcp::v6(), spec->port);
        acceptor.open(tcp::v6(), ec);
        if (!ec)
            acceptor.set_option(asio::ip::v6_only(false), ec);
        if (ec)
        {
            boost::system::error_code ignored;
            acceptor.close(ignored);
            ep = tcp::endpoint(tcp::v4(), spec->port);
            ec.clear();
            acceptor.open(tcp::v4(), ec);
        }
    }
    else
    {
        auto ip = asio::ip::make_address(spec->host, ec);
        if (ec)
        {
            tcp::resolver resolver(impl_->ex);
            auto results = resolver
                               .resolve(spec->host, std::to_string(spec->port), tcp::resolver::passive, ec);
            if (ec || results.empty())
                return fail("cannot resolve " + spec->host);
            ep = results.begin()->endpoint();
        }
        else
            ep = tcp::endpoint(ip, spec->port);
        acceptor.open(ep.protocol(), ec);
    }
    if (ec)
        return fail("cannot open a socket");
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec)
        return fail("cannot set SO_REUSEADDR");
    acceptor.bind(ep, ec);
    if (ec)
        return fail("cannot bind");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return fail("cannot listen");
    impl_->port = acceptor.local_endpoint(ec).port();
    impl_->log->info("msg=\"listening\" address={} port={}", address, impl_->port);
    return {};
}

std::uint16_t http_server::port() const { return impl_->port; }

asio::awaitable<void> http_server::run()
{
    auto self = impl_;
    asio::steady_timer backoff(self->ex);
    for (;;)
    {
        auto [ec, socket] = co_await self->acceptor.async_accept(use_tuple);
        if (ec)
        {
            if (self->stopping || !self->acceptor.is_open())
                break;
            const auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
            if (cancelled != asio::cancellation_type::none)
            {
                self->begin_stop();
                co_return;
            }
            // EMFILE and friends: wait a little instead of spinning.
            self->log->warn("msg=\"accept failed\" err=\"{}\"", ec.message());
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(use_tuple);
            continue;
        }
        const bool reject = self->active >= self->opts.max_connections;
        if (reject && self->rejecting >= self->opts.max_connections)
        {
            // Even the 503 answers are at their limit: drop the connection outright.
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        if (reject)
            self->log->warn(
                "max_connections={} msg=\"connection limit reached: answering 503\"",
                self->opts.max_connections
            );
        // Counted from the spawn, so a session that has not started yet is drained too.
        self->sessions.add();
        asio::co_spawn(
            self->ex,
            self->session(std::move(socket), self->config, reject),
            self->sessions.on_done(drsmon::asio::log_completion(self->log, "connection"))
        );
    }
    // Ends early when run() itself is cancelled: the sessions then finish on their own.
    co_await self->sessions.async_wait();
}

void http_server::stop()
{
    asio::dispatch(impl_->ex, [self = impl_] { self->begin_stop(); });
}

}  // namespace drsmon::server
