#include "drsmon/poller/rules.hpp"

#include <gtest/gtest.h>

using namespace drsmon;

namespace {

state::job_state job(std::string status, std::string db_use_type = "migration")
{
    state::job_state s;
    s.status = std::move(status);
    s.metadata.db_use_type = std::move(db_use_type);
    return s;
}

}  // namespace

TEST(PollingRules, ReadsPrecheckWhileAJobIsBeingConfigured)
{
    const struct
    {
        const char* status;
        bool wanted;
    } cases[] = {
        {"CONFIGURATION", true},
        {"CREATING", true},
        {"STARTJOBING", false},
        {"INCRE_TRANSFER_STARTED", false},
        {"RELEASE_RESOURCE_COMPLETE", false},
        {"", false},
        {"SOME_NEW_STATUS", false},
    };
    for (const auto& c : cases)
        EXPECT_EQ(poller::wants_precheck(job(c.status)), c.wanted) << c.status;
}

TEST(PollingRules, FollowsARunningPrecheckUntilItFinishes)
{
    auto s = job("STARTJOBING");
    s.precheck.present = true;
    s.precheck.complete = false;
    EXPECT_TRUE(poller::wants_precheck(s));
    s.precheck.complete = true;
    EXPECT_FALSE(poller::wants_precheck(s));
}

TEST(PollingRules, ReadsInitialisationOnlyForStartedDrJobsUntilEveryTypeCompletes)
{
    const struct
    {
        const char* status;
        const char* db_use_type;
        bool wanted;
    } cases[] = {
        {"FULL_TRANSFER_STARTED", "cloudDataGuard", true},
        {"INCRE_TRANSFER_STARTED", "cloudDataGuard", true},
        {"INCRE_TRANSFER_FAILED", "cloudDataGuard", true},
        {"FULL_TRANSFER_STARTED", "migration", false},
        {"FULL_TRANSFER_STARTED", "sync", false},
        {"FULL_TRANSFER_STARTED", "", false},
        {"", "cloudDataGuard", false},
        {"CONFIGURATION", "cloudDataGuard", false},
        {"CREATING", "cloudDataGuard", false},
        {"RELEASE_RESOURCE_COMPLETE", "cloudDataGuard", false},
        {"DELETED", "cloudDataGuard", false},
    };
    for (const auto& c : cases)
        EXPECT_EQ(poller::wants_init(job(c.status, c.db_use_type)), c.wanted)
            << c.status << " " << c.db_use_type;

    auto s = job("INCRE_TRANSFER_STARTED", "cloudDataGuard");
    s.init["table"].status = 2;
    s.init["view"].status = 1;
    EXPECT_TRUE(poller::wants_init(s));
    s.init["view"].status = 2;
    EXPECT_FALSE(poller::wants_init(s));
}

TEST(PollingRules, MapsReportedObjectTypesToTheirDetailListing)
{
    using t = drs_api::struct_object_type;
    EXPECT_EQ(poller::detail_type("table"), t::table);
    EXPECT_EQ(poller::detail_type("database"), t::database);
    EXPECT_EQ(poller::detail_type("table_structure"), t::table_structure);
    // The process API says TABLE_INDEX; the listing's path segment is spelt table_indexs.
    EXPECT_EQ(poller::detail_type("table_index"), t::table_indexs);
    EXPECT_EQ(poller::detail_type("table_indexs"), t::table_indexs);
    // Types without a listing, and names that were not lowercased first.
    EXPECT_EQ(poller::detail_type("sequence"), std::nullopt);
    EXPECT_EQ(poller::detail_type("TABLE"), std::nullopt);
    EXPECT_EQ(poller::detail_type(""), std::nullopt);
}

TEST(PollingRules, ReadsProgressInTransferPhasesAndOnceMoreAfterLeavingThem)
{
    for (const char* moving : {"INCRE_TRANSFER_STARTED", "FULL_TRANSFER_STARTED", "SOME_FUTURE_STATUS"})
        for (bool never_read : {false, true})
            EXPECT_TRUE(poller::wants_progress(job(moving), false, never_read)) << moving;
    for (const char* idle :
         {"CONFIGURATION", "CREATING", "PAUSING", "INCRE_TRANSFER_FAILED", "RELEASE_RESOURCE_COMPLETE", ""})
    {
        EXPECT_FALSE(poller::wants_progress(job(idle), false, false)) << idle;
        // The job was transferring at its last read: one final read exports its last values.
        EXPECT_TRUE(poller::wants_progress(job(idle), true, false)) << idle;
    }
}

TEST(PollingRules, ReadsProgressOnceForAFailedOrPausedJobNeverReadSinceTheStart)
{
    for (const char* stopped :
         {"INCRE_TRANSFER_FAILED", "FULL_TRANSFER_FAILED", "PAUSING", "WAITING_FOR_START"})
        EXPECT_TRUE(poller::wants_progress(job(stopped), false, true)) << stopped;
    for (const char* never : {"CONFIGURATION", "CREATING", "RELEASE_RESOURCE_COMPLETE", "DELETED", ""})
        EXPECT_FALSE(poller::wants_progress(job(never), false, true)) << never;
}

TEST(PollingRules, AsksFinishedJobsForTheirStatusEveryFinishedInterval)
{
    using namespace std::chrono_literals;
    const core::wall_time now{std::chrono::hours(500'000)};
    const poller::round_clock c{now - 1s, now, 30s, 10min};
    auto finished = job("RELEASE_RESOURCE_COMPLETE");
    EXPECT_TRUE(poller::status_due(finished, c, std::nullopt));  // never refreshed
    finished.last_refresh = now - 2min;
    EXPECT_FALSE(poller::status_due(finished, c, std::nullopt));
    finished.last_refresh = now - 10min + 15s;  // within half a poll interval of its time
    EXPECT_TRUE(poller::status_due(finished, c, std::nullopt));
    finished.last_refresh = now - 10min + 16s;
    EXPECT_FALSE(poller::status_due(finished, c, std::nullopt));

    for (const char* every_round :
         {"INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED", "CONFIGURATION", "PAUSING", ""})
    {
        auto s = job(every_round);
        s.last_refresh = now - 30s;
        EXPECT_TRUE(poller::status_due(s, c, now - 30s)) << every_round;
    }
}

TEST(PollingRules, TakesTheStatusFromThisRoundsProgressAnswerAndCrossChecksIt)
{
    using namespace std::chrono_literals;
    const core::wall_time now{std::chrono::hours(500'000)};
    const poller::round_clock c{now - 1s, now, 30s, 10min};
    auto s = job("INCRE_TRANSFER_STARTED");
    s.last_refresh = now - 500ms;  // a batch-progress answer of this round carried the status
    EXPECT_FALSE(poller::status_due(s, c, now - 5min));
    // batch-status itself is asked once per finished_interval (less half a poll interval).
    EXPECT_TRUE(poller::status_due(s, c, now - 10min + 15s));
    EXPECT_TRUE(poller::status_due(s, c, std::nullopt));
    // Refreshed before this round started: the progress answer did not carry the status.
    s.last_refresh = now - 2s;
    EXPECT_TRUE(poller::status_due(s, c, now - 5min));
}
