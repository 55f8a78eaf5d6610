#pragma once

#include "drsmon/config/discovery.hpp"

#include "yaml_reader.hpp"

namespace drsmon::config::detail {

// Reads and checks projects[].discovery (`f`); fails (throws `invalid`) with the key's line and
// path at the first problem: an unknown key, an api other than v3 and v5, tags with api v5, a
// db_use_type outside migration, sync and
// cloudDataGuard, a status that is not an upper-case DRS status name or is both kept and
// excluded, a regular expression that is not valid ECMAScript, tags that are not a mapping of
// single values, an empty enterprise_project_id, max_jobs outside 1..100000.
discovery_config read_discovery(const parser& p, const field& f);

}  // namespace drsmon::config::detail
