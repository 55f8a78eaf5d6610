#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::server {

// One HTTP request as the handlers see it: the target already split and percent-decoded.
struct request
{
    std::string method;  // "GET", "HEAD", ... as received
    std::string target;  // raw request target ("/api/v1/jobs?state=failed")
    std::string path;    // decoded path without the query ("/api/v1/jobs")
    std::vector<std::pair<std::string, std::string>> query;    // decoded, in order ('+' is a space)
    std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
    std::string body;

    // The first header with this name (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;

    // The first query parameter with this name (case-sensitive), or nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
};

// What a handler answers. The server adds Content-Length, Date-less defaults, the web config's
// headers and, when the client accepts it, gzip.
struct reply
{
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// A route's handler. Runs on the server's executor; an exception becomes a 500 (and a log line).
using handler = std::function<boost::asio::awaitable<reply>(request)>;

// Splits a request target into its decoded path and query. Fails (nullopt) on a malformed
// percent escape or a path that does not start with '/'.
struct split_target
{
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;
};
std::optional<split_target> parse_target(std::string_view target);

}  // namespace drsmon::server
