#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drsmon::http {

struct header
{
    std::string name;
    std::string value;
};

// An outgoing request. target is the origin-form path and query ("/v3/p/jobs?limit=10").
struct request
{
    std::string method = "GET";
    std::string target = "/";
    std::vector<header> headers;
    std::string body;

    // The value of the first header named name (case-insensitive), "" if absent.
    std::string_view header_value(std::string_view name) const noexcept;
};

// A received response; the body is already gzip-decoded (Content-Encoding and Content-Length
// are then removed from headers).
struct response
{
    unsigned status = 0;
    std::vector<header> headers;
    std::string body;

    // The value of the first header named name (case-insensitive), "" if absent.
    std::string_view header_value(std::string_view name) const noexcept;
};

}  // namespace drsmon::http
