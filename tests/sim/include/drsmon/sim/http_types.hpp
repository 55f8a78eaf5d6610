#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The simulator's own view of an HTTP exchange, independent of any server: the shell converts
// to and from the test server's raw_request / raw_response.
namespace drsmon::sim {

struct request
{
    std::string method;
    std::string target;  // path?query as on the request line
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The first header with this name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

struct response
{
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};       // wait before sending anything
    bool reset_mid_body = false;              // send half the body, then reset the connection
    std::chrono::milliseconds stall_body{0};  // pause half-way through the body
    bool close_connection = false;

    // The first header with this name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

}  // namespace drsmon::sim
