#include "drsmon/core/no_proxy.hpp"
#include "drsmon/core/text.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace drsmon::core {

namespace {

// An IP address in network order: 4 bytes for IPv4, 16 for IPv6.
struct ip_address
{
    std::array<unsigned char, 16> bytes{};
    unsigned bits = 0;  // 32 or 128: the family
};

bool parse_ip(std::string_view text, ip_address& out) noexcept
{
    // inet_pton needs a terminated string; the longest textual IPv6 address has 45 characters.
    char buf[64];
    if (text.empty() || text.size() >= sizeof buf)
        return false;
    text.copy(buf, text.size());
    buf[text.size()] = '\0';
    if (inet_pton(AF_INET, buf, out.bytes.data()) == 1)
        out.bits = 32;
    else if (inet_pton(AF_INET6, buf, out.bytes.data()) == 1)
        out.bits = 128;
    else
        return false;
    return true;
}

// Whether the first prefix bits of a and b agree (same family only).
bool same_network(const ip_address& a, const ip_address& b, unsigned prefix) noexcept
{
    if (a.bits != b.bits || prefix > a.bits)
        return false;
    const unsigned whole = prefix / 8;
    if (std::memcmp(a.bytes.data(), b.bytes.data(), whole) != 0)
        return false;
    const unsigned rest = prefix % 8;
    if (rest == 0)
        return true;
    const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
    return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

// One NO_PROXY entry split into its address or name, and its CIDR suffix.
struct entry
{
    std::string_view name;
    std::string_view prefix;  // the digits after '/', empty when none
    bool has_prefix = false;
};

entry split_entry(std::string_view e) noexcept
{
    constexpr auto npos = std::string_view::npos;
    entry out;
    std::string_view after;  // what follows a bracketed IPv6 literal: ":port" or "/bits"
    if (e.starts_with('['))
    {
        const auto close = e.find(']');
        after = close == npos ? std::string_view() : e.substr(close + 1);
        e = e.substr(1, close == npos ? npos : close - 1);
    }
    if (const auto slash = e.find('/'); slash != npos)
    {
        out.prefix = e.substr(slash + 1);
        out.has_prefix = true;
        e = e.substr(0, slash);
    }
    else if (after.starts_with('/'))
    {
        out.prefix = after.substr(1);
        out.has_prefix = true;
    }
    // One colon: "host:port" or "v4:port". More: a bare IPv6 literal, which has no port.
    if (const auto colon = e.find(':'); colon != npos && e.find(':', colon + 1) == npos)
        e = e.substr(0, colon);
    out.name = e;
    return out;
}

bool ip_matches(const entry& e, const ip_address& host) noexcept
{
    ip_address net;
    if (!parse_ip(e.name, net))
        return false;
    unsigned prefix = net.bits;
    if (e.has_prefix)
    {
        const auto bits = parse_number<unsigned>(e.prefix);
        if (!bits || *bits > net.bits)
            return false;
        prefix = *bits;
        // curl reads "/0" as no prefix at all: the address itself.
        if (prefix == 0)
            prefix = net.bits;
    }
    return same_network(net, host, prefix);
}

bool name_matches(std::string_view pattern, std::string_view host) noexcept
{
    if (pattern.starts_with("*."))
        pattern.remove_prefix(1);
    if (pattern.starts_with('.'))
        pattern.remove_prefix(1);
    if (pattern.ends_with('.'))
        pattern.remove_suffix(1);
    if (pattern.empty())
        return false;
    if (iequals(host, pattern))
        return true;
    // Domain suffix on a label boundary: "example.com" matches "api.example.com", not "badexample.com".
    return host.size() > pattern.size() && iends_with(host, pattern) &&
           host[host.size() - pattern.size() - 1] == '.';
}

}  // namespace

bool no_proxy_matches(std::string_view no_proxy, std::string_view host) noexcept
{
    if (host.starts_with('[') && host.ends_with(']'))
        host = host.substr(1, host.size() - 2);
    if (host.ends_with('.'))
        host.remove_suffix(1);
    ip_address host_ip;
    const bool host_is_ip = parse_ip(host, host_ip);
    while (!no_proxy.empty())
    {
        const std::string_view token = pop_token(no_proxy, ", \t");
        if (token.empty())
            continue;
        if (token == "*")
            return true;
        const entry e = split_entry(token);
        if (host_is_ip ? ip_matches(e, host_ip) : !e.has_prefix && name_matches(e.name, host))
            return true;
    }
    return false;
}

}  // namespace drsmon::core
