#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/http/message.hpp"
#include "drsmon/http/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace drsmon::http {

struct client_options
{
    std::chrono::milliseconds timeout{10000};  // whole request: resolve+connect+proxy+handshake+write+read
    std::size_t max_body_bytes = 16 << 20;     // decoded body limit → errc::too_large
    std::string ca_file;                       // empty = system CAs
    bool insecure_skip_verify = false;         // no certificate or host-name checks (caller warns)
    std::string proxy_url;                     // explicit proxy (http://host:port); empty = environment
    bool use_environment_proxy = true;         // HTTPS_PROXY/https_proxy, HTTP_PROXY, NO_PROXY/no_proxy
    std::string user_agent;                    // e.g. "drs-monitor/0.1.0"
    std::size_t max_idle_per_origin = 4;       // kept-alive connections per origin (0 = no pooling)
};

// An HTTP/1.1 client with TLS verification, a keep-alive pool, whole-request deadlines, a body limit,
// gzip decoding and outbound proxies (CONNECT for https). Use from one thread: the executor's.
class client
{
public:
    // Loads the CA file (or the system's default paths) now; a failure is reported by every send()
    // as errc::tls.
    client(boost::asio::any_io_executor ex, client_options opts, std::shared_ptr<spdlog::logger> log);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Sends one request to origin (scheme, host, port; origin.path is ignored) and reads the whole
    // response. Reuses an idle kept-alive connection when there is one. Adds Host (if absent),
    // User-Agent (if absent and configured), Accept-Encoding: gzip (if absent) and Content-Length.
    // Never throws. Errors (where "http"): errc::timeout (opts.timeout passed), errc::network,
    // errc::tls (detail says why, e.g. "certificate verify failed: hostname mismatch"),
    // errc::too_large, errc::proxy, errc::cancelled (close() or the caller's cancellation). Any HTTP
    // status is a success here. A pooled connection that fails before any byte of the response is
    // retried once on a fresh connection (callers send only idempotent requests).
    boost::asio::awaitable<core::result<response>> send(url origin, request req);

    // Cancels in-flight requests (they complete with errc::cancelled) and drops idle connections.
    // The client stays usable for later requests.
    void close();

    // Idle connections currently pooled (all origins).
    std::size_t idle_connections() const noexcept;

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace drsmon::http
