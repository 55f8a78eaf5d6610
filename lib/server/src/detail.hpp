#pragma once

// Internal helpers of the server shell; no public header includes this.

#include "drsmon/server/gzip.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace drsmon::server::detail {

using server::accepts_gzip;
using server::gzip_compress;

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
