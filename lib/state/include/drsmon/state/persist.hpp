#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/state/store.hpp"

#include <cstdint>
#include <string>

namespace drsmon::state {

// What a state file holds.
struct loaded_state
{
    store jobs;
    std::uint64_t next_event_seq = 1;
};

// The JSON document written to the state file (exposed for tests and tooling).
std::string serialize_state(const store& s, std::uint64_t next_event_seq);

// Parses a document made by serialize_state. Errors: errc::bad_response (where = `origin`).
core::result<loaded_state> parse_state(std::string_view text, const std::string& origin = "state");

// Writes the state atomically: temp file next to `path`, fsync, rename over `path`,
// fsync of the directory. Errors: errc::io with the failing step in detail.
core::result<void> save(const store& s, std::uint64_t next_event_seq, const std::string& path);

// Reads a state file. Errors: errc::not_found when the file does not exist (first start),
// errc::io when it cannot be read, errc::bad_response when it is corrupt (the caller then
// calls move_aside and starts empty).
core::result<loaded_state> load(const std::string& path);

// Renames `path` to `path.corrupt-YYYYMMDDTHHMMSSZ` and returns the new path. Errors: errc::io.
core::result<std::string> move_aside(const std::string& path, core::wall_time now);

}  // namespace drsmon::state
