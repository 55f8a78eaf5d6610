#include "drsmon/state/persist.hpp"

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace drsmon::state {
namespace {

using testing::with_status;

const job_key job_a{"proj-a", "job-1"};
const job_key job_b{"proj-b", "job-2"};
const job_key job_c{"proj-b", "job-3"};

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

void append_raw(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

// Saves `s` at `seq` and loads it back, as the daemon does on start.
loaded_state saved_and_loaded(const store& s, std::uint64_t seq, const std::string& path)
{
    auto saved = save(s, seq, path);
    EXPECT_TRUE(saved.has_value()) << saved.error().to_string();
    auto loaded = load(path);
    EXPECT_TRUE(loaded.has_value()) << loaded.error().to_string();
    return loaded ? std::move(*loaded) : loaded_state{};
}

class StateJournal : public ::testing::Test
{
protected:
    testing::temp_dir dir_;
    const std::string state_path_ = dir_.file("state.json");
    const std::string journal_path_ = dir_.file("state.journal");
};

TEST_F(StateJournal, ALineNewerThanTheSavedStateIsAppliedWithItsSeq)
{
    store s;
    s.upsert(job_a, with_status("CONFIGURATION"));
    s.upsert(job_b, with_status("FULL_TRANSFER_STARTED"));
    loaded_state into = saved_and_loaded(s, 10, state_path_);

    s.upsert(job_a, testing::full_job());
    ASSERT_TRUE(append_journal(s, {job_a}, 12, journal_path_).has_value());

    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.next_event_seq, 12u);
    const auto* a = into.jobs.find(job_a);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(*a, testing::full_job());
    const auto* b = into.jobs.find(job_b);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->status, "FULL_TRANSFER_STARTED");
}

TEST_F(StateJournal, ANewJobInTheJournalIsAddedToTheSavedState)
{
    store s;
    s.upsert(job_a, with_status("CONFIGURATION"));
    loaded_state into = saved_and_loaded(s, 3, state_path_);

    s.upsert(job_c, with_status("INCRE_TRANSFER_STARTED"));
    ASSERT_TRUE(append_journal(s, {job_c}, 4, journal_path_).has_value());

    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.jobs.size(), 2u);
    ASSERT_NE(into.jobs.find(job_c), nullptr);
    EXPECT_EQ(into.jobs.find(job_c)->status, "INCRE_TRANSFER_STARTED");
}

TEST_F(StateJournal, LinesOlderThanOrEqualToTheSavedSeqAreSkipped)
{
    store s;
    s.upsert(job_a, with_status("OLD"));
    ASSERT_TRUE(append_journal(s, {job_a}, 5, journal_path_).has_value());
    s.upsert(job_a, with_status("EQUAL"));
    ASSERT_TRUE(append_journal(s, {job_a}, 7, journal_path_).has_value());

    s.upsert(job_a, with_status("SAVED"));
    loaded_state into = saved_and_loaded(s, 7, state_path_);

    EXPECT_EQ(replay_journal(journal_path_, into), 0u);
    EXPECT_EQ(into.next_event_seq, 7u);
    ASSERT_NE(into.jobs.find(job_a), nullptr);
    EXPECT_EQ(into.jobs.find(job_a)->status, "SAVED");
}

TEST_F(StateJournal, OnlyTheLinesAfterTheSavedSeqAreApplied)
{
    store s;
    s.upsert(job_a, with_status("BEFORE_SAVE"));
    ASSERT_TRUE(append_journal(s, {job_a}, 4, journal_path_).has_value());
    loaded_state into = saved_and_loaded(s, 4, state_path_);

    s.upsert(job_a, with_status("AFTER_SAVE"));
    ASSERT_TRUE(append_journal(s, {job_a}, 6, journal_path_).has_value());

    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.next_event_seq, 6u);
    EXPECT_EQ(into.jobs.find(job_a)->status, "AFTER_SAVE");
}

TEST_F(StateJournal, AllJobsOfOneAppendShareItsSeqAndAreApplied)
{
    loaded_state into = saved_and_loaded(store{}, 20, state_path_);

    store s;
    s.upsert(job_a, with_status("A"));
    s.upsert(job_b, with_status("B"));
    s.upsert(job_c, with_status("C"));
    ASSERT_TRUE(append_journal(s, {job_a, job_b, job_c}, 23, journal_path_).has_value());

    EXPECT_EQ(replay_journal(journal_path_, into), 3u);
    EXPECT_EQ(into.next_event_seq, 23u);
    EXPECT_EQ(into.jobs.snapshot(), s.snapshot());
}

TEST_F(StateJournal, LaterLinesOverrideEarlierOnesForTheSameJob)
{
    loaded_state into = saved_and_loaded(store{}, 1, state_path_);

    store s;
    s.upsert(job_a, with_status("FIRST"));
    ASSERT_TRUE(append_journal(s, {job_a}, 2, journal_path_).has_value());
    s.upsert(job_a, with_status("SECOND"));
    ASSERT_TRUE(append_journal(s, {job_a}, 3, journal_path_).has_value());

    EXPECT_EQ(replay_journal(journal_path_, into), 2u);
    EXPECT_EQ(into.next_event_seq, 3u);
    EXPECT_EQ(into.jobs.find(job_a)->status, "SECOND");
}

TEST_F(StateJournal, AKeyMissingFromTheStoreIsJournalledAsRemovedAndRemovedOnReplay)
{
    store s;
    s.upsert(job_a, with_status("A"));
    s.upsert(job_b, with_status("B"));
    loaded_state into = saved_and_loaded(s, 8, state_path_);

    s.erase(job_b);
    ASSERT_TRUE(append_journal(s, {job_b}, 9, journal_path_).has_value());
    EXPECT_NE(read_file(journal_path_).find("\"removed\""), std::string::npos);

    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.next_event_seq, 9u);
    EXPECT_EQ(into.jobs.find(job_b), nullptr);
    EXPECT_NE(into.jobs.find(job_a), nullptr);
}

TEST_F(StateJournal, ATruncatedLastLineIsIgnoredAndEarlierLinesAreKept)
{
    loaded_state into = saved_and_loaded(store{}, 1, state_path_);

    store s;
    s.upsert(job_a, with_status("KEPT"));
    ASSERT_TRUE(append_journal(s, {job_a}, 2, journal_path_).has_value());
    s.upsert(job_b, with_status("LOST"));
    ASSERT_TRUE(append_journal(s, {job_b}, 3, journal_path_).has_value());

    // A crash in the middle of the second write: cut the file inside its last line.
    const std::string full = read_file(journal_path_);
    const auto first_end = full.find('\n');
    ASSERT_NE(first_end, std::string::npos);
    const auto cut = first_end + 1 + (full.size() - first_end - 1) / 2;
    std::filesystem::resize_file(journal_path_, cut);

    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.next_event_seq, 2u);
    ASSERT_NE(into.jobs.find(job_a), nullptr);
    EXPECT_EQ(into.jobs.find(job_a)->status, "KEPT");
    EXPECT_EQ(into.jobs.find(job_b), nullptr);
}

TEST_F(StateJournal, ACompleteLastLineWithoutItsNewlineIsStillApplied)
{
    loaded_state into;
    store s;
    s.upsert(job_a, with_status("A"));
    ASSERT_TRUE(append_journal(s, {job_a}, 2, journal_path_).has_value());
    std::filesystem::resize_file(journal_path_, std::filesystem::file_size(journal_path_) - 1);

    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.jobs.find(job_a)->status, "A");
}

TEST_F(StateJournal, ACorruptMiddleLineEndsTheReplayKeepingEarlierLines)
{
    loaded_state into = saved_and_loaded(store{}, 1, state_path_);

    store s;
    s.upsert(job_a, with_status("BEFORE"));
    ASSERT_TRUE(append_journal(s, {job_a}, 2, journal_path_).has_value());
    append_raw(
        journal_path_,
        "{\"next_event_seq\":3,\"job\":{\"project\":\"proj-b\",\"job_id\":\"job-2\",\"status\":42}}\n"
    );
    s.upsert(job_c, with_status("AFTER"));
    ASSERT_TRUE(append_journal(s, {job_c}, 4, journal_path_).has_value());

    // The contract: an unreadable line ends the replay; what came before it stays applied.
    EXPECT_EQ(replay_journal(journal_path_, into), 1u);
    EXPECT_EQ(into.next_event_seq, 2u);
    EXPECT_EQ(into.jobs.find(job_a)->status, "BEFORE");
    EXPECT_EQ(into.jobs.find(job_b), nullptr);
    EXPECT_EQ(into.jobs.find(job_c), nullptr);
}

TEST_F(StateJournal, MalformedLinesOfEveryKindEndTheReplay)
{
    const char* bad_lines[] = {
        "not json at all\n",
        "[1,2,3]\n",
        "{\"next_event_seq\":\"five\",\"job\":{\"project\":\"p\",\"job_id\":\"j\"}}\n",
        "{\"next_event_seq\":5}\n",
        "{\"next_event_seq\":5,\"job\":{\"project\":\"p\"}}\n",
        "{\"next_event_seq\":5,\"removed\":{\"project\":\"proj-a\"}}\n",
        "{\"next_event_seq\":5,\"removed\":\"proj-a/job-1\"}\n",
    };
    for (const char* bad : bad_lines)
    {
        SCOPED_TRACE(bad);
        std::filesystem::remove(journal_path_);
        store s;
        s.upsert(job_a, with_status("A"));
        ASSERT_TRUE(append_journal(s, {job_a}, 2, journal_path_).has_value());
        append_raw(journal_path_, bad);
        s.erase(job_a);
        ASSERT_TRUE(append_journal(s, {job_a}, 6, journal_path_).has_value());

        loaded_state into;
        EXPECT_EQ(replay_journal(journal_path_, into), 1u);
        EXPECT_EQ(into.next_event_seq, 2u);
        ASSERT_NE(into.jobs.find(job_a), nullptr);
        EXPECT_EQ(into.jobs.find(job_a)->status, "A");
    }
}

TEST_F(StateJournal, AJournalWithoutAStateFileRebuildsTheState)
{
    ASSERT_FALSE(std::filesystem::exists(state_path_));
    store s;
    s.upsert(job_a, testing::full_job());
    s.upsert(job_b, with_status("B"));
    ASSERT_TRUE(append_journal(s, {job_a, job_b}, 3, journal_path_).has_value());

    // No state.json: the daemon replays into a default loaded_state (next_event_seq 1).
    loaded_state into;
    EXPECT_EQ(replay_journal(journal_path_, into), 2u);
    EXPECT_EQ(into.next_event_seq, 3u);
    EXPECT_EQ(into.jobs.snapshot(), s.snapshot());
}

TEST_F(StateJournal, AMissingJournalAppliesNothing)
{
    store s;
    s.upsert(job_a, with_status("A"));
    loaded_state into = saved_and_loaded(s, 5, state_path_);

    EXPECT_EQ(replay_journal(journal_path_, into), 0u);
    EXPECT_EQ(into.next_event_seq, 5u);
    EXPECT_EQ(into.jobs.snapshot(), s.snapshot());
}

TEST_F(StateJournal, AppendingNoKeysCreatesNoJournal)
{
    store s;
    s.upsert(job_a, with_status("A"));
    ASSERT_TRUE(append_journal(s, {}, 2, journal_path_).has_value());
    EXPECT_FALSE(std::filesystem::exists(journal_path_));
}

TEST_F(StateJournal, AppendingIntoAMissingDirectoryIsAnIoError)
{
    store s;
    s.upsert(job_a, with_status("A"));
    auto r = append_journal(s, {job_a}, 2, dir_.file("missing/state.journal"));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), core::errc::io);
}

TEST_F(StateJournal, ClearJournalAfterASaveRemovesTheJournal)
{
    store s;
    s.upsert(job_a, with_status("A"));
    ASSERT_TRUE(append_journal(s, {job_a}, 2, journal_path_).has_value());
    ASSERT_TRUE(std::filesystem::exists(journal_path_));

    // The daemon's save: state.json first, then the journal goes.
    ASSERT_TRUE(save(s, 2, state_path_).has_value());
    ASSERT_TRUE(clear_journal(journal_path_).has_value());
    EXPECT_FALSE(std::filesystem::exists(journal_path_));

    auto loaded = load(state_path_);
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(replay_journal(journal_path_, *loaded), 0u);
    EXPECT_EQ(loaded->jobs.find(job_a)->status, "A");
}

TEST_F(StateJournal, ClearingAMissingJournalSucceeds)
{
    EXPECT_TRUE(clear_journal(journal_path_).has_value());
}

TEST_F(StateJournal, ClearingAnUnremovableJournalIsAnIoError)
{
    // A non-empty directory cannot be unlinked: unlink(2) fails with EISDIR.
    std::filesystem::create_directories(journal_path_ + "/sub");
    auto r = clear_journal(journal_path_);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), core::errc::io);
}

TEST_F(StateJournal, AJournalLeftBehindByAFailedClearIsHarmlessAfterTheSave)
{
    store s;
    s.upsert(job_a, with_status("JOURNALLED"));
    ASSERT_TRUE(append_journal(s, {job_a}, 4, journal_path_).has_value());
    s.upsert(job_a, with_status("SAVED_LATER"));
    loaded_state into = saved_and_loaded(s, 9, state_path_);

    EXPECT_EQ(replay_journal(journal_path_, into), 0u);
    EXPECT_EQ(into.jobs.find(job_a)->status, "SAVED_LATER");
    EXPECT_EQ(into.next_event_seq, 9u);
}

}  // namespace
}  // namespace drsmon::state
