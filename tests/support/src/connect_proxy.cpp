#include "drsmon/test/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <list>
#include <mutex>

namespace drsmon::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct tunnel
{
    explicit tunnel(tcp::socket s) : downstream(std::move(s)), upstream(downstream.get_executor()) {}
    tcp::socket downstream;
    tcp::socket upstream;
};

// Splits "host:port" or "[v6]:port".
std::pair<std::string, std::string> split_authority(std::string_view authority)
{
    if (authority.starts_with('['))
    {
        const auto close = authority.find(']');
        const auto host = authority.substr(1, close - 1);
        const auto port = close + 2 <= authority.size() ? authority.substr(close + 2)
                                                        : std::string_view("80");
        return {std::string(host), std::string(port)};
    }
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos)
        return {std::string(authority), "80"};
    return {std::string(authority.substr(0, colon)), std::string(authority.substr(colon + 1))};
}

asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to)
{
    std::array<char, 16384> data{};
    for (;;)
    {
        auto [ec, n] = co_await from.async_read_some(asio::buffer(data), use_tuple);
        if (ec)
            co_return;
        auto [wec, wn] = co_await asio::async_write(to, asio::buffer(data.data(), n), use_tuple);
        (void)wn;
        if (wec)
            co_return;
    }
}

}  // namespace

class connect_proxy::impl : public std::enable_shared_from_this<impl>
{
public:
    explicit impl(asio::any_io_executor ex)
        : ex_(std::move(ex)), acceptor_(ex_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
    {
        port_ = acceptor_.local_endpoint().port();
    }

    std::uint16_t port() const { return port_; }

    std::vector<std::string> targets() const
    {
        std::lock_guard lock(mutex_);
        return targets_;
    }

    void start()
    {
        asio::dispatch(ex_, [self = shared_from_this()] {
            if (!self->stopped_)
                asio::co_spawn(self->ex_, self->accept_loop(), [](std::exception_ptr) {});
        });
    }

    void stop()
    {
        asio::dispatch(ex_, [self = shared_from_this()] {
            self->stopped_ = true;
            error_code ignored;
            self->acceptor_.close(ignored);
            std::lock_guard lock(self->mutex_);
            for (auto* t : self->tunnels_)
            {
                t->downstream.close(ignored);
                t->upstream.close(ignored);
            }
        });
    }

private:
    asio::awaitable<void> accept_loop()
    {
        auto self = shared_from_this();
        while (!stopped_)
        {
            auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
            if (ec)
            {
                if (stopped_ || !acceptor_.is_open())
                    co_return;
                continue;
            }
            asio::co_spawn(ex_, serve(std::make_shared<tunnel>(std::move(socket))), [](std::exception_ptr) {
            });
        }
    }

    asio::awaitable<void> serve(std::shared_ptr<tunnel> t)
    {
        auto self = shared_from_this();
        std::list<tunnel*>::iterator registration;
        {
            std::lock_guard lock(mutex_);
            if (stopped_)
                co_return;
            registration = tunnels_.insert(tunnels_.end(), t.get());
        }
        co_await relay(*t);
        error_code ignored;
        t->downstream.close(ignored);
        t->upstream.close(ignored);
        std::lock_guard lock(mutex_);
        tunnels_.erase(registration);
    }

    asio::awaitable<void> relay(tunnel& t)
    {
        beast::flat_buffer buffer;
        bhttp::request_parser<bhttp::string_body> parser;
        auto [ec, n] = co_await bhttp::async_read(t.downstream, buffer, parser, use_tuple);
        (void)n;
        if (ec)
            co_return;
        auto& msg = parser.get();
        const bool is_connect = msg.method() == bhttp::verb::connect;
        std::string target(msg.target());
        {
            std::lock_guard lock(mutex_);
            targets_.push_back(target);
        }
        std::string_view authority = target;
        std::string origin_target = "/";
        if (!is_connect)
        {
            // Absolute form: http://host[:port]/path
            const auto scheme = authority.find("://");
            if (scheme != std::string_view::npos)
                authority.remove_prefix(scheme + 3);
            const auto slash = authority.find('/');
            if (slash != std::string_view::npos)
            {
                origin_target = std::string(authority.substr(slash));
                authority = authority.substr(0, slash);
            }
        }
        const auto [host, port] = split_authority(authority);
        tcp::resolver resolver(ex_);
        auto [rec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
        error_code cec = rec;
        if (!rec)
        {
            auto [connect_ec, endpoint] = co_await asio::async_connect(t.upstream, endpoints, use_tuple);
            (void)endpoint;
            cec = connect_ec;
        }
        if (cec)
        {
            static const std::string bad_gateway = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
            co_await asio::async_write(t.downstream, asio::buffer(bad_gateway), use_tuple);
            co_return;
        }
        if (is_connect)
        {
            static const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
            auto [wec, wn] = co_await asio::async_write(t.downstream, asio::buffer(established), use_tuple);
            (void)wn;
            if (wec)
                co_return;
        }
        else
        {
            msg.target(origin_target);
            auto [wec, wn] = co_await bhttp::async_write(t.upstream, msg, use_tuple);
            (void)wn;
            if (wec)
                co_return;
        }
        // Bytes the client sent after the request head belong to the tunnel.
        if (buffer.size() > 0)
        {
            auto [wec, wn] = co_await asio::async_write(t.upstream, buffer.data(), use_tuple);
            (void)wn;
            if (wec)
                co_return;
        }
        co_await (pump(t.downstream, t.upstream) || pump(t.upstream, t.downstream));
    }

    asio::any_io_executor ex_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopped_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> targets_;
    std::list<tunnel*> tunnels_;
};

connect_proxy::connect_proxy(asio::any_io_executor ex) : impl_(std::make_shared<impl>(std::move(ex))) {}

connect_proxy::~connect_proxy() { impl_->stop(); }

std::uint16_t connect_proxy::port() const { return impl_->port(); }

void connect_proxy::start() { impl_->start(); }

void connect_proxy::stop() { impl_->stop(); }

std::vector<std::string> connect_proxy::targets() const { return impl_->targets(); }

}  // namespace drsmon::test
