#include "drsmon/core/text.hpp"
#include "drsmon/core/url.hpp"

#include <arpa/inet.h>

namespace drsmon::core {

namespace {

error bad_url(std::string_view text, std::string_view why)
{
    return make_error(errc::config, "http", "invalid URL \"" + std::string(text) + "\": " + std::string(why));
}

bool is_alnum(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 1123 host names: labels of letters, digits and inner hyphens. IPv4 literals pass too.
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

bool parse_ip(int family, std::string_view text, void* out) noexcept
{
    // inet_pton needs a terminated string; the longest textual IPv6 address has 45 characters.
    char buf[64];
    if (text.size() >= sizeof buf)
        return false;
    text.copy(buf, text.size());
    buf[text.size()] = '\0';
    return inet_pton(family, buf, out) == 1;
}

bool is_ipv6(std::string_view host) noexcept
{
    unsigned char addr[16];
    return parse_ip(AF_INET6, host, addr);
}

result<url> parse(std::string_view text, bool origin_only)
{
    const auto sep = text.find("://");
    if (sep == std::string_view::npos)
        return bad_url(text, "missing scheme");
    url out;
    out.scheme = lower(text.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https")
        return bad_url(text, "scheme must be http or https");
    out.port = out.is_tls() ? 443 : 80;

    const std::string_view rest = text.substr(sep + 3);
    const auto path_start = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, path_start);
    std::string_view path = path_start == std::string_view::npos ? std::string_view()
                                                                 : rest.substr(path_start);
    if (origin_only && !path.empty() && path != "/")
        return bad_url(text, "a path, query or fragment is not allowed");
    if (const auto hash = path.find('#'); hash != std::string_view::npos)
        path = path.substr(0, hash);
    if (authority.find('@') != std::string_view::npos)
        return bad_url(text, "user info is not supported");

    std::string_view host;
    std::string_view port;
    bool has_port = false;
    if (authority.starts_with('['))
    {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return bad_url(text, "unterminated IPv6 literal");
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':')
            return bad_url(text, "unexpected characters after IPv6 literal");
        has_port = !after.empty();
        if (has_port)
            port = after.substr(1);
        if (!is_ipv6(host))
            return bad_url(text, "invalid IPv6 literal");
    }
    else
    {
        const auto colon = authority.rfind(':');
        host = authority.substr(0, colon);
        has_port = colon != std::string_view::npos;
        if (has_port)
            port = authority.substr(colon + 1);
        if (host.empty())
            return bad_url(text, "missing host");
        if (!valid_hostname(host))
            return bad_url(text, "invalid host");
    }
    if (has_port)
    {
        const auto value = parse_number<unsigned>(port);
        if (!value || *value == 0 || *value > 65535)
            return bad_url(text, "invalid port");
        out.port = static_cast<std::uint16_t>(*value);
        out.explicit_port = true;
    }
    out.host = lower(host);
    out.path = path.empty() ? std::string("/") : std::string(path);
    if (out.path.front() == '?')
        out.path.insert(out.path.begin(), '/');
    return out;
}

std::string bracketed(const std::string& host)
{
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::string url::authority() const { return bracketed(host) + ":" + std::to_string(port); }

std::string url::host_header() const { return default_port() ? bracketed(host) : authority(); }

std::string url::origin() const
{
    return scheme + "://" + (explicit_port || !default_port() ? authority() : bracketed(host));
}

std::string url::to_string() const { return scheme + "://" + host_header() + path; }

result<url> parse_url(std::string_view text) { return parse(text, false); }

result<url> parse_origin(std::string_view text) { return parse(text, true); }

bool is_ip_literal(std::string_view host) noexcept
{
    unsigned char addr[16];
    return parse_ip(AF_INET, host, addr) || parse_ip(AF_INET6, host, addr);
}

}  // namespace drsmon::core
