#pragma once

#include "drsmon/core/env.hpp"

namespace drsmon::config {

// The loader's environment lookups are core's; the names stay here for the loader's callers.
using core::env_lookup;
using core::process_env;

}  // namespace drsmon::config
