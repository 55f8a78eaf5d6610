#include "drsmon/state/durable_files.hpp"
#include "drsmon/state/persist.hpp"
#include "drsmon/state/state_dir.hpp"

#include <filesystem>

namespace drsmon::state {

namespace fs = std::filesystem;

state_dir::state_dir(std::string path, event_log_options events)
    : path_(std::move(path)),
      state_file_(path_ + "/state.json"),
      journal_file_(path_ + "/state.journal"),
      events_(std::move(events))
{
    events_.state_dir = path_;
}

recovery state_dir::recover(store& into, core::wall_time now) const
{
    recovery r;
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (ec)
        r.directory_error = core::make_error(core::errc::io, path_, "cannot create: " + ec.message());

    loaded_state loaded;
    if (fs::exists(state_file_, ec))
    {
        if (auto file = load(state_file_))
        {
            loaded = std::move(*file);
            r.state_loaded = true;
        }
        else
        {
            r.state_error = file.error();
            if (auto moved = move_aside(state_file_, now))
                r.moved_to = *moved;
        }
    }
    // Jobs whose events were reported after the last save come from the journal; when the state
    // file was missing (killed before the first save) or unreadable, the journal alone holds them.
    r.journal_jobs = replay_journal(journal_file_, loaded);
    loaded.jobs.for_each([&](const job_key& k, const job_state& s) {
        into.upsert(k, s);
        r.restored.insert(k);
    });

    r.events = event_log(events_, next_seq_after_files(events_, loaded.next_event_seq));
    // /api/v1/events keeps serving the events from before the restart.
    if (auto n = r.events.restore_from_file())
        r.events_restored = *n;
    else
        r.events_error = n.error();

    if (fs::exists(journal_file_, ec))
    {
        if (auto saved = save(into, r.events.next_seq(), &r.fold_error); !saved)
            r.fold_error = saved.error();
    }
    return r;
}

core::result<void> state_dir::save(
    const store& s,
    std::uint64_t next_event_seq,
    std::optional<core::error>* journal_error
) const
{
    if (auto r = state::save(s, next_event_seq, state_file_); !r)
        return r;
    if (auto c = clear_journal(journal_file_); !c && journal_error)
        *journal_error = c.error();
    return {};
}

core::result<void> state_dir::journal(
    const store& s,
    const std::vector<job_key>& keys,
    std::uint64_t next_event_seq
) const
{
    // With events.fsync the journal is made durable by the same policy as events.jsonl.
    return append_journal(s, keys, next_event_seq, journal_file_, events_.durable);
}

}  // namespace drsmon::state
