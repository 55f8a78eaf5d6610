#include "drsmon/state/store.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace drsmon::state {
namespace {

TEST(StateStore, UpsertInsertsAndFindReturnsTheState)
{
    store s;
    job_state j;
    j.status = "CONFIGURATION";
    EXPECT_TRUE(s.upsert({"p1", "job-a"}, j));
    ASSERT_NE(s.find({"p1", "job-a"}), nullptr);
    EXPECT_EQ(s.find({"p1", "job-a"})->status, "CONFIGURATION");
    EXPECT_EQ(s.find({"p2", "job-a"}), nullptr);
    EXPECT_EQ(s.size(), 1u);
}

TEST(StateStore, GenerationChangesOnlyWhenTheStoreChanges)
{
    store s;
    job_state j;
    j.status = "CONFIGURATION";
    const auto g0 = s.generation();
    s.upsert({"p", "a"}, j);
    const auto g1 = s.generation();
    EXPECT_GT(g1, g0);
    EXPECT_FALSE(s.upsert({"p", "a"}, j));
    EXPECT_EQ(s.generation(), g1);
    j.status = "STARTJOBING";
    EXPECT_TRUE(s.upsert({"p", "a"}, j));
    EXPECT_GT(s.generation(), g1);
    const auto g2 = s.generation();
    EXPECT_FALSE(s.erase({"p", "missing"}));
    EXPECT_EQ(s.generation(), g2);
    EXPECT_TRUE(s.erase({"p", "a"}));
    EXPECT_GT(s.generation(), g2);
    EXPECT_TRUE(s.empty());
}

TEST(StateStore, SnapshotIsSortedByProjectThenJobId)
{
    store s;
    s.upsert({"p2", "a"}, {});
    s.upsert({"p1", "z"}, {});
    s.upsert({"p1", "b"}, {});
    const auto snap = s.snapshot();
    ASSERT_EQ(snap.size(), 3u);
    EXPECT_EQ(snap[0].first, (job_key{"p1", "b"}));
    EXPECT_EQ(snap[1].first, (job_key{"p1", "z"}));
    EXPECT_EQ(snap[2].first, (job_key{"p2", "a"}));
}

TEST(StateStore, ForEachVisitsEveryJobInKeyOrder)
{
    store s;
    s.upsert({"p", "b"}, {});
    s.upsert({"p", "a"}, {});
    std::vector<std::string> seen;
    s.for_each([&](const job_key& k, const job_state&) { seen.push_back(k.job_id); });
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST(StateStore, CountsJobsByProjectAndBySource)
{
    store s;
    job_state from_config;
    job_state from_batch;
    from_batch.source = "async_batch";
    s.upsert({"p1", "a"}, from_config);
    s.upsert({"p1", "b"}, from_batch);
    s.upsert({"p1", "c"}, from_batch);
    s.upsert({"p2", "a"}, from_config);
    const auto by_project = s.count_by_project();
    EXPECT_EQ(by_project.at("p1"), 3u);
    EXPECT_EQ(by_project.at("p2"), 1u);
    const auto by_source = s.count_by_project_and_source();
    EXPECT_EQ(by_source.at({"p1", "config"}), 1u);
    EXPECT_EQ(by_source.at({"p1", "async_batch"}), 2u);
    EXPECT_EQ(by_source.at({"p2", "config"}), 1u);
}

TEST(StateStore, ClearRemovesEverything)
{
    store s;
    s.upsert({"p", "a"}, {});
    const auto g = s.generation();
    s.clear();
    EXPECT_TRUE(s.empty());
    EXPECT_GT(s.generation(), g);
}

TEST(StateStore, FindsByProjectAndJobIdWithoutAKey)
{
    store s;
    const std::string long_id = "9a47b8e0-8e30-4b3c-a4ce-a5b2ba4jb21";  // longer than the SSO buffer
    job_state j;
    j.status = "PAUSING";
    s.upsert({"p1", long_id}, j);
    s.upsert({"p1", "short"}, job_state{});
    ASSERT_NE(s.find("p1", long_id), nullptr);
    EXPECT_EQ(s.find("p1", long_id)->status, "PAUSING");
    EXPECT_EQ(s.find("p1", long_id), s.find({"p1", long_id}));
    EXPECT_EQ(s.find("p", "1" + long_id), nullptr);
    EXPECT_EQ(s.find("p1", "shor"), nullptr);
    EXPECT_TRUE(s.erase({"p1", long_id}));
    EXPECT_EQ(s.find("p1", long_id), nullptr);
    EXPECT_NE(s.find("p1", "short"), nullptr);
}

TEST(StateStore, CopiesAndMovesFindTheirOwnStates)
{
    store a;
    for (int i = 0; i < 50; ++i)
        a.upsert({"proj", "job-with-a-long-identifier-" + std::to_string(i)}, job_state{});
    store b = a;
    job_state changed;
    changed.status = "PAUSING";
    b.upsert({"proj", "job-with-a-long-identifier-7"}, changed);
    EXPECT_EQ(a.find("proj", "job-with-a-long-identifier-7")->status, "");
    EXPECT_EQ(b.find("proj", "job-with-a-long-identifier-7")->status, "PAUSING");
    store c;
    c = b;
    b.clear();
    EXPECT_EQ(b.find("proj", "job-with-a-long-identifier-7"), nullptr);
    EXPECT_EQ(c.find("proj", "job-with-a-long-identifier-7")->status, "PAUSING");
    store d = std::move(c);
    EXPECT_EQ(d.find("proj", "job-with-a-long-identifier-7")->status, "PAUSING");
    store e;
    e = std::move(d);
    EXPECT_EQ(e.size(), 50u);
    for (int i = 0; i < 50; ++i)
        EXPECT_NE(e.find("proj", "job-with-a-long-identifier-" + std::to_string(i)), nullptr);
    e.upsert({"proj", "new"}, job_state{});
    EXPECT_NE(e.find("proj", "new"), nullptr);
}

TEST(StateJobKey, IsHashableAndDistinguishesProjectFromJob)
{
    std::unordered_set<job_key> keys;
    keys.insert({"p1", "a"});
    keys.insert({"p1", "a"});
    keys.insert({"p2", "a"});
    keys.insert({"p1", "b"});
    EXPECT_EQ(keys.size(), 3u);
}

TEST(StateJobState, FailedStatusesAreThoseEndingInFailed)
{
    EXPECT_TRUE(is_failed_status("INCRE_TRANSFER_FAILED"));
    EXPECT_TRUE(is_failed_status("NODE_UPGRADE_FAILED"));
    EXPECT_FALSE(is_failed_status("INCRE_TRANSFER_STARTED"));
    EXPECT_FALSE(is_failed_status(""));
    EXPECT_FALSE(is_failed_status("FAILED_SOMETHING"));
}

TEST(StateJobState, DomainDiffersIgnoresBookkeepingFields)
{
    auto a = testing::full_job();
    auto b = a;
    b.last_refresh = testing::at(1);
    b.last_change = testing::at(2);
    b.status_changes = 99;
    b.status_changed_at = testing::at(3);
    b.stale = !a.stale;
    EXPECT_FALSE(domain_differs(a, b));
    b.progress_ratio = 0.8;
    EXPECT_TRUE(domain_differs(a, b));
}

}  // namespace
}  // namespace drsmon::state
