#pragma once

#include "drsmon/drs_api/requests.hpp"
#include "drsmon/state/job_state.hpp"

#include <optional>
#include <string_view>

namespace drsmon::poller {

// The polling rules that follow a job's life cycle: pure decisions on the stored state, so that
// a round asks an API only for the jobs where its answer can tell something.

// Pre-check results are read while a job is being configured (CONFIGURATION, CREATING), and a
// pre-check that was seen running is followed until it finishes.
bool wants_precheck(const state::job_state& s) noexcept;

// DR initialisation (batch-struct-process) is read for cloudDataGuard jobs that have started and
// are not terminal, until every object type they reported is complete.
bool wants_init(const state::job_state& s) noexcept;

// The batch-struct-detail path segment for an object type as batch-struct-process reports it,
// lowercased ("table", "table_index", ...); nullopt for a type that has no detail listing.
std::optional<drs_api::struct_object_type> detail_type(std::string_view lowered) noexcept;

}  // namespace drsmon::poller
