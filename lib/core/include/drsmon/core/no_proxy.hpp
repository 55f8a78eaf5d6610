#pragma once

#include <string_view>

namespace drsmon::core {

// True when host (a name or an IP literal, IPv6 with or without brackets) is excluded from
// proxying by a NO_PROXY value, with curl's rules (curl 7.86 and later):
// - entries are separated by commas; spaces and tabs around them are ignored, and a space alone
//   separates entries too, as curl tolerates;
// - "*" matches every host (curl takes it only as the whole value; here it may be any entry);
// - a name matches itself and its sub-domains, ignoring case: "example.com", ".example.com" and
//   "*.example.com" all match "example.com" and "api.example.com", never "badexample.com";
//   a trailing dot on either side is ignored;
// - an IP entry matches the same address; with "/bits" (CIDR, "10.0.0.0/8", "fd00::/8") every
//   address in that network; names never match IP entries and the other way round;
// - a ":port" after an entry is ignored (each endpoint has one port); IPv6 entries with a port
//   are bracketed ("[::1]:8443").
bool no_proxy_matches(std::string_view no_proxy, std::string_view host) noexcept;

}  // namespace drsmon::core
