#pragma once

// Internal helpers of the server shell; no public header includes this.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace drsmon::server::detail {

// True when an Accept-Encoding value admits gzip (a "gzip" or "*" coding without q=0).
bool accepts_gzip(std::string_view accept_encoding) noexcept;

// gzip-compresses data (RFC 1952 framing). Returns nullopt if zlib fails.
std::optional<std::string> gzip_compress(std::string_view data);

// Decodes "Basic <base64(user:password)>" into (user, password); nullopt when malformed.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view authorization);

// Where to listen: a literal address (or empty for all addresses) and a port.
struct endpoint_spec
{
    std::string host;  // "" = all addresses; "::1", "127.0.0.1", or a host name
    unsigned short port = 0;
};
// Parses "host:port", "[v6]:port" and ":port"; nullopt with a reason in *why when malformed.
std::optional<endpoint_spec> parse_listen_address(std::string_view address, std::string* why);

}  // namespace drsmon::server::detail
