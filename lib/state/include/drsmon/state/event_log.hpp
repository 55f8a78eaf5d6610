#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/core/json_writer.hpp"
#include "drsmon/state/diff.hpp"
#include "drsmon/state/durable_files.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace drsmon::state {

struct event_log_options
{
    std::size_t capacity = 1000;               // events kept in memory
    std::string state_dir;                     // empty = no file sink; else state_dir/events.jsonl
    std::uint64_t max_file_bytes = 10u << 20;  // rotate events.jsonl before it grows past this
    unsigned max_files = 5;                    // rotated files kept: events.jsonl.1 ... .N
    durable_files* durable = nullptr;          // told of every append to the file (events.fsync)
};

// A bounded in-memory ring of events with monotonically increasing sequence numbers,
// optionally mirrored to a size-rotated JSON-lines file.
class event_log
{
public:
    explicit event_log(event_log_options options = {}, std::uint64_t next_seq = 1);

    // Assigns seqs to `events` (in place, in order), keeps them in the ring and counts them.
    // When a file sink is configured, appends one JSON line per event, rotating first when
    // the file would grow past max_file_bytes, and then tells options.durable (which may sync
    // it). The events are kept in memory even when the file write or sync fails; the error
    // (errc::io) is returned.
    core::result<void> append(std::vector<event>& events);

    // After a restart: fills the ring with the newest events of the file sink (events.jsonl.1
    // then events.jsonl) whose seq is below next_seq(). Malformed lines are skipped; counts()
    // is not changed. Returns how many events were restored; a missing file restores 0.
    // Errors: errc::io when a file exists but cannot be read.
    core::result<std::size_t> restore_from_file();

    // Up to `limit` events with seq > `after_seq`, oldest first.
    std::vector<event> since(std::uint64_t after_seq, std::size_t limit) const;

    // The seq the next appended event gets (persisted so seqs survive restarts).
    std::uint64_t next_seq() const noexcept { return next_seq_; }

    std::size_t size() const noexcept { return ring_.size(); }

    // Events appended since start, per (project, kind).
    const std::map<std::pair<std::string, event_kind>, std::uint64_t>& counts() const noexcept
    {
        return counts_;
    }

    // The path of the active file, or empty without a sink.
    std::string file_path() const;

private:
    core::result<void> write_file(const std::vector<event>& events);

    event_log_options options_;
    std::uint64_t next_seq_;
    std::deque<event> ring_;
    std::map<std::pair<std::string, event_kind>, std::uint64_t> counts_;
};

// The seq after the newest event in the file sink of `options` (events.jsonl.1, events.jsonl), or
// `at_least` when that is larger. After a crash the files may hold events newer than the saved
// state: an event log continuing from here hands out no seq twice. Unreadable lines are skipped.
std::uint64_t next_seq_after_files(const event_log_options& options, std::uint64_t at_least);

// One compact JSON object: seq, time (RFC 3339 UTC, ms), project, job_id, job_name, kind, from,
// to, detail, after_restart. The events file and the events API both write events with it.
void write_json(core::json_writer& w, const event& e);

// The object of write_json as one line of text (no trailing newline).
std::string to_json_line(const event& e);

// Parses a line written by to_json_line. Errors: errc::bad_response.
core::result<event> from_json_line(std::string_view line);

// A logfmt line (key=value, values quoted when needed) with the same fields.
std::string to_logfmt(const event& e);

// RFC 3339 UTC with milliseconds: 2024-01-02T03:04:05.678Z.
std::string format_rfc3339(core::wall_time t);

}  // namespace drsmon::state
