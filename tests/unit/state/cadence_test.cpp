#include "drsmon/state/cadence.hpp"

#include <gtest/gtest.h>

using namespace drsmon;
using namespace std::chrono_literals;
using state::cadence;

namespace {
state::job_state job(std::string status, std::string task_type = "FULL_INCR_TRANS")
{
    state::job_state s;
    s.status = std::move(status);
    s.metadata.task_type = std::move(task_type);
    return s;
}
}  // namespace

// Every status of drs-api.md §3.1, an unknown one and none.
TEST(JobCadence, ClassifiesEveryDocumentedStatus)
{
    const struct
    {
        const char* status;
        cadence expected;
    } cases[] = {
        {"CREATING", cadence::watch},
        {"CREATE_FAILED", cadence::watch},
        {"CONFIGURATION", cadence::watch},
        {"STARTJOBING", cadence::transfer},
        {"WAITING_FOR_START", cadence::watch},
        {"START_JOB_FAILED", cadence::watch},
        {"PAUSING", cadence::watch},
        {"PAUSEING", cadence::watch},
        {"FULL_TRANSFER_STARTED", cadence::transfer},
        {"FULL_TRANSFER_FAILED", cadence::watch},
        {"FULL_TRANSFER_COMPLETE", cadence::transfer},
        {"INCRE_TRANSFER_STARTED", cadence::transfer},
        {"INCRE_TRANSFER_FAILED", cadence::watch},
        {"RELEASE_RESOURCE_STARTED", cadence::transfer},
        {"RELEASE_RESOURCE_FAILED", cadence::watch},
        {"RELEASE_RESOURCE_COMPLETE", cadence::finished},
        {"REBUILD_NODE_STARTED", cadence::transfer},
        {"REBUILD_NODE_FAILED", cadence::watch},
        {"CHANGE_JOB_STARTED", cadence::transfer},
        {"CHANGE_JOB_FAILED", cadence::watch},
        {"DELETED", cadence::finished},
        {"CHILD_TRANSFER_STARTING", cadence::transfer},
        {"CHILD_TRANSFER_STARTED", cadence::transfer},
        {"CHILD_TRANSFER_COMPLETE", cadence::watch},
        {"CHILD_TRANSFER_FAILED", cadence::watch},
        {"RELEASE_CHILD_TRANSFER_STARTED", cadence::transfer},
        {"RELEASE_CHILD_TRANSFER_COMPLETE", cadence::finished},
        {"NODE_UPGRADE_START", cadence::transfer},
        {"NODE_UPGRADE_COMPLETE", cadence::transfer},
        {"NODE_UPGRADE_FAILED", cadence::watch},
        {"SOME_FUTURE_STATUS", cadence::transfer},
        {"", cadence::watch},
    };
    for (const auto& c : cases)
        EXPECT_EQ(state::cadence_of(job(c.status)), c.expected) << c.status;
}

TEST(JobCadence, AFullOnlyMigrationEndsWithItsFullPhase)
{
    EXPECT_EQ(state::cadence_of(job("FULL_TRANSFER_COMPLETE", "FULL_TRANS")), cadence::finished);
    EXPECT_EQ(state::cadence_of(job("FULL_TRANSFER_COMPLETE", "FULL_INCR_TRANS")), cadence::transfer);
    EXPECT_EQ(state::cadence_of(job("FULL_TRANSFER_COMPLETE", "")), cadence::transfer);
}

TEST(JobCadence, NamesEachClass)
{
    EXPECT_STREQ(state::to_string(cadence::transfer), "transfer");
    EXPECT_STREQ(state::to_string(cadence::watch), "watch");
    EXPECT_STREQ(state::to_string(cadence::finished), "finished");
}

TEST(JobCadence, FinishedJobsGoStaleOnlyAfterTheirLongerInterval)
{
    EXPECT_EQ(state::staleness_limit(job("INCRE_TRANSFER_STARTED"), 5min, 10min), 5min);
    EXPECT_EQ(state::staleness_limit(job("INCRE_TRANSFER_FAILED"), 5min, 10min), 5min);
    EXPECT_EQ(state::staleness_limit(job("RELEASE_RESOURCE_COMPLETE"), 5min, 10min), 15min);
    EXPECT_EQ(state::staleness_limit(job("RELEASE_RESOURCE_COMPLETE"), 5min, 0min), 5min);
}
