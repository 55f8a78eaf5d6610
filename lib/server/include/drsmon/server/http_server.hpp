#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/server/bcrypt.hpp"
#include "drsmon/server/request.hpp"
#include "drsmon/server/router.hpp"
#include "drsmon/server/web_config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace drsmon::server {

struct server_options
{
    std::string listen_address = ":9878";     // host:port, [v6]:port, or :port for all addresses
    std::size_t max_connections = 64;         // more get a 503 and are closed
    std::chrono::seconds read_timeout{10};    // per request, headers and body; also bounds writes
    std::size_t max_body_bytes = 64 << 10;    // larger bodies get 413
    std::size_t max_header_bytes = 16 << 10;  // larger headers get 431
    bool gzip = true;                         // compress bodies over 1 KiB for clients that accept gzip
    std::chrono::milliseconds shutdown_grace{2000};  // how long stop() lets in-flight requests finish
};

// HTTP/1.1 server with keep-alive, one coroutine per connection, TLS and basic auth from an
// exporter-toolkit web config. Single-threaded: everything runs on the executor given to it.
class http_server
{
public:
    http_server(boost::asio::any_io_executor ex, server_options opts, std::shared_ptr<spdlog::logger> log);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Installs TLS and basic auth. Loads and checks certificates and keys now: errors (errc::config,
    // naming the file) leave the previous config in place. Affects connections accepted afterwards.
    // Call on the executor's thread (or before run()).
    core::result<void> set_web_config(web_config cfg);

    // Routes; fill before run().
    router& routes();

    // Binds and listens. Errors (errc::config for a malformed address, errc::network for a bind
    // failure) name the address.
    core::result<void> listen();

    // The bound port, after listen() (useful with port 0).
    std::uint16_t port() const;

    // Accepts until stop() or until cancelled, spawning one coroutine per connection. Returns once
    // stop() has drained the connections; on cancellation it triggers stop() and returns at once.
    boost::asio::awaitable<void> run();

    // Closes the acceptor, closes idle connections, lets in-flight requests finish for
    // shutdown_grace, then closes the rest. Safe from any thread; idempotent.
    void stop();

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace drsmon::server
