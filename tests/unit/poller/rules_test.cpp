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
