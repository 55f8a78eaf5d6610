#pragma once

#include "drsmon/core/env.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/http/url.hpp"

#include <optional>

namespace drsmon::http {

struct client_options;

// The proxy to use for target, or an empty optional for a direct connection. opts.proxy_url wins;
// otherwise, with use_environment_proxy, HTTPS_PROXY/https_proxy for https targets and
// HTTP_PROXY/http_proxy for http targets. NO_PROXY/no_proxy (when use_environment_proxy) excludes
// hosts from either, with curl's rules (core::no_proxy_matches). Errors: errc::config when the
// proxy URL does not parse or is not http://.
core::result<std::optional<url>> select_proxy(
    const url& target,
    const client_options& opts,
    const core::env_lookup& env
);

}  // namespace drsmon::http
