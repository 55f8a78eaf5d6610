#include "drsmon/state/persist.hpp"
#include "drsmon/state/state_dir.hpp"

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace drsmon::state {
namespace {

using testing::at;
using testing::with_status;

const job_key saved_job{"proj-a", "job-1"};
const job_key journal_job{"proj-a", "job-2"};

event an_event(const job_key& k)
{
    event e;
    e.time = at(1'700'000'000);
    e.project = k.project;
    e.job_id = k.job_id;
    e.kind = event_kind::status_changed;
    return e;
}

class StateDir : public ::testing::Test
{
protected:
    // A directory as a daemon killed after its last save leaves it: state.json at seq 5, then
    // a journal line at seq 7 and events up to seq 8 in events.jsonl.
    void leave_a_crashed_daemons_files()
    {
        store saved;
        saved.upsert(saved_job, with_status("CONFIGURATION"));
        ASSERT_TRUE(save(saved, 5, dir_.file("state.json")));
        saved.upsert(journal_job, with_status("INCRE_TRANSFER_STARTED"));
        ASSERT_TRUE(append_journal(saved, {journal_job}, 7, dir_.file("state.journal")));
        event_log_options opts;
        opts.state_dir = dir_.path().string();
        event_log log(opts, 5);
        std::vector<event> evs{
            an_event(saved_job),
            an_event(journal_job),
            an_event(journal_job),
            an_event(saved_job)};
        ASSERT_TRUE(log.append(evs));
    }

    state_dir files() const { return state_dir(dir_.path().string(), event_log_options{}); }

    testing::temp_dir dir_;
};

TEST_F(StateDir, AFirstStartCreatesTheDirectoryAndRestoresNothing)
{
    const auto sub = (dir_.path() / "a" / "b").string();
    store s;
    auto r = state_dir(sub, event_log_options{}).recover(s, at(1'700'000'000));
    EXPECT_TRUE(std::filesystem::is_directory(sub));
    EXPECT_FALSE(r.directory_error);
    EXPECT_FALSE(r.state_loaded);
    EXPECT_FALSE(r.state_error);
    EXPECT_TRUE(r.restored.empty());
    EXPECT_EQ(r.events.next_seq(), 1u);
    EXPECT_EQ(r.events.file_path(), sub + "/events.jsonl");
    EXPECT_TRUE(s.empty());
}

TEST_F(StateDir, RestoresTheStateTheJournalAndTheEventsAfterACrash)
{
    leave_a_crashed_daemons_files();
    store s;
    auto r = files().recover(s, at(1'700'000'000));
    EXPECT_TRUE(r.state_loaded);
    EXPECT_EQ(r.journal_jobs, 1u);
    EXPECT_EQ(r.restored, (std::set<job_key>{saved_job, journal_job}));
    ASSERT_NE(s.find(journal_job), nullptr);
    EXPECT_EQ(s.find(journal_job)->status, "INCRE_TRANSFER_STARTED");
    // Seqs continue after the events file (5..8), which is newer than the saved state.
    EXPECT_EQ(r.events.next_seq(), 9u);
    EXPECT_EQ(r.events_restored, 4u);
    EXPECT_EQ(r.events.since(0, 10).front().seq, 5u);
    // The journal is folded into state.json at once.
    EXPECT_FALSE(r.fold_error);
    EXPECT_FALSE(std::filesystem::exists(dir_.file("state.journal")));
    auto reloaded = load(dir_.file("state.json"));
    ASSERT_TRUE(reloaded);
    EXPECT_EQ(reloaded->next_event_seq, 9u);
    EXPECT_EQ(reloaded->jobs.snapshot(), s.snapshot());
}

TEST_F(StateDir, MovesAnUnreadableStateFileAsideAndKeepsWhatTheJournalHolds)
{
    leave_a_crashed_daemons_files();
    std::ofstream(dir_.file("state.json"), std::ios::trunc)
        << "{\"format\": \"drs-monitor-state\", \"jobs\": [tru";
    store s;
    auto r = files().recover(s, at(1'700'000'000));
    EXPECT_FALSE(r.state_loaded);
    ASSERT_TRUE(r.state_error);
    EXPECT_EQ(r.state_error->kind(), core::errc::bad_response);
    ASSERT_TRUE(r.moved_to);
    EXPECT_EQ(*r.moved_to, dir_.file("state.json.corrupt-20231114T221320Z"));
    EXPECT_TRUE(std::filesystem::exists(*r.moved_to));
    EXPECT_EQ(r.restored, (std::set<job_key>{journal_job}));
    EXPECT_EQ(r.events.next_seq(), 9u);
}

TEST_F(StateDir, SaveReplacesTheStateAndEndsTheJournal)
{
    store s;
    s.upsert(saved_job, with_status("CONFIGURATION"));
    const auto d = files();
    ASSERT_TRUE(d.journal(s, {saved_job}, 3));
    EXPECT_TRUE(std::filesystem::exists(dir_.file("state.journal")));
    ASSERT_TRUE(d.save(s, 4));
    EXPECT_FALSE(std::filesystem::exists(dir_.file("state.journal")));
    auto loaded = load(dir_.file("state.json"));
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->next_event_seq, 4u);
    EXPECT_EQ(loaded->jobs.snapshot(), s.snapshot());
}

}  // namespace
}  // namespace drsmon::state
