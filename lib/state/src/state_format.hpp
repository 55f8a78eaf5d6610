#pragma once

// The state file's format, shared by its writer (state_write.cpp) and reader (state_read.cpp);
// the files themselves are read and written in state_file.cpp.

#include "drsmon/core/clock.hpp"
#include "drsmon/state/persist.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace drsmon::state::detail {

inline constexpr std::string_view format_name = "drs-monitor-state";
inline constexpr std::int64_t format_version = 1;

// Times are stored as integer nanoseconds since the Unix epoch so they round-trip exactly.
inline std::int64_t to_ns(core::wall_time t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

inline core::wall_time from_ns(std::int64_t ns)
{
    return core::wall_time(std::chrono::duration_cast<core::wall_time::duration>(std::chrono::nanoseconds(ns))
    );
}

using chunk_sink = std::function<void(std::string_view)>;

// Writes the state document and hands it to `sink`: in pieces whenever more than `chunk` bytes
// are pending (so that the whole text of a large state is never in memory at once) and at the end;
// with `chunk` 0, all of it at the end.
void write_state(const store& s, std::uint64_t seq, std::size_t chunk, const chunk_sink& sink);

// Appends the journal line of `key` (its state, or "removed" when `s` does not hold it) and '\n'.
void write_journal_line(std::string& out, const store& s, const job_key& key, std::uint64_t next_event_seq);

enum class journal_line
{
    applied,  // the job was written into or removed from the state
    older,    // the line is not newer than the saved state: nothing to do
    invalid,  // cut short by a crash or not a journal line: the replay ends here
};

// Applies one journal line to `into` when it is newer than `saved_seq` (the state file's
// next_event_seq), raising into.next_event_seq.
journal_line apply_journal_line(std::string_view text, std::uint64_t saved_seq, loaded_state& into);

}  // namespace drsmon::state::detail
