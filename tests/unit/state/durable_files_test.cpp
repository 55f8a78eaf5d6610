#include "drsmon/state/durable_files.hpp"
#include "drsmon/state/event_log.hpp"
#include "drsmon/state/persist.hpp"
#include "drsmon/state/store.hpp"

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace drsmon::state {
namespace {

void append_line(const std::string& path)
{
    std::ofstream(path, std::ios::binary | std::ios::app) << "line\n";
}

std::vector<event> one_event(const std::string& job_id)
{
    event e;
    e.time = testing::at(1'700'000'000);
    e.project = "proj";
    e.job_id = job_id;
    e.kind = event_kind::status_changed;
    e.from = "FULL_TRANSFER_STARTED";
    e.to = "INCRE_TRANSFER_STARTED";
    return {e};
}

TEST(FsyncPolicy, NamesRoundTripAndUnknownNamesAreRejected)
{
    for (auto p : {fsync_policy::never, fsync_policy::round, fsync_policy::always})
        EXPECT_EQ(core::fsync_policy_names.parse(to_string(p)), p);
    EXPECT_EQ(core::fsync_policy_names.parse("Round"), std::nullopt);
    EXPECT_EQ(core::fsync_policy_names.parse(""), std::nullopt);
}

TEST(DurableFiles, NeverSyncsAnything)
{
    testing::temp_dir dir;
    durable_files files(fsync_policy::never);
    append_line(dir.file("a"));
    ASSERT_TRUE(files.appended(dir.file("a"), true));
    EXPECT_EQ(files.pending(), 0u);
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 0u);
}

TEST(DurableFiles, RoundSyncsEachFileOnceAtTheEndOfTheRound)
{
    testing::temp_dir dir;
    append_line(dir.file("events"));
    append_line(dir.file("journal"));
    durable_files files(fsync_policy::round);
    for (int i = 0; i < 3; ++i)
    {
        append_line(dir.file("events"));
        ASSERT_TRUE(files.appended(dir.file("events"), false));
    }
    ASSERT_TRUE(files.appended(dir.file("journal"), false));
    EXPECT_EQ(files.syncs(), 0u);  // nothing before the round ends
    EXPECT_EQ(files.pending(), 2u);
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 2u);  // one fdatasync per file, not per append
    EXPECT_EQ(files.pending(), 0u);
    ASSERT_TRUE(files.sync());  // a round that wrote nothing costs nothing
    EXPECT_EQ(files.syncs(), 2u);
}

TEST(DurableFiles, ACreatedFileAlsoSyncsItsDirectory)
{
    testing::temp_dir dir;
    durable_files files(fsync_policy::round);
    append_line(dir.file("events"));
    ASSERT_TRUE(files.appended(dir.file("events"), true));
    append_line(dir.file("events"));
    ASSERT_TRUE(files.appended(dir.file("events"), false));  // still created in this round
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 2u);  // the file and its directory
}

TEST(DurableFiles, AlwaysSyncsEveryAppendBeforeReturning)
{
    testing::temp_dir dir;
    durable_files files(fsync_policy::always);
    append_line(dir.file("events"));
    ASSERT_TRUE(files.appended(dir.file("events"), true));
    EXPECT_EQ(files.syncs(), 2u);
    append_line(dir.file("events"));
    ASSERT_TRUE(files.appended(dir.file("events"), false));
    EXPECT_EQ(files.syncs(), 3u);
    EXPECT_EQ(files.pending(), 0u);
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 3u);
}

TEST(DurableFiles, AFailedSyncNamesTheFileAndKeepsItPending)
{
    testing::temp_dir dir;
    durable_files files(fsync_policy::always);
    auto r = files.appended(dir.file("missing"), false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), core::errc::io);
    EXPECT_NE(r.error().to_string().find("missing"), std::string::npos) << r.error().to_string();
    EXPECT_NE(r.error().to_string().find("fdatasync"), std::string::npos) << r.error().to_string();
    EXPECT_EQ(files.pending(), 1u);  // retried at the next sync point
    // A pending file that is gone by then (the journal cleared by a save) has nothing left to
    // make durable: dropped without an error.
    files.set_policy(fsync_policy::round);
    append_line(dir.file("journal"));
    ASSERT_TRUE(files.appended(dir.file("journal"), false));
    std::filesystem::remove(dir.file("journal"));
    EXPECT_TRUE(files.sync());
    EXPECT_EQ(files.pending(), 0u);
}

TEST(DurableFiles, TheEventLogReportsEveryAppendAndTheFilesItCreates)
{
    testing::temp_dir dir;
    durable_files files(fsync_policy::round);
    event_log_options o;
    o.state_dir = dir.path().string();
    auto sample = one_event("job-0");
    sample[0].seq = 1;
    o.max_file_bytes = 2 * (to_json_line(sample[0]).size() + 1);  // two lines: the third rotates
    o.max_files = 1;
    o.durable = &files;
    event_log log(o);
    auto first = one_event("job-1");
    ASSERT_TRUE(log.append(first));
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 2u);  // created: file and directory
    auto second = one_event("job-2");
    ASSERT_TRUE(log.append(second));
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 3u);
    auto third = one_event("job-3");
    ASSERT_TRUE(log.append(third));
    ASSERT_TRUE(std::filesystem::exists(dir.file("events.jsonl.1")));
    ASSERT_TRUE(files.sync());
    EXPECT_EQ(files.syncs(), 5u);  // a rotation creates the file again
}

TEST(DurableFiles, TheJournalIsReportedAsCreatedAfterEveryClear)
{
    testing::temp_dir dir;
    durable_files files(fsync_policy::always);
    store s;
    const job_key k{"proj", "job-1"};
    job_state st;
    st.status = "INCRE_TRANSFER_STARTED";
    s.upsert(k, st);
    const auto path = dir.file("state.journal");
    ASSERT_TRUE(append_journal(s, {k}, 2, path, &files));
    EXPECT_EQ(files.syncs(), 2u);
    ASSERT_TRUE(append_journal(s, {k}, 3, path, &files));
    EXPECT_EQ(files.syncs(), 3u);
    ASSERT_TRUE(clear_journal(path));
    ASSERT_TRUE(append_journal(s, {k}, 4, path, &files));
    EXPECT_EQ(files.syncs(), 5u);
    ASSERT_TRUE(append_journal(s, {}, 4, path, &files));  // no keys: nothing written, nothing synced
    EXPECT_EQ(files.syncs(), 5u);
}

}  // namespace
}  // namespace drsmon::state
