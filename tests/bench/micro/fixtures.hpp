#pragma once

#include "drsmon/state/job_state.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Realistic inputs for the micro-benchmarks, built from the API fixtures in tests/data/drs_api
// and from fully populated job states. Everything is deterministic.
namespace drsmon::bench {

// The fixture `name` (tests/data/drs_api/<name>) with its list `list_key` grown to `n` items by
// cycling the fixture's items (and those of `extra_fixture`'s list, when given), each item given a
// distinct job ID. Count fields ("count", "total_count") are set to n. Throws on a missing file.
std::string replicate_fixture(
    std::string_view name,
    std::string_view list_key,
    std::size_t n,
    std::string_view extra_fixture = {}
);

// A job ID like the API's ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxjb101"), distinct for every index.
std::string job_id(std::size_t index);

// A job state with every field the monitor knows filled in (39 pre-check items, 9 init object
// types, all node metrics, 5 progress phases), in an incremental-transfer status.
state::job_state populated_job(std::size_t index);

}  // namespace drsmon::bench
