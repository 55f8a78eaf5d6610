#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drsmon::config {

// An absolute http(s) URL reduced to what a client connects to: no user info, no query,
// no fragment, and a path of at most "/".
struct url
{
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // lower case; IPv6 literals without the brackets
    std::uint16_t port;  // explicit port, or 443 / 80 from the scheme
    bool explicit_port = false;

    // "scheme://host[:port]" with brackets around IPv6 literals and the port only when explicit.
    std::string to_string() const;
};

// Parses "http[s]://host[:port][/]". Returns nullopt for other schemes, user info,
// a path, a query or fragment, an empty or malformed host, or a port outside 1..65535.
std::optional<url> parse_url(std::string_view text);

// True when host matches a NO_PROXY-style list (comma separated, curl semantics):
// "*" matches everything; "example.com" and ".example.com" match the host and its
// sub-domains; entries may carry a ":port", which is ignored; comparison ignores case.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

}  // namespace drsmon::config
