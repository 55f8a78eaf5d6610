#include "drsmon/core/env.hpp"

#include <cstdlib>

namespace drsmon::core {

env_lookup process_env()
{
    return [](std::string_view name) -> std::optional<std::string> {
        // getenv needs a terminated string; names are short.
        const std::string key(name);
        if (const char* value = std::getenv(key.c_str()))
            return std::string(value);
        return std::nullopt;
    };
}

}  // namespace drsmon::core
