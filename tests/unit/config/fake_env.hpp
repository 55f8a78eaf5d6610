#pragma once

#include "drsmon/config/env.hpp"

#include <map>
#include <string>

namespace drsmon::config::testing {

// An environment made of a fixed map, so tests never read or change the process's.
inline env_lookup fake_env(std::map<std::string, std::string, std::less<>> vars = {})
{
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

}  // namespace drsmon::config::testing
