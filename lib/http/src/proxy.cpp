#include "drsmon/core/no_proxy.hpp"
#include "drsmon/http/client.hpp"
#include "drsmon/http/proxy.hpp"

namespace drsmon::http {

namespace {

std::optional<std::string> first_set(const core::env_lookup& env, const char* a, const char* b)
{
    for (const char* name : {a, b})
    {
        if (auto value = env(name); value && !value->empty())
            return value;
    }
    return std::nullopt;
}

}  // namespace

core::result<std::optional<url>> select_proxy(
    const url& target,
    const client_options& opts,
    const core::env_lookup& env
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
            no_proxy && core::no_proxy_matches(*no_proxy, target.host))
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
