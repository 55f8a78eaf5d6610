#include "drsmon/config/url.hpp"

#include <algorithm>
#include <charconv>

namespace drsmon::config {

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

bool is_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Host names: dot-separated labels of letters, digits and inner hyphens.
bool valid_hostname(std::string_view host) noexcept
{
    if (host.empty() || host.size() > 253)
        return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= host.size(); ++i)
    {
        if (i == host.size() || host[i] == '.')
        {
            if (label == 0 || label > 63 || host[i - 1] == '-' || host[i - label] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!is_alnum(host[i]) && host[i] != '-')
            return false;
        ++label;
    }
    return true;
}

bool valid_ipv6(std::string_view host) noexcept
{
    return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
               c == '.';
    }) && host.find(':') != std::string_view::npos;
}

}  // namespace

std::string url::to_string() const
{
    std::string out = scheme + "://";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (explicit_port)
        out += ":" + std::to_string(port);
    return out;
}

std::optional<url> parse_url(std::string_view text)
{
    const auto sep = text.find("://");
    if (sep == std::string_view::npos)
        return std::nullopt;
    url out;
    out.scheme = lower(text.substr(0, sep));
    if (out.scheme == "https")
        out.port = 443;
    else if (out.scheme == "http")
        out.port = 80;
    else
        return std::nullopt;
    std::string_view rest = text.substr(sep + 3);
    if (rest.ends_with('/'))
        rest.remove_suffix(1);
    // Anything after the authority (path, query, fragment) or user info is refused.
    if (rest.find_first_of("/?#@") != std::string_view::npos)
        return std::nullopt;
    std::string_view host = rest;
    std::optional<std::string_view> port;
    if (rest.starts_with('['))
    {
        const auto close = rest.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = rest.substr(1, close - 1);
        const auto after = rest.substr(close + 1);
        if (!after.empty() && !after.starts_with(':'))
            return std::nullopt;
        if (!after.empty())
            port = after.substr(1);
        if (!valid_ipv6(host))
            return std::nullopt;
    }
    else
    {
        if (const auto colon = rest.rfind(':'); colon != std::string_view::npos)
        {
            host = rest.substr(0, colon);
            port = rest.substr(colon + 1);
        }
        if (!valid_hostname(host))
            return std::nullopt;
    }
    if (port)
    {
        unsigned value = 0;
        const auto* end = port->data() + port->size();
        const auto res = std::from_chars(port->data(), end, value);
        if (port->empty() || res.ec != std::errc() || res.ptr != end || value == 0 || value > 65535)
            return std::nullopt;
        out.port = static_cast<std::uint16_t>(value);
        out.explicit_port = true;
    }
    out.host = lower(host);
    return out;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host)
{
    const std::string h = lower(host);
    while (!no_proxy.empty())
    {
        const auto comma = no_proxy.find(',');
        std::string_view entry = no_proxy.substr(0, comma);
        no_proxy = comma == std::string_view::npos ? std::string_view() : no_proxy.substr(comma + 1);
        while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t'))
            entry.remove_prefix(1);
        while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t'))
            entry.remove_suffix(1);
        if (entry == "*")
            return true;
        // A trailing ":port" narrows nothing here: the daemon talks to one port per host.
        if (const auto colon = entry.rfind(':');
            colon != std::string_view::npos && entry.find(':') == colon && !entry.starts_with('['))
            entry = entry.substr(0, colon);
        if (entry.starts_with('[') && entry.ends_with(']'))
            entry = entry.substr(1, entry.size() - 2);
        if (entry.starts_with('.'))
            entry.remove_prefix(1);
        if (entry.empty())
            continue;
        const std::string e = lower(entry);
        if (h == e || (h.size() > e.size() && h.ends_with(e) && h[h.size() - e.size() - 1] == '.'))
            return true;
    }
    return false;
}

}  // namespace drsmon::config
