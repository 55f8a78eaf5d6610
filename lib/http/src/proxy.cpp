#include "drsmon/http/client.hpp"
#include "drsmon/http/message.hpp"
#include "drsmon/http/proxy.hpp"

#include <cstdlib>

namespace drsmon::http {

namespace {

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Removes a ":port" suffix and IPv6 brackets from a NO_PROXY entry.
std::string_view entry_host(std::string_view entry) noexcept
{
    if (entry.starts_with('['))
    {
        const auto close = entry.find(']');
        return close == std::string_view::npos ? entry.substr(1) : entry.substr(1, close - 1);
    }
    const auto colon = entry.find(':');
    // More than one colon: a bare IPv6 literal, which has no port.
    if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos)
        return entry.substr(0, colon);
    return entry;
}

bool ends_with_icase(std::string_view s, std::string_view suffix) noexcept
{
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

std::optional<std::string> first_set(const env_lookup& env, const char* a, const char* b)
{
    for (const char* name : {a, b})
    {
        if (auto value = env(name); value && !value->empty())
            return value;
    }
    return std::nullopt;
}

}  // namespace

bool no_proxy_matches(std::string_view no_proxy, std::string_view host) noexcept
{
    if (host.starts_with('[') && host.ends_with(']'))
        host = host.substr(1, host.size() - 2);
    while (!no_proxy.empty())
    {
        const auto sep = no_proxy.find_first_of(", ");
        std::string_view entry = trim(no_proxy.substr(0, sep));
        no_proxy = sep == std::string_view::npos ? std::string_view() : no_proxy.substr(sep + 1);
        if (entry.empty())
            continue;
        if (entry == "*")
            return true;
        entry = entry_host(entry);
        if (entry.starts_with("*."))
            entry.remove_prefix(1);
        if (entry.starts_with('.'))
            entry.remove_prefix(1);
        if (entry.empty())
            continue;
        if (iequals(host, entry))
            return true;
        // Domain suffix: "example.com" matches "api.example.com" but not "badexample.com".
        if (host.size() > entry.size() && ends_with_icase(host, entry) &&
            host[host.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

env_lookup process_environment()
{
    return [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (!value)
            return std::nullopt;
        return std::string(value);
    };
}

core::result<std::optional<url>> select_proxy(
    const url& target,
    const client_options& opts,
    const env_lookup& env
)
{
    std::optional<std::string> proxy;
    if (!opts.proxy_url.empty())
        proxy = opts.proxy_url;
    else if (opts.use_environment_proxy)
        proxy = target.is_tls() ? first_set(env, "HTTPS_PROXY", "https_proxy")
                                : first_set(env, "HTTP_PROXY", "http_proxy");
    if (!proxy)
        return std::optional<url>();
    if (opts.use_environment_proxy)
    {
        if (auto no_proxy = first_set(env, "NO_PROXY", "no_proxy");
            no_proxy && no_proxy_matches(*no_proxy, target.host))
            return std::optional<url>();
    }
    // A bare "host:port" is accepted as http://host:port, as curl does.
    std::string text = *proxy;
    if (text.find("://") == std::string::npos)
        text = "http://" + text;
    auto parsed = parse_url(text);
    if (!parsed)
        // The URL itself is not repeated: it may carry credentials.
        return core::make_error(core::errc::config, "http", "invalid proxy URL (expected http://host:port)");
    if (parsed->is_tls())
        return core::make_error(core::errc::config, "http", "only http:// proxies are supported");
    return std::optional<url>(std::move(*parsed));
}

}  // namespace drsmon::http
