#include "drsmon/sim/scenario.hpp"
#include "drsmon/sim/world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace drsmon;
using namespace drsmon::sim;

namespace {
world_options opts(std::uint64_t seed, int jobs)
{
    world_options o;
    o.seed = seed;
    o.jobs = jobs;
    return o;
}
}  // namespace

TEST(SimWorld, GeneratesTheSameAccountFromTheSameSeed)
{
    core::manual_clock c1, c2;
    world a(opts(99, 20), c1), b(opts(99, 20), c2);
    ASSERT_EQ(a.jobs().size(), 20u);
    for (std::size_t i = 0; i < a.jobs().size(); ++i)
    {
        EXPECT_EQ(a.jobs()[i].id, b.jobs()[i].id);
        EXPECT_EQ(a.jobs()[i].name, b.jobs()[i].name);
        for (double t : {0.0, 600.0, 7200.0, 86400.0})
        {
            auto sa = a.snapshot(a.jobs()[i], t), sb = b.snapshot(b.jobs()[i], t);
            EXPECT_EQ(sa.status, sb.status);
            EXPECT_EQ(sa.progress, sb.progress);
            EXPECT_EQ(sa.delay, sb.delay);
        }
    }
    world other(opts(100, 20), c1);
    EXPECT_NE(other.jobs()[0].id, a.jobs()[0].id);
}

TEST(SimWorld, MixesJobTypesAndIdsLookLikeRealOnes)
{
    core::manual_clock c;
    world w(opts(5, 12), c);
    std::map<std::string, int> types;
    for (const auto& j : w.jobs())
    {
        ++types[j.db_use_type];
        ASSERT_EQ(j.id.size(), 36u);
        EXPECT_EQ(j.id[8], '-');
        EXPECT_EQ(j.id.substr(31, 2), "jb");
        EXPECT_FALSE(j.db_password.empty());
    }
    EXPECT_EQ(types["migration"], 6);
    EXPECT_EQ(types["sync"], 3);
    EXPECT_EQ(types["cloudDataGuard"], 3);
    EXPECT_EQ(w.batches().size(), 3u);
}

TEST(SimWorld, JobsMoveThroughTheLifeCycleOverTime)
{
    core::manual_clock c;
    world w(opts(3, 40), c);
    std::set<std::string> seen;
    for (const auto& j : w.jobs())
        for (double t = j.created_at; t < 72 * 3600; t += 60)
            seen.insert(w.snapshot(j, t).status);
    for (const char* s :
         {"CREATING",
          "CONFIGURATION",
          "STARTJOBING",
          "FULL_TRANSFER_STARTED",
          "FULL_TRANSFER_COMPLETE",
          "INCRE_TRANSFER_STARTED",
          "INCRE_TRANSFER_FAILED",
          "PAUSING",
          "RELEASE_RESOURCE_COMPLETE"})
        EXPECT_TRUE(seen.count(s)) << s;
}

TEST(SimWorld, RealisticEstateHasTheDocumentedSharesAtTimeZero)
{
    core::manual_clock c;
    auto o = opts(7, 1000);
    o.estate = estate_kind::realistic;
    world w(o, c);
    ASSERT_EQ(w.jobs().size(), 1000u);
    std::map<std::string, int> phases;
    for (const auto& j : w.jobs())
    {
        auto s = w.snapshot(j, 0);
        std::string phase = s.status;
        if (s.status == "RELEASE_RESOURCE_COMPLETE" || s.status == "FULL_TRANSFER_COMPLETE")
        {
            phase = "finished";
            if (s.status == "FULL_TRANSFER_COMPLETE")
            {
                EXPECT_EQ(j.task_type, "FULL_TRANS") << j.id;
            }
        }
        else if (s.status.ends_with("_FAILED"))
        {
            phase = "failed";
            EXPECT_FALSE(s.error_message.empty()) << j.id;
            // Still failed (nobody retried) an hour later.
            EXPECT_EQ(w.snapshot(j, 3500).status, s.status) << j.id;
        }
        ++phases[phase];
    }
    EXPECT_EQ(phases["INCRE_TRANSFER_STARTED"], 400);
    EXPECT_EQ(phases["FULL_TRANSFER_STARTED"], 100);
    EXPECT_EQ(phases["CONFIGURATION"], 100);
    EXPECT_EQ(phases["finished"], 250);
    EXPECT_EQ(phases["failed"], 100);
    EXPECT_EQ(phases["PAUSING"], 50);
    EXPECT_EQ(phases.size(), 6u);
}

TEST(SimWorld, DrPercentSetsTheShareOfDrJobsExactly)
{
    core::manual_clock c;
    for (int share : {0, 20, 25, 100})
    {
        auto o = opts(7, 1000);
        o.dr_percent = share;
        world w(o, c);
        std::map<std::string, int> types;
        for (const auto& j : w.jobs())
            ++types[j.db_use_type];
        EXPECT_EQ(types["cloudDataGuard"], share * 10) << share;
        EXPECT_EQ(types["migration"] + types["sync"], 1000 - share * 10) << share;
        if (share < 100)
        {
            EXPECT_GT(types["sync"], 0) << share;
        }
    }
}

TEST(SimWorld, RealisticEstateJobsLiveOnAfterTimeZero)
{
    core::manual_clock c;
    auto o = opts(7, 200);
    o.estate = estate_kind::realistic;
    world w(o, c);
    int reached_incremental = 0, moving = 0;
    for (const auto& j : w.jobs())
    {
        std::string at0 = w.snapshot(j, 0).status;
        bool passed_precheck = std::none_of(
            j.precheck_items.begin(),
            j.precheck_items.end(),
            [](const auto& i) { return i.result == "FAILED"; }
        );
        if (at0 == "RELEASE_RESOURCE_COMPLETE" || at0 == "FULL_TRANSFER_COMPLETE" || !passed_precheck)
        {
            // Finished jobs and failed pre-checks stay where they are.
            EXPECT_EQ(w.snapshot(j, 72 * 3600).status, at0) << j.id;
            continue;
        }
        ++moving;
        std::set<std::string> seen;
        for (double t = 0; t <= 72 * 3600; t += 300)
            seen.insert(w.snapshot(j, t).status);
        if (seen.count("INCRE_TRANSFER_STARTED"))
            ++reached_incremental;
        if (at0 != "INCRE_TRANSFER_STARTED")
        {
            EXPECT_GT(seen.size(), 1u) << j.id << " stays " << at0;
        }
    }
    EXPECT_EQ(reached_incremental, moving);
    EXPECT_EQ(parse_estate("realistic"), estate_kind::realistic);
    EXPECT_EQ(parse_estate("mixed"), estate_kind::mixed);
    EXPECT_FALSE(parse_estate("busy"));
}

TEST(SimWorld, IncrementalDelayFluctuatesAndIsAbsentBeforeTheIncrementalPhase)
{
    core::manual_clock c;
    world w(opts(11, 0), c);
    job_spec j;
    j.id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeejb201";
    j.timeline = {
        {0, "FULL_TRANSFER_STARTED", 0, {}, {}, {}, {}},
        {100, "INCRE_TRANSFER_STARTED", 100, 10.0, 5.0, {}, {}}};
    w.add_job(j);
    const auto& job = *w.find(j.id);
    EXPECT_FALSE(w.snapshot(job, 50).delay);
    std::set<long> values;
    for (double t = 100; t < 400; t += 10)
    {
        auto d = w.snapshot(job, t).delay;
        ASSERT_TRUE(d);
        EXPECT_GE(*d, 5.0);
        EXPECT_LE(*d, 15.0);
        values.insert(static_cast<long>(*d * 1000));
    }
    EXPECT_GT(values.size(), 5u);
}

TEST(SimWorld, VirtualTimeFollowsTheClockTimesSpeedPlusAdvances)
{
    core::manual_clock c;
    auto o = opts(1, 0);
    o.speed = 60;
    world w(o, c);
    c.advance(std::chrono::seconds(2));
    EXPECT_DOUBLE_EQ(w.now(), 120);
    w.advance(std::chrono::seconds(30));
    EXPECT_DOUBLE_EQ(w.now(), 150);
    w.set_speed(1);
    c.advance(std::chrono::seconds(2));
    EXPECT_DOUBLE_EQ(w.now(), 152);
}

TEST(SimWorld, SetNowPinsAJobAndDropsItsFuture)
{
    core::manual_clock c;
    world w(opts(8, 4), c);
    std::string id = w.jobs()[0].id;
    w.advance(std::chrono::seconds(100));
    keyframe k;
    k.status = "PAUSING";
    ASSERT_TRUE(w.set_now(id, k));
    EXPECT_EQ(w.snapshot(*w.find(id), 100).status, "PAUSING");
    EXPECT_EQ(w.snapshot(*w.find(id), 500000).status, "PAUSING");
    EXPECT_FALSE(w.set_now("nope", k));
}

TEST(SimScenario, LoadsPinnedTimelinesFromAFile)
{
    auto s = load_scenario(std::string(DRSMON_TEST_DATA_DIR) + "/sim/lifecycle.yaml");
    EXPECT_EQ(s.project_id, "0123456789abcdef0123456789abcdef");
    ASSERT_EQ(s.jobs.size(), 3u);
    core::manual_clock c;
    world w(opts(*s.seed, 0), c);
    apply(s, w);
    const auto& j = *w.find("3f0c2a10-4d2b-4c55-9e3a-1b2c3d4jb201");
    EXPECT_EQ(w.snapshot(j, 30).status, "CONFIGURATION");
    EXPECT_EQ(w.snapshot(j, 90).status, "STARTJOBING");
    auto mid = w.snapshot(j, 420);
    EXPECT_EQ(mid.status, "FULL_TRANSFER_STARTED");
    EXPECT_DOUBLE_EQ(mid.progress, 50);
    EXPECT_EQ(w.snapshot(j, 21 * 60).status, "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(w.snapshot(j, 21 * 60).error_message, "binlog purged");
    EXPECT_EQ(w.snapshot(j, 26 * 60).delay, 120.0);
    ASSERT_EQ(w.batches().size(), 1u);
}

TEST(SimScenario, NamesTheLineOfABadKey)
{
    try
    {
        parse_scenario("jobs:\n  - id: x\n    colour: red\n");
        FAIL() << "expected an error";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("colour"), std::string::npos);
    }
    EXPECT_EQ(parse_seconds("5m"), 300.0);
    EXPECT_EQ(parse_seconds("1.5h"), 5400.0);
    EXPECT_FALSE(parse_seconds("soon"));
}
