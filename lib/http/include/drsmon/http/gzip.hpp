#pragma once

#include "drsmon/core/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace drsmon::http {

// Decodes a gzip stream (one or more members). Never allocates more than limit bytes of output.
// Errors (where "http"): errc::too_large when the decoded size would exceed limit,
// errc::bad_response when the data is not valid gzip or is truncated.
core::result<std::string> gunzip(std::string_view compressed, std::size_t limit);

}  // namespace drsmon::http
