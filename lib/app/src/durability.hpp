#pragma once

#include "drsmon/config/config.hpp"
#include "drsmon/state/durable_files.hpp"

namespace drsmon::app {

// The state library's policy for the configured global.events.fsync.
inline state::fsync_policy fsync_policy_of(config::fsync_mode m) noexcept
{
    switch (m)
    {
    case config::fsync_mode::never: return state::fsync_policy::never;
    case config::fsync_mode::always: return state::fsync_policy::always;
    case config::fsync_mode::round: break;
    }
    return state::fsync_policy::round;
}

}  // namespace drsmon::app
