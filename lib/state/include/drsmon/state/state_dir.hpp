#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/state/event_log.hpp"
#include "drsmon/state/store.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace drsmon::state {

// What recover found. The state module does not log: the caller reports these.
struct recovery
{
    event_log events;                            // the ring restored from the events files
    std::set<job_key> restored;                  // jobs that came from state.json or the journal
    bool state_loaded = false;                   // state.json was read
    std::size_t journal_jobs = 0;                // jobs the journal wrote or removed
    std::size_t events_restored = 0;             // events put back into the ring
    std::optional<core::error> directory_error;  // the directory could not be created
    std::optional<core::error> state_error;      // state.json exists but could not be used
    std::optional<std::string> moved_to;         // ... and was renamed to this (nullopt: it could not be)
    std::optional<core::error> events_error;     // an events file could not be read
    std::optional<core::error> fold_error;       // a crash's journal could not be folded into state.json
                                                 // (saved, or removed after the save)
};

// The state directory: state.json (every job's state), state.journal (the states of the jobs
// that had events since the last save) and the events files (events.jsonl, rotated .1 ... .N).
// The only place that names the first two; event_log names the events files.
class state_dir
{
public:
    // `events` configures the event ring and its file sink; its state_dir is set to `path`.
    state_dir(std::string path, event_log_options events);

    // After a (re)start: creates the directory, loads state.json into `into` (an unreadable one is
    // renamed to state.json.corrupt-<UTC time> and the start is fresh), applies the journal's newer
    // lines, continues the event seqs after both the state and the events files, and refills the
    // event ring from the files. A journal left by a crash is folded into a fresh state.json at
    // once, so that later appends start a new journal instead of following a torn last line.
    // Never fails: what went wrong is in the recovery, and the daemon starts with what was read.
    recovery recover(store& into, core::wall_time now) const;

    // Writes state.json atomically, then removes the journal (its lines are now in the state).
    // Errors: errc::io naming the file and the step. A journal that cannot be removed does not fail
    // the save (its lines are not newer than the state, so a replay skips them); that error goes
    // to `journal_error` when given.
    core::result<void> save(
        const store& s,
        std::uint64_t next_event_seq,
        std::optional<core::error>* journal_error = nullptr
    ) const;

    // Appends the states of `keys` (removed when no longer in `s`) to the journal, one line per
    // job with a single write(2), and tells the events' durable_files when one was given (the
    // journal follows events.fsync too). Errors: errc::io.
    core::result<void> journal(const store& s, const std::vector<job_key>& keys, std::uint64_t next_event_seq)
        const;

    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    std::string state_file_;
    std::string journal_file_;
    event_log_options events_;
};

}  // namespace drsmon::state
