#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <string_view>

namespace drsmon::state::detail {

// boost::json::parse, except that every double is read from its text with std::from_chars
// (correctly rounded), so that what json_writer wrote reads back exactly. Sets `ec` and returns
// null on invalid JSON or text after the document.
boost::json::value parse_exact(std::string_view text, boost::system::error_code& ec);

}  // namespace drsmon::state::detail
