#pragma once

#include "drsmon/core/url.hpp"

namespace drsmon::http {

// The client speaks in core's URL type; the names stay here for the client's callers.
using core::is_ip_literal;
using core::parse_url;
using core::url;

}  // namespace drsmon::http
