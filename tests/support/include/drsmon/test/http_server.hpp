#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::test {

struct raw_request
{
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The first header named name (case-insensitive), "" if absent.
    std::string header(std::string_view name) const;
};

struct raw_response
{
    unsigned status = 200;
    // Sent as given; Content-Length is added unless present (or Transfer-Encoding is given).
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};       // wait before writing anything
    bool reset_mid_body = false;              // write the head and half the body, then reset the socket
    std::chrono::milliseconds stall_body{0};  // write the head, wait, then the body (slow body)
    bool close_connection = false;            // Connection: close, then close the connection
};

// Called on the server's executor, one request at a time. An exception becomes a 500 response.
using handler = std::function<raw_response(const raw_request&)>;

struct server_options
{
    bool tls = true;
    std::string cert_file;  // default: tls_dir() + "/server.pem"
    std::string key_file;   // default: tls_dir() + "/server.key"
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;      // 0 = any free port; read it back with port()
    std::string client_ca_file;  // non-empty → require client certificates signed by it
    // TCP_NODELAY on accepted sockets: a body written after its head goes out at once instead of
    // waiting (Nagle) for the client's delayed ACK of the head, about 40 ms on Linux.
    bool no_delay = false;
};

// A small HTTP/1.1 server (TLS or plain, keep-alive) for tests. The executor may run on another
// thread; start(), stop() and the counters are safe to call from any thread.
class http_server
{
public:
    // Binds and listens immediately; throws on failure (bad address, port in use, bad cert/key).
    http_server(boost::asio::any_io_executor ex, server_options opts, handler h);
    // Stops the server (see stop()).
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    std::uint16_t port() const;
    // Spawns the accept loop on the executor.
    void start();
    // Closes the acceptor and every connection and cancels pending delays. Runs inline when called on
    // the executor's thread, otherwise is queued to it.
    void stop();

    // Connections accepted so far (TCP level: counts reconnects, not requests).
    std::size_t connections_accepted() const;
    // Requests handled so far.
    std::size_t requests_handled() const;

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

// A tiny HTTP proxy for tests: CONNECT tunnels (https) and absolute-form forwarding (plain http).
// Records the CONNECT targets ("host:port") and absolute-form URLs it saw.
class connect_proxy
{
public:
    explicit connect_proxy(boost::asio::any_io_executor ex);
    ~connect_proxy();
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;

    std::uint16_t port() const;
    void start();
    void stop();
    std::vector<std::string> targets() const;

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

// Absolute path of tests/data/tls (ca.pem, server.pem/key, client.pem/key, other-ca.pem).
std::string tls_dir();

// A server certificate signed by the test CA whose only subject alternative name is dns_name,
// written as PEM files into a fresh temporary directory. Throws on failure.
struct issued_certificate
{
    std::string cert_file;
    std::string key_file;
};
issued_certificate issue_server_certificate(const std::string& dns_name);

}  // namespace drsmon::test
