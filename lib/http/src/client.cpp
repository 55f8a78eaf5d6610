#include "drsmon/core/text.hpp"
#include "drsmon/http/client.hpp"
#include "drsmon/http/gzip.hpp"
#include "drsmon/http/io_error.hpp"
#include "drsmon/http/proxy.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/intrusive/list.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace drsmon::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t header_limit = 64 * 1024;

// One kept-alive connection: a plain TCP stream or TLS over one.
struct connection
{
    std::optional<beast::tcp_stream> plain;
    std::optional<ssl::stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    beast::tcp_stream& lowest() { return secure ? secure->next_layer() : *plain; }
};

// The outcome of writing one request and reading its response on a connection.
struct exchange_result
{
    error_code ec;
    const char* stage = "";
    bool got_bytes = false;      // any byte of the response arrived
    bool eof_delimited = false;  // the body ended with the connection
    bhttp::response<bhttp::string_body> msg;
};

core::error make(core::errc e, std::string detail) { return core::make_error(e, "http", std::move(detail)); }

template <class Stream>
asio::awaitable<exchange_result> exchange(
    Stream& stream,
    beast::flat_buffer& buffer,
    const std::string& wire,
    bool head,
    std::size_t limit
)
{
    exchange_result out;
    auto [wec, written] = co_await asio::async_write(stream, asio::buffer(wire), use_tuple);
    (void)written;
    if (wec)
    {
        out.ec = wec;
        out.stage = "write request";
        co_return out;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(limit);
    parser.header_limit(header_limit);
    if (head)
        parser.skip(true);
    auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    (void)read;
    // A server that ends an EOF-delimited body without close_notify truncates the TLS stream;
    // the body is complete all the same.
    if (rec == ssl::error::stream_truncated && parser.is_header_done() && parser.need_eof())
    {
        error_code eof_ec;
        parser.put_eof(eof_ec);
        if (!eof_ec)
            rec = {};
    }
    out.got_bytes = parser.got_some() || buffer.size() > 0;
    if (rec)
    {
        out.ec = rec;
        out.stage = "read response";
        co_return out;
    }
    out.eof_delimited = parser.need_eof();
    out.msg = parser.release();
    co_return out;
}

// Why a request was stopped from outside its own I/O.
enum class interruption
{
    none,
    timeout,    // its deadline passed
    cancelled,  // client::close()
};

// A request in flight as the deadline sweeper sees it: what to close to stop it now. The hook
// unlinks it from the client's list when the request's frame goes, however it ends.
struct inflight
{
    boost::intrusive::list_member_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>> hook;
    steady_clock::time_point deadline;
    tcp::resolver* resolver = nullptr;    // while resolving
    beast::tcp_stream* stream = nullptr;  // while connecting, tunnelling, handshaking or exchanging
    interruption stopped = interruption::none;

    void interrupt(interruption why)
    {
        if (stopped != interruption::none)
            return;
        stopped = why;
        if (resolver)
            resolver->cancel();
        if (stream)
        {
            // Closing the socket completes the pending operation with an error; the connection is
            // not pooled again.
            error_code ignored;
            stream->socket().close(ignored);
        }
    }
};

using inflight_list = boost::intrusive::list<
    inflight,
    boost::intrusive::member_hook<inflight, decltype(inflight::hook), &inflight::hook>,
    boost::intrusive::constant_time_size<false>>;

}  // namespace

class client::impl : public std::enable_shared_from_this<impl>
{
public:
    impl(asio::any_io_executor ex, client_options opts, std::shared_ptr<spdlog::logger> log)
        : ex_(std::move(ex)), opts_(std::move(opts)), log_(std::move(log)), sweeper_(ex_)
    {
        if (!log_)
            log_ = std::make_shared<spdlog::logger>("http");
        error_code ec;
        if (opts_.ca_file.empty())
        {
            ctx_.set_default_verify_paths(ec);
            if (ec)
                ctx_error_ = make(core::errc::tls, "cannot load the system CA certificates: " + ec.message());
        }
        else
        {
            ctx_.load_verify_file(opts_.ca_file, ec);
            if (ec)
                ctx_error_ = make(
                    core::errc::tls,
                    "cannot load ca_file " + opts_.ca_file + ": " + ec.message()
                );
        }
        ctx_.set_options(
            ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1
        );
    }

    ~impl() { inflight_.clear(); }

    // Keeps the implementation alive for the whole request, even if the client goes away.
    static asio::awaitable<core::result<response>> start(std::shared_ptr<impl> self, url origin, request req)
    {
        co_return co_await self->send(std::move(origin), std::move(req));
    }

    asio::awaitable<core::result<response>> send(url origin, request req)
    {
        try
        {
            if (origin.is_tls() && ctx_error_)
                co_return *ctx_error_;
            const route* r = route_for(origin);
            if (!r->proxy)
                co_return r->proxy.error();
            inflight op;
            op.deadline = steady_clock::now() + opts_.timeout;
            inflight_.push_back(op);
            arm_sweeper();
            // However the request ends: an idle client keeps no timer pending (it would keep
            // io_context::run() from returning).
            struct leave
            {
                impl& self;
                inflight& op;
                ~leave()
                {
                    op.hook.unlink();
                    if (self.inflight_.empty() && self.sweeper_armed_)
                    {
                        self.sweeper_armed_ = false;
                        self.sweeper_.cancel();
                    }
                }
            } guard{*this, op};
            auto result = co_await perform(origin, *r, req, op);
            switch (op.stopped)
            {
            case interruption::none: break;
            case interruption::timeout:
                co_return make(
                    core::errc::timeout,
                    "request to " + origin.host_header() + " took longer than " +
                        std::to_string(opts_.timeout.count()) + " ms"
                );
            case interruption::cancelled:
                co_return make(core::errc::cancelled, "request to " + origin.host_header() + " cancelled");
            }
            co_return result;
        }
        catch (const std::exception& e)
        {
            co_return make(core::errc::network, std::string("unexpected failure: ") + e.what());
        }
    }

    void close()
    {
        for (auto& op : inflight_)
            op.interrupt(interruption::cancelled);
        for (auto& [key, conns] : idle_)
        {
            for (auto& conn : conns)
            {
                error_code ignored;
                conn->lowest().socket().close(ignored);
            }
        }
        idle_.clear();
    }

    std::size_t idle_count() const noexcept
    {
        std::size_t n = 0;
        for (const auto& [key, conns] : idle_)
            n += conns.size();
        return n;
    }

private:
    // How requests to one origin travel: the proxy (if any) and the key of the idle pool. The
    // environment is read once per origin and client.
    struct route
    {
        std::string scheme, host;
        std::uint16_t port = 0;
        core::result<std::optional<url>> proxy;
        std::string pool_key;
        std::string target_prefix;  // absolute form for plain http through a proxy (RFC 9112 §3.2.2)
    };

    const route* route_for(const url& origin)
    {
        for (const auto& r : routes_)
            if (r.port == origin.port && r.host == origin.host && r.scheme == origin.scheme)
                return &r;
        route r{origin.scheme, origin.host, origin.port, select_proxy(origin, opts_, env_), {}, {}};
        if (r.proxy)
        {
            const auto& proxy = *r.proxy;
            r.pool_key = origin.scheme + "://" + origin.authority() +
                         (proxy ? " via " + proxy->authority() : "");
            if (proxy && !origin.is_tls())
                r.target_prefix = origin.scheme + "://" + origin.host_header();
        }
        routes_.push_back(std::move(r));
        return &routes_.back();
    }

    // Timeouts: one timer for the whole client, due at the earliest deadline in flight. Every
    // request has the same timeout, so the list (in start order) is in deadline order.
    void arm_sweeper()
    {
        if (sweeper_armed_)
            return;
        for (auto& op : inflight_)
        {
            if (op.stopped != interruption::none)
                continue;
            sweeper_armed_ = true;
            sweeper_.expires_at(op.deadline);
            sweeper_.async_wait([weak = weak_from_this()](error_code ec) {
                // Aborted waits were cancelled on purpose (nothing in flight, or re-armed).
                if (ec == asio::error::operation_aborted)
                    return;
                if (auto self = weak.lock())
                    self->sweep();
            });
            return;
        }
    }

    void sweep()
    {
        sweeper_armed_ = false;
        const auto now = steady_clock::now();
        for (auto& op : inflight_)
        {
            if (op.deadline > now)
                break;
            op.interrupt(interruption::timeout);
        }
        arm_sweeper();
    }

    asio::awaitable<core::result<response>> perform(
        const url& origin,
        const route& r,
        request& req,
        inflight& op
    )
    {
        const std::optional<url>& proxy = *r.proxy;
        auto wire = serialize_request(req, r.target_prefix, origin, opts_.user_agent);
        if (!wire)
            co_return wire.error();
        const bool head = req.method == "HEAD";
        for (int attempt = 0;; ++attempt)
        {
            // The retry always dials afresh: another idle connection may be just as stale.
            std::unique_ptr<connection> conn = attempt == 0 ? take_idle(r.pool_key) : nullptr;
            const bool reused = conn != nullptr;
            if (!conn)
            {
                auto opened = co_await open(origin, proxy, op);
                if (!opened)
                    co_return opened.error();
                conn = std::move(*opened);
            }
            op.stream = &conn->lowest();
            // Two statements rather than a conditional: GCC 12 mishandles co_await inside ?:.
            exchange_result x;
            if (conn->secure)
                x = co_await exchange(*conn->secure, conn->buffer, *wire, head, opts_.max_body_bytes);
            else
                x = co_await exchange(*conn->plain, conn->buffer, *wire, head, opts_.max_body_bytes);
            op.stream = nullptr;
            if (op.stopped != interruption::none)
                co_return make(core::errc::cancelled, "interrupted");  // replaced by send()
            if (x.ec)
            {
                if (reused && attempt == 0 && !x.got_bytes && x.ec != asio::error::operation_aborted)
                {
                    log_->debug(
                        "pool=\"{}\" msg=\"pooled connection failed, retrying on a new one\" err=\"{}\"",
                        r.pool_key,
                        x.ec.message()
                    );
                    continue;
                }
                // Built into a named local first: GCC 12 mis-destroys temporaries of a co_return
                // expression inside a loop.
                core::error failure = io_error(x.ec, x.stage, opts_.max_body_bytes);
                failure.detail += " (" + origin.host_header() + ")";
                co_return failure;
            }
            const bool keep = x.msg.keep_alive() && !x.eof_delimited;
            auto resp = to_response(x.msg);
            if (!resp)
                co_return resp.error();
            if (log_->should_log(spdlog::level::debug))
                log_->debug(
                    "method={} host={} target=\"{}\" status={} msg=\"response\"",
                    req.method,
                    origin.host_header(),
                    req.target,
                    resp->status
                );
            if (keep)
                put_idle(r.pool_key, std::move(conn));
            co_return std::move(*resp);
        }
    }

    core::result<response> to_response(bhttp::response<bhttp::string_body>& msg) const
    {
        response out;
        out.status = msg.result_int();
        const auto encoding = msg[bhttp::field::content_encoding];
        const bool gzipped = core::iequals(encoding, "gzip") || core::iequals(encoding, "x-gzip");
        for (const auto& f : msg)
        {
            if (gzipped &&
                (f.name() == bhttp::field::content_encoding || f.name() == bhttp::field::content_length))
                continue;
            out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
        }
        if (gzipped)
        {
            auto decoded = gunzip(msg.body(), opts_.max_body_bytes);
            if (!decoded)
                return decoded.error();
            out.body = std::move(*decoded);
        }
        else
        {
            out.body = std::move(msg.body());
        }
        return out;
    }

    asio::awaitable<core::result<std::unique_ptr<connection>>> open(
        const url& origin,
        const std::optional<url>& proxy,
        inflight& op
    )
    {
        const url& dial = proxy ? *proxy : origin;
        const std::string peer = proxy ? "proxy " + dial.authority() : dial.authority();
        tcp::resolver resolver(ex_);
        op.resolver = &resolver;
        auto [rec, endpoints] = co_await resolver
                                    .async_resolve(dial.host, std::to_string(dial.port), use_tuple);
        op.resolver = nullptr;
        if (op.stopped != interruption::none)
            co_return make(core::errc::cancelled, "interrupted");
        if (rec)
            co_return io_error(rec, "resolve " + peer, 0);

        auto conn = std::make_unique<connection>();
        // The sweeper must never see a stream this function's failure paths destroy; perform()
        // registers the stream again once the connection is handed over.
        struct forget_stream
        {
            inflight& op;
            ~forget_stream() { op.stream = nullptr; }
        } forget{op};
        if (origin.is_tls())
            conn->secure.emplace(ex_, ctx_);
        else
            conn->plain.emplace(ex_);
        beast::tcp_stream& stream = conn->lowest();
        op.stream = &stream;
        auto [cec, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
        (void)endpoint;
        if (op.stopped != interruption::none)
            co_return make(core::errc::cancelled, "interrupted");
        if (cec)
            co_return io_error(cec, "connect to " + peer, 0);
        error_code ignored;
        stream.socket().set_option(tcp::no_delay(true), ignored);

        if (proxy && origin.is_tls())
        {
            auto tunnel = co_await connect_tunnel(stream, conn->buffer, origin, peer);
            if (op.stopped != interruption::none)
                co_return make(core::errc::cancelled, "interrupted");
            if (!tunnel)
                co_return tunnel.error();
        }
        if (!origin.is_tls())
            co_return conn;

        auto& tls = *conn->secure;
        SSL* handle = tls.native_handle();
        const bool ip = is_ip_literal(origin.host);
        // SNI carries names only (RFC 6066 §3).
        if (!ip && !SSL_set_tlsext_host_name(handle, origin.host.c_str()))
            co_return make(core::errc::tls, "cannot set SNI for " + origin.host);
        if (opts_.insecure_skip_verify)
        {
            tls.set_verify_mode(ssl::verify_none);
        }
        else
        {
            tls.set_verify_mode(ssl::verify_peer);
            // OpenSSL's own host check reports "hostname mismatch" / "IP address mismatch" precisely.
            const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), origin.host.c_str())
                              : SSL_set1_host(handle, origin.host.c_str());
            if (ok != 1)
                co_return make(core::errc::tls, "cannot set the expected host name " + origin.host);
        }
        auto [hec] = co_await tls.async_handshake(ssl::stream_base::client, use_tuple);
        if (op.stopped != interruption::none)
            co_return make(core::errc::cancelled, "interrupted");
        if (hec)
            co_return handshake_error(hec, SSL_get_verify_result(handle), origin.authority());
        co_return conn;
    }

    asio::awaitable<core::result<void>> connect_tunnel(
        beast::tcp_stream& stream,
        beast::flat_buffer& buffer,
        const url& origin,
        const std::string& peer
    )
    {
        bhttp::request<bhttp::empty_body> connect{bhttp::verb::connect, origin.authority(), 11};
        connect.set(bhttp::field::host, origin.authority());
        if (!opts_.user_agent.empty())
            connect.set(bhttp::field::user_agent, opts_.user_agent);
        auto [wec, written] = co_await bhttp::async_write(stream, connect, use_tuple);
        (void)written;
        if (wec)
            co_return io_error(wec, "send CONNECT to " + peer, 0);
        bhttp::response_parser<bhttp::empty_body> parser;
        // A successful CONNECT response has no body, whatever its headers say.
        parser.skip(true);
        auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
        (void)read;
        if (rec)
        {
            if (rec == asio::error::operation_aborted)
                co_return io_error(rec, "CONNECT via " + peer, 0);
            co_return make(core::errc::proxy, "CONNECT via " + peer + " failed: " + rec.message());
        }
        const unsigned status = parser.get().result_int();
        if (status < 200 || status > 299)
            co_return make(
                core::errc::proxy,
                peer + " refused CONNECT to " + origin.authority() + ": " + std::to_string(status) + " " +
                    std::string(parser.get().reason())
            );
        co_return core::result<void>();
    }

    std::unique_ptr<connection> take_idle(const std::string& key)
    {
        auto it = idle_.find(key);
        if (it == idle_.end() || it->second.empty())
            return nullptr;
        auto conn = std::move(it->second.back());
        it->second.pop_back();
        return conn;
    }

    void put_idle(const std::string& key, std::unique_ptr<connection> conn)
    {
        auto& conns = idle_[key];
        if (conns.size() < opts_.max_idle_per_origin)
            conns.push_back(std::move(conn));
    }

    asio::any_io_executor ex_;
    client_options opts_;
    std::shared_ptr<spdlog::logger> log_;
    ssl::context ctx_{ssl::context::tls_client};
    std::optional<core::error> ctx_error_;
    core::env_lookup env_ = core::process_env();
    std::deque<route> routes_;  // stable addresses: requests in flight refer to theirs
    std::map<std::string, std::vector<std::unique_ptr<connection>>, std::less<>> idle_;
    inflight_list inflight_;
    asio::steady_timer sweeper_;
    bool sweeper_armed_ = false;
};

client::client(asio::any_io_executor ex, client_options opts, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(opts), std::move(log)))
{
}

client::~client() { impl_->close(); }

// Deliberately not a coroutine: GCC 12 mis-copies prvalue arguments of a coroutine called inside
// co_await (`co_await c.send(u, request{})` would hand the frame a string pointing into the caller's
// frame). As a plain function, send() owns properly constructed parameters and moves them on.
asio::awaitable<core::result<response>> client::send(url origin, request req)
{
    return impl::start(impl_, std::move(origin), std::move(req));
}

void client::close() { impl_->close(); }

std::size_t client::idle_connections() const noexcept { return impl_->idle_count(); }

}  // namespace drsmon::http
