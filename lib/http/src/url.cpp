#include "drsmon/http/url.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace drsmon::http {

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

core::error bad_url(std::string_view text, std::string_view why)
{
    return core::make_error(
        core::errc::config,
        "http",
        "invalid URL \"" + std::string(text) + "\": " + std::string(why)
    );
}

bool valid_host_char(char c) noexcept
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

bool is_ip_literal(std::string_view host) noexcept
{
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(std::string(host), ec);
    return !ec;
}

bool url::default_port() const noexcept { return port == (is_tls() ? 443 : 80); }

std::string url::authority() const
{
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    out += ':';
    out += std::to_string(port);
    return out;
}

std::string url::host_header() const
{
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (!default_port())
    {
        out += ':';
        out += std::to_string(port);
    }
    return out;
}

std::string url::to_string() const { return scheme + "://" + host_header() + path; }

core::result<url> parse_url(std::string_view text)
{
    const auto sep = text.find("://");
    if (sep == std::string_view::npos)
        return bad_url(text, "missing scheme");
    url out;
    out.scheme = lower(text.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https")
        return bad_url(text, "scheme must be http or https");
    out.port = out.is_tls() ? 443 : 80;

    std::string_view rest = text.substr(sep + 3);
    const auto path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view path = path_start == std::string_view::npos ? std::string_view()
                                                                 : rest.substr(path_start);
    if (const auto hash = path.find('#'); hash != std::string_view::npos)
        path = path.substr(0, hash);
    if (authority.find('@') != std::string_view::npos)
        return bad_url(text, "user info is not supported");

    std::string_view host;
    std::string_view port;
    if (authority.starts_with('['))
    {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return bad_url(text, "unterminated IPv6 literal");
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty())
        {
            if (after.front() != ':')
                return bad_url(text, "unexpected characters after IPv6 literal");
            port = after.substr(1);
            if (port.empty())
                return bad_url(text, "empty port");
        }
        boost::system::error_code ec;
        const auto addr = boost::asio::ip::make_address(std::string(host), ec);
        if (ec || !addr.is_v6())
            return bad_url(text, "invalid IPv6 literal");
    }
    else
    {
        const auto colon = authority.rfind(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos)
        {
            port = authority.substr(colon + 1);
            if (port.empty())
                return bad_url(text, "empty port");
        }
        if (!std::all_of(host.begin(), host.end(), valid_host_char))
            return bad_url(text, "invalid host");
    }
    if (host.empty())
        return bad_url(text, "missing host");
    if (!port.empty())
    {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return bad_url(text, "invalid port");
        out.port = static_cast<std::uint16_t>(value);
    }
    out.host = lower(host);
    out.path = path.empty() ? std::string("/") : std::string(path);
    if (out.path.front() == '?')
        out.path.insert(out.path.begin(), '/');
    return out;
}

}  // namespace drsmon::http
