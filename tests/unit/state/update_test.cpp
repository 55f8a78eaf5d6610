#include "drsmon/state/update.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

namespace drsmon::state {
namespace {

using namespace std::chrono_literals;
using testing::at;

const job_key key{"proj", "job-1"};

job_state observed(std::string status, core::wall_time refreshed)
{
    job_state s;
    s.status = std::move(status);
    s.last_refresh = refreshed;
    return s;
}

TEST(StateUpdate, FirstObservationAddsTheJobAndRecordsWhenItsStatusWasSeen)
{
    store s;
    const auto events = apply_update(s, key, observed("CONFIGURATION", at(100)), at(100));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::job_added);
    const auto* j = s.find(key);
    ASSERT_NE(j, nullptr);
    EXPECT_EQ(j->status_changes, 0u);
    EXPECT_EQ(j->status_changed_at, at(100));
    EXPECT_EQ(j->last_change, at(100));
}

TEST(StateUpdate, CountsStatusTransitionsAndKeepsTheTimeOfTheLastOne)
{
    store s;
    apply_update(s, key, observed("CONFIGURATION", at(100)), at(100));
    apply_update(s, key, observed("STARTJOBING", at(200)), at(200));
    apply_update(s, key, observed("STARTJOBING", at(300)), at(300));
    const auto events = apply_update(s, key, observed("FULL_TRANSFER_STARTED", at(400)), at(400));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::status_changed);
    const auto* j = s.find(key);
    EXPECT_EQ(j->status_changes, 2u);
    EXPECT_EQ(j->status_changed_at, at(400));
}

TEST(StateUpdate, RefreshWithoutChangeKeepsLastChangeButMovesLastRefresh)
{
    store s;
    apply_update(s, key, observed("CONFIGURATION", at(100)), at(100));
    const auto events = apply_update(s, key, observed("CONFIGURATION", at(200)), at(200));
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(s.find(key)->last_change, at(100));
    EXPECT_EQ(s.find(key)->last_refresh, at(200));
}

TEST(StateUpdate, PartialObservationWithoutStatusKeepsTheKnownStatus)
{
    store s;
    apply_update(s, key, observed("INCRE_TRANSFER_STARTED", at(100)), at(100));
    job_state progress_only = *s.find(key);
    progress_only.status.clear();
    progress_only.progress_ratio = 0.4;
    const auto events = apply_update(s, key, progress_only, at(200));
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(s.find(key)->status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(s.find(key)->progress_ratio, 0.4);
    EXPECT_EQ(s.find(key)->last_change, at(200));
}

// A status observation that confirms_status accepts, applied as the poller does (refresh_if moves
// last_refresh alone), must store exactly what apply_update stores for it; otherwise decline.
TEST(StateUpdate, ConfirmStatusMatchesApplyUpdateOrDeclines)
{
    struct observation
    {
        std::string status;
        api_error_state error;
    };
    const std::vector<observation> observations{
        {"INCRE_TRANSFER_STARTED", {}},
        {"", {}},
        {"INCRE_TRANSFER_FAILED", {}},
        {"INCRE_TRANSFER_STARTED", {"DRS.M00289", "job busy"}},
        {"", {"DRS.M00289", "job busy"}},
    };
    for (bool stale : {false, true})
    {
        for (const auto& stored_error : {api_error_state{}, api_error_state{"DRS.M00289", "job busy"}})
        {
            for (const auto& o : observations)
            {
                store base;
                apply_update(base, key, observed("INCRE_TRANSFER_STARTED", at(100)), at(100));
                job_state seeded = *base.find(key);
                seeded.api_error = stored_error;
                seeded.stale = stale;
                base.upsert(key, seeded);

                store fast = base;
                const auto gen = fast.generation();
                const bool confirmed = fast.refresh_if(
                    key.project,
                    key.job_id,
                    at(200),
                    [&](const job_state& b) { return confirms_status(b, o.status, o.error); }
                );

                store slow = base;
                job_state next = *slow.find(key);
                if (!o.status.empty())
                    next.status = o.status;
                next.api_error = o.error;
                next.last_refresh = at(200);
                const auto events = apply_update(slow, key, next, at(200));

                const bool expected = !stale && (o.status.empty() || o.status == "INCRE_TRANSFER_STARTED") &&
                                      o.error == stored_error;
                SCOPED_TRACE(
                    o.status + "/" + o.error.code + " stored error " + stored_error.code +
                    (stale ? " stale" : "")
                );
                EXPECT_EQ(confirmed, expected);
                if (confirmed)
                {
                    EXPECT_TRUE(events.empty());
                    EXPECT_EQ(*fast.find(key), *slow.find(key));
                    EXPECT_GT(fast.generation(), gen);
                }
                else
                {
                    EXPECT_EQ(*fast.find(key), *base.find(key));
                    EXPECT_EQ(fast.generation(), gen);
                }
            }
        }
    }
}

TEST(StateUpdate, RefreshIfDeclinesAnUnknownJob)
{
    store s;
    EXPECT_FALSE(s.refresh_if("proj", "nope", at(1), [](const job_state&) { return true; }));
    EXPECT_TRUE(s.empty());
}

TEST(StateUpdate, RemoveJobReportsRemovalOnlyForKnownJobs)
{
    store s;
    EXPECT_TRUE(remove_job(s, key, at(1)).empty());
    apply_update(s, key, observed("CONFIGURATION", at(100)), at(100));
    const auto events = remove_job(s, key, at(200));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::job_removed);
    EXPECT_EQ(s.find(key), nullptr);
}

TEST(StateStaleness, JobsNotRefreshedWithinTheLimitBecomeStale)
{
    store s;
    apply_update(s, key, observed("INCRE_TRANSFER_STARTED", at(100)), at(100));
    apply_update(s, {"proj", "job-2"}, observed("INCRE_TRANSFER_STARTED", at(150)), at(150));
    apply_update(s, {"proj", "never-refreshed"}, job_state{}, at(100));

    EXPECT_TRUE(mark_stale(s, at(160), 60s).empty());
    const auto events = mark_stale(s, at(200), 60s);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::job_stale);
    EXPECT_EQ(events[0].job_id, "job-1");
    EXPECT_TRUE(s.find(key)->stale);
    EXPECT_FALSE(s.find({"proj", "job-2"})->stale);
    EXPECT_FALSE(s.find({"proj", "never-refreshed"})->stale);
    EXPECT_TRUE(mark_stale(s, at(201), 60s).empty());
}

TEST(StateStaleness, AStaleJobBecomesFreshWhenRefreshed)
{
    store s;
    apply_update(s, key, observed("INCRE_TRANSFER_STARTED", at(100)), at(100));
    mark_stale(s, at(200), 60s);
    ASSERT_TRUE(s.find(key)->stale);
    const auto events = apply_update(s, key, observed("INCRE_TRANSFER_STARTED", at(210)), at(210));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::job_fresh);
    EXPECT_FALSE(s.find(key)->stale);
}

TEST(StateStaleness, MarkStaleAlsoClearsStaleJobsWhoseRefreshIsRecent)
{
    store s;
    auto j = observed("INCRE_TRANSFER_STARTED", at(100));
    s.upsert(key, j);
    j.stale = true;
    s.upsert(key, j);
    const auto events = mark_stale(s, at(120), 60s);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::job_fresh);
}

}  // namespace
}  // namespace drsmon::state
