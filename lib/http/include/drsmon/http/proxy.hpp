#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/http/url.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace drsmon::http {

struct client_options;

// True when host is excluded from proxying by a NO_PROXY value: a comma (or space) separated list of
// "*", exact host names, domain suffixes (".example.com" or "example.com" both match
// "api.example.com" and "example.com"), or IP literals. Ports in entries are ignored; matching is
// case-insensitive.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host) noexcept;

// Reads an environment variable; empty optional when unset.
using env_lookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment (std::getenv).
env_lookup process_environment();

// The proxy to use for target, or an empty optional for a direct connection. opts.proxy_url wins;
// otherwise, with use_environment_proxy, HTTPS_PROXY/https_proxy for https targets and
// HTTP_PROXY/http_proxy for http targets. NO_PROXY/no_proxy (when use_environment_proxy) excludes
// hosts from either. Errors: errc::config when the proxy URL does not parse or is not http://.
core::result<std::optional<url>> select_proxy(
    const url& target,
    const client_options& opts,
    const env_lookup& env
);

}  // namespace drsmon::http
