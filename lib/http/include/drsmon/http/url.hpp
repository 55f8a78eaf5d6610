#pragma once

#include "drsmon/core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace drsmon::http {

// An origin (plus optional path) of an http:// or https:// URL.
struct url
{
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // lower case; IPv6 literals without brackets
    std::uint16_t port = 0;
    std::string path;  // path and query as written, "/" when absent

    bool is_tls() const noexcept { return scheme == "https"; }
    bool default_port() const noexcept;
    // The value of a Host header: host, or host:port when the port is not the scheme's default;
    // IPv6 literals are bracketed ("[::1]:8443").
    std::string host_header() const;
    // "host:port" with IPv6 brackets, as used in CONNECT request targets.
    std::string authority() const;
    // scheme://host_header()path
    std::string to_string() const;
};

// Parses "http(s)://host[:port][/path]". Errors (errc::config, where "http"): another scheme,
// a missing or malformed host, user info, a port outside 1..65535.
core::result<url> parse_url(std::string_view text);

// True when host is an IPv4 or IPv6 literal (without brackets).
bool is_ip_literal(std::string_view host) noexcept;

}  // namespace drsmon::http
