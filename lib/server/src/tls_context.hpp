#pragma once

// The server's TLS context from the web configuration's tls_server_config (internal).

#include "drsmon/core/error.hpp"
#include "drsmon/server/web_config.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace drsmon::server::detail {

// Loads the certificate chain, the key (checked against the certificate) and the client CA, and
// sets the minimum TLS version and the client certificate mode (Go's ClientAuthType semantics).
// Errors are config errors naming the file and the tls_server_config key.
core::result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const web_config::tls& t);

}  // namespace drsmon::server::detail
