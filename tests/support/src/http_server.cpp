#include "drsmon/test/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <list>
#include <mutex>
#include <optional>

namespace drsmon::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

bool has_header(const raw_response& r, std::string_view name)
{
    for (const auto& [n, v] : r.headers)
    {
        if (iequals(n, name))
            return true;
    }
    return false;
}

std::string render_head(const raw_response& r, bool close)
{
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " ";
    const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(r.status));
    head += reason.empty() ? std::string_view("Unknown") : std::string_view(reason.data(), reason.size());
    head += "\r\n";
    for (const auto& [name, value] : r.headers)
        head += name + ": " + value + "\r\n";
    if (!has_header(r, "Content-Length") && !has_header(r, "Transfer-Encoding"))
        head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    if (close && !has_header(r, "Connection"))
        head += "Connection: close\r\n";
    head += "\r\n";
    return head;
}

// One accepted connection; registered with the server so stop() can close it.
struct session
{
    explicit session(tcp::socket s) : stream(std::move(s)), timer(stream.get_executor()) {}
    beast::tcp_stream stream;
    asio::steady_timer timer;
};

}  // namespace

std::string raw_request::header(std::string_view name) const
{
    for (const auto& [n, v] : headers)
    {
        if (iequals(n, name))
            return v;
    }
    return {};
}

std::string tls_dir() { return DRSMON_TEST_DATA_DIR "/tls"; }

class http_server::impl : public std::enable_shared_from_this<impl>
{
public:
    impl(asio::any_io_executor ex, server_options opts, handler h)
        : ex_(std::move(ex)), opts_(std::move(opts)), handler_(std::move(h)), acceptor_(ex_)
    {
        if (opts_.tls)
        {
            ctx_.emplace(ssl::context::tls_server);
            ctx_->use_certificate_chain_file(
                opts_.cert_file.empty() ? tls_dir() + "/server.pem" : opts_.cert_file
            );
            ctx_->use_private_key_file(
                opts_.key_file.empty() ? tls_dir() + "/server.key" : opts_.key_file,
                ssl::context::pem
            );
            if (!opts_.client_ca_file.empty())
            {
                ctx_->load_verify_file(opts_.client_ca_file);
                ctx_->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
            }
        }
        const tcp::endpoint endpoint(asio::ip::make_address(opts_.address), opts_.port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
    }

    std::uint16_t port() const { return port_; }
    std::size_t accepted() const { return accepted_; }
    std::size_t handled() const { return handled_; }

    void start()
    {
        asio::dispatch(ex_, [self = shared_from_this()] {
            if (self->stopped_)
                return;
            asio::co_spawn(self->ex_, self->accept_loop(), [](std::exception_ptr) {});
        });
    }

    void stop()
    {
        asio::dispatch(ex_, [self = shared_from_this()] { self->close_all(); });
    }

private:
    void close_all()
    {
        stopped_ = true;
        error_code ignored;
        acceptor_.close(ignored);
        std::lock_guard lock(mutex_);
        for (auto* s : sessions_)
        {
            s->timer.cancel();
            s->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            s->stream.socket().close(ignored);
        }
    }

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
            ++accepted_;
            if (opts_.no_delay)
            {
                error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
            }
            auto s = std::make_shared<session>(std::move(socket));
            asio::co_spawn(ex_, serve(s), [](std::exception_ptr) {});
        }
    }

    asio::awaitable<void> serve(std::shared_ptr<session> s)
    {
        auto self = shared_from_this();
        std::list<session*>::iterator registration;
        {
            std::lock_guard lock(mutex_);
            if (stopped_)
                co_return;
            registration = sessions_.insert(sessions_.end(), s.get());
        }
        if (ctx_)
        {
            ssl::stream<beast::tcp_stream&> tls(s->stream, *ctx_);
            auto [ec] = co_await tls.async_handshake(ssl::stream_base::server, use_tuple);
            if (!ec)
                co_await serve_requests(tls, *s);
        }
        else
        {
            co_await serve_requests(s->stream, *s);
        }
        std::lock_guard lock(mutex_);
        sessions_.erase(registration);
    }

    template <class Stream>
    asio::awaitable<void> serve_requests(Stream& stream, session& s)
    {
        beast::flat_buffer buffer;
        while (!stopped_)
        {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.body_limit(64 << 20);
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
            (void)n;
            if (ec)
                co_return;
            const auto& msg = parser.get();
            raw_request request;
            request.method = std::string(msg.method_string());
            request.target = std::string(msg.target());
            for (const auto& f : msg)
                request.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
            request.body = msg.body();

            raw_response response;
            try
            {
                response = handler_(request);
            }
            catch (const std::exception& e)
            {
                response = raw_response{};
                response.status = 500;
                response.body = e.what();
            }
            ++handled_;

            if (response.delay.count() > 0 && !co_await wait(s, response.delay))
                co_return;
            const bool close = response.close_connection || !msg.keep_alive();
            const std::string head = render_head(response, close);
            if (response.reset_mid_body)
            {
                const std::string partial = head + response.body.substr(0, response.body.size() / 2);
                co_await asio::async_write(stream, asio::buffer(partial), use_tuple);
                // SO_LINGER 0 turns the close into a TCP reset.
                error_code ignored;
                s.stream.socket().set_option(tcp::socket::linger(true, 0), ignored);
                s.stream.socket().close(ignored);
                co_return;
            }
            if (response.stall_body.count() > 0)
            {
                auto [hec, hn] = co_await asio::async_write(stream, asio::buffer(head), use_tuple);
                (void)hn;
                if (hec || !co_await wait(s, response.stall_body))
                    co_return;
                auto [bec, bn] = co_await asio::async_write(stream, asio::buffer(response.body), use_tuple);
                (void)bn;
                if (bec)
                    co_return;
            }
            else
            {
                const std::string whole = msg.method() == bhttp::verb::head ? head : head + response.body;
                auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(whole), use_tuple);
                (void)wn;
                if (wec)
                    co_return;
            }
            if (close)
            {
                error_code ignored;
                s.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                co_return;
            }
        }
    }

    // False when the wait was cancelled by stop().
    asio::awaitable<bool> wait(session& s, std::chrono::milliseconds d)
    {
        s.timer.expires_after(d);
        auto [ec] = co_await s.timer.async_wait(use_tuple);
        co_return !ec && !stopped_;
    }

    asio::any_io_executor ex_;
    server_options opts_;
    handler handler_;
    std::optional<ssl::context> ctx_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopped_{false};
    std::atomic<std::size_t> accepted_{0};
    std::atomic<std::size_t> handled_{0};
    std::mutex mutex_;
    std::list<session*> sessions_;
};

http_server::http_server(asio::any_io_executor ex, server_options opts, handler h)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(opts), std::move(h)))
{
}

http_server::~http_server() { impl_->stop(); }

std::uint16_t http_server::port() const { return impl_->port(); }

void http_server::start() { impl_->start(); }

void http_server::stop() { impl_->stop(); }

std::size_t http_server::connections_accepted() const { return impl_->accepted(); }

std::size_t http_server::requests_handled() const { return impl_->handled(); }

}  // namespace drsmon::test
