#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/state/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace drsmon::state {

class durable_files;

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

// The journal: between two saves, the states of the jobs that had events are appended to a
// journal file next to the state file, so that a crash after events were reported cannot report
// them again after the restart (the full state is saved once per polling round only).
// One JSON line per job: {"next_event_seq":N,"job":{...}} or {"next_event_seq":N,"removed":{...}}
// (a key not in `s` is written as removed). The line is written with a single write(2) in
// O_APPEND mode; it survives a kill -9 of the process. With `files` the append is recorded there
// (files.appended(path, created)) and made durable by its fsync policy; without, no fsync.
// Errors: errc::io.
core::result<void> append_journal(
    const store& s,
    const std::vector<job_key>& keys,
    std::uint64_t next_event_seq,
    const std::string& path,
    durable_files* files = nullptr
);

// Applies the lines of a journal newer than `into.next_event_seq` (older ones are already in the
// saved state) to `into`, and raises into.next_event_seq. A missing journal applies nothing; a
// truncated or unreadable last line (a crash while writing) ends the replay. Returns the number of
// jobs written or removed.
std::size_t replay_journal(const std::string& path, loaded_state& into);

// Removes the journal after a successful save (its lines are then in the state file). Errors: errc::io.
core::result<void> clear_journal(const std::string& path);

}  // namespace drsmon::state
