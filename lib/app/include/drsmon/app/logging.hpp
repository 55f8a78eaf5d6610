#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace drsmon::app {

// Creates the process logger: one line per record on stderr (journald takes
// it), in logfmt ("ts=… level=info msg=…" with the module's own key=value
// pairs) or JSON (the same pairs as an object). `level` is debug, info, warn
// or error. Messages are expected in logfmt form already: `key=value …`.
std::shared_ptr<spdlog::logger> make_logger(const std::string& format, const std::string& level);

// Converts a logfmt message into a JSON object body ("\"k\":\"v\",…"); keys
// without '=' become "msg". Exposed for tests.
std::string logfmt_to_json_fields(std::string_view logfmt);

}  // namespace drsmon::app
