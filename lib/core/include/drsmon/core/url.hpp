#pragma once

#include "drsmon/core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace drsmon::core {

// An http:// or https:// URL: origin plus path and query (no user info, no fragment).
struct url
{
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // lower case; IPv6 literals without brackets
    std::uint16_t port = 0;
    std::string path = "/";      // path and query as written, "/" when absent
    bool explicit_port = false;  // the text named the port (kept by origin())

    bool is_tls() const noexcept { return scheme == "https"; }
    bool default_port() const noexcept { return port == (is_tls() ? 443 : 80); }
    // The value of a Host header: host, or host:port when the port is not the scheme's default;
    // IPv6 literals are bracketed ("[::1]:8443").
    std::string host_header() const;
    // "host:port" with IPv6 brackets, as used in CONNECT request targets.
    std::string authority() const;
    // "scheme://host[:port]": the port when the text named it or it is not the scheme's default.
    // What the configuration stores for endpoints and proxies.
    std::string origin() const;
    // scheme://host_header()path
    std::string to_string() const;
};

// Parses "http(s)://host[:port][/path][?query][#fragment]" (the fragment is dropped). Host names
// are dot-separated labels of letters, digits and inner hyphens (at most 63 characters each, 253
// in all); IPv6 literals are bracketed. Errors (errc::config, where "http", detail naming the
// text and the reason): another scheme, user info, a missing or malformed host, an empty port or
// one outside 1..65535.
result<url> parse_url(std::string_view text);

// As parse_url, for a bare origin "http(s)://host[:port]" with at most a trailing "/": a path, a
// query or a fragment is an error too.
result<url> parse_origin(std::string_view text);

// True when host is an IPv4 or IPv6 literal (without brackets).
bool is_ip_literal(std::string_view host) noexcept;

}  // namespace drsmon::core
