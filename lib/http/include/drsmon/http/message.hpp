#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/core/url.hpp"

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

// The request line, headers and body as one buffer, so that a small request goes out as one TLS
// record and one send (asio's ssl::stream writes one buffer of a sequence per call). Pure.
// target_prefix goes before the target (the scheme and authority of a plain-HTTP proxy request).
// Adds Host (from origin), User-Agent (when not empty) and Accept-Encoding: gzip unless the
// request has them; drops any Content-Length or Transfer-Encoding of the caller and frames a body,
// or a method that defines one, by its length. A method, target or header that would break the
// request line or inject a header is a config error naming the header, never its value (it may
// be a credential).
core::result<std::string> serialize_request(
    const request& req,
    std::string_view target_prefix,
    const core::url& origin,
    std::string_view user_agent
);

}  // namespace drsmon::http
