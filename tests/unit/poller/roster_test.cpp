#include "drsmon/poller/roster.hpp"

#include <gtest/gtest.h>

using namespace drsmon;
using ids = std::vector<std::string>;

TEST(JobRoster, PollsConfiguredJobsInOrderThenAsyncOnesOnceEach)
{
    poller::job_roster r({"c", "a", "c"});
    r.add_async("z", "b1");
    r.add_async("a", "b1");  // configured and listed under a batch: polled once
    r.add_async("m", "b2");
    EXPECT_EQ(r.ids(), (ids{"c", "a", "m", "z"}));
    EXPECT_TRUE(r.configured("a"));
    EXPECT_FALSE(r.configured("z"));
}

TEST(JobRoster, LeavesOutGoneJobsUntilReload)
{
    poller::job_roster r({"a", "b"});
    r.add_async("z", "b1");
    EXPECT_TRUE(r.mark_gone("a"));
    EXPECT_FALSE(r.mark_gone("a"));  // reported once
    EXPECT_TRUE(r.mark_gone("z"));
    EXPECT_EQ(r.ids(), (ids{"b"}));
    EXPECT_TRUE(r.gone("a"));
    EXPECT_FALSE(r.gone("b"));
}

TEST(JobRoster, RetiresJobsThatACompleteListingNoLongerNames)
{
    poller::job_roster r({"a"});
    r.add_async("a", "b1");
    r.add_async("x", "b1");
    r.add_async("y", "b1");
    r.add_async("q", "b2");
    EXPECT_EQ(r.retire_async("b1", {"y"}), (ids{"a", "x"}));
    EXPECT_EQ(r.ids(), (ids{"a", "q", "y"}));
    EXPECT_TRUE(r.retire_async("b3", {}).empty());
    EXPECT_EQ(r.retire_async("b2", {}), (ids{"q"}));
}

TEST(JobRoster, StartsNewJobsWithTheirSourceAndBatch)
{
    poller::job_roster r({"a"});
    r.add_async("a", "b1");
    r.add_async("x", "b1");
    const auto configured = r.new_job("a");
    EXPECT_EQ(configured.source, state::source_config);
    EXPECT_EQ(configured.metadata.async_job_id, "b1");
    const auto listed = r.new_job("x");
    EXPECT_EQ(listed.source, state::source_async_batch);
    EXPECT_EQ(listed.metadata.async_job_id, "b1");
    const auto plain = r.new_job("n");
    EXPECT_EQ(plain.source, state::source_config);
    EXPECT_TRUE(plain.metadata.async_job_id.empty());
}

TEST(JobRoster, PollsDiscoveredJobsAfterTheOthersAndConfigWinsAsSource)
{
    poller::job_roster r({"c"});
    r.add_async("a", "b1");
    r.add_discovered("z", "");
    r.add_discovered("c", "");  // configured and discovered: polled once, source config
    r.add_discovered("a", "");  // listed under a batch and discovered: polled once
    r.add_discovered("k", "z");
    EXPECT_EQ(r.ids(), (ids{"c", "a", "k", "z"}));
    EXPECT_EQ(r.new_job("c").source, state::source_config);
    EXPECT_EQ(r.new_job("a").source, state::source_async_batch);
    EXPECT_EQ(r.new_job("z").source, state::source_discovery);
    const auto child = r.new_job("k");
    EXPECT_EQ(child.source, state::source_discovery);
    EXPECT_EQ(child.metadata.parent_id, "z");
    EXPECT_TRUE(r.discovered("k"));
    EXPECT_TRUE(r.in_async_batch("a"));
    EXPECT_FALSE(r.in_async_batch("z"));

    EXPECT_TRUE(r.remove_discovered("k"));
    EXPECT_FALSE(r.remove_discovered("k"));
    EXPECT_FALSE(r.discovered("k"));
    EXPECT_EQ(r.ids(), (ids{"c", "a", "z"}));
    EXPECT_TRUE(r.mark_gone("z"));
    EXPECT_EQ(r.ids(), (ids{"c", "a"}));
}

TEST(JobRoster, KeepsMissingConfiguredJobsOutOfThePollingListUntilFoundAgain)
{
    poller::job_roster r({"a", "b", "c"});
    EXPECT_TRUE(r.mark_missing("c"));
    EXPECT_FALSE(r.mark_missing("c"));  // reported once
    EXPECT_TRUE(r.mark_missing("a"));
    EXPECT_EQ(r.ids(), (ids{"b"}));
    EXPECT_EQ(r.missing_ids(), (ids{"a", "c"}));
    EXPECT_TRUE(r.missing("a"));
    EXPECT_TRUE(r.clear_missing("a"));
    EXPECT_FALSE(r.clear_missing("a"));
    EXPECT_EQ(r.ids(), (ids{"a", "b"}));
    EXPECT_EQ(r.missing_ids(), (ids{"c"}));
}

TEST(MissingJob, KeepsOnlyTheIdentityAndTheApiCode)
{
    poller::job_roster r({"a"});
    state::job_state stored;
    stored.metadata.name = "orders";
    stored.metadata.db_use_type = "sync";
    stored.status = "INCRE_TRANSFER_STARTED";
    stored.progress_ratio = 0.5;
    stored.last_refresh = core::wall_time{std::chrono::seconds(1'700'000'000)};
    const auto s = poller::missing_job(r, "a", &stored, "DRS.M00289");
    EXPECT_EQ(s.metadata, stored.metadata);
    EXPECT_TRUE(s.status.empty());
    EXPECT_FALSE(s.progress_ratio);
    EXPECT_FALSE(s.last_refresh);
    EXPECT_EQ(s.source, state::source_config);
    EXPECT_EQ(s.api_error.code, "DRS.M00289");
    EXPECT_FALSE(s.api_error.message_short.empty());
    const auto fresh = poller::missing_job(r, "a", nullptr, "DRS.10000010");
    EXPECT_TRUE(fresh.metadata.name.empty());
    EXPECT_EQ(fresh.api_error.code, "DRS.10000010");

    EXPECT_TRUE(poller::newly_not_found(nullptr, "DRS.M00289"));
    EXPECT_TRUE(poller::newly_not_found(&stored, "DRS.M00289"));
    EXPECT_FALSE(poller::newly_not_found(&s, "DRS.M00289"));  // restored after a restart
    EXPECT_TRUE(poller::newly_not_found(&s, "DRS.M05004"));
}
