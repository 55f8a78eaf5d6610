#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace drsmon::core {

// Looks up an environment variable: the value, or nullopt when it is not set.
// Injected so tests never touch the process environment.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// The real process environment (std::getenv).
env_lookup process_env();

}  // namespace drsmon::core
