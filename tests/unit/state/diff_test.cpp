#include "drsmon/state/diff.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>

namespace drsmon::state {
namespace {

using testing::at;

struct expected_event
{
    event_kind kind;
    std::string from;
    std::string to;
};

struct diff_case
{
    const char* name;
    bool before_exists;
    std::function<void(job_state&)> before;
    bool after_exists;
    std::function<void(job_state&)> after;
    std::vector<expected_event> expected;
};

job_state base()
{
    job_state s;
    s.metadata.name = "orders";
    s.status = "INCRE_TRANSFER_STARTED";
    return s;
}

const auto nothing = [](job_state&) {};

// clang-format 14 crashes aligning this nested table (AlignArrayOfStructures), so it is laid out by hand.
// clang-format off
std::vector<diff_case> cases()
{
    return {
        {"NewJob", false, nothing, true, nothing, {{event_kind::job_added, "", "INCRE_TRANSFER_STARTED"}}},
        {"NewFailedJobWithError",
         false,
         nothing,
         true,
         [](job_state& s) {
             s.status = "CREATE_FAILED";
             s.api_error.code = "DRS.M00289";
         },
         {{event_kind::job_added, "", "CREATE_FAILED"},
          {event_kind::job_failed, "", "CREATE_FAILED"},
          {event_kind::api_error_appeared, "", "DRS.M00289"}}},
        {"RemovedJob", true, nothing, false, nothing, {{event_kind::job_removed, "INCRE_TRANSFER_STARTED", ""}}},
        {"StatusTransition",
         true,
         [](job_state& s) { s.status = "FULL_TRANSFER_COMPLETE"; },
         true,
         nothing,
         {{event_kind::status_changed, "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"}}},
        {"StatusBecomesFailed",
         true,
         nothing,
         true,
         [](job_state& s) { s.status = "INCRE_TRANSFER_FAILED"; },
         {{event_kind::status_changed, "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"},
          {event_kind::job_failed, "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"}}},
        {"FailedToOtherFailedIsNotANewFailure",
         true,
         [](job_state& s) { s.status = "INCRE_TRANSFER_FAILED"; },
         true,
         [](job_state& s) { s.status = "RELEASE_RESOURCE_FAILED"; },
         {{event_kind::status_changed, "INCRE_TRANSFER_FAILED", "RELEASE_RESOURCE_FAILED"}}},
        {"FailedJobRecovers",
         true,
         [](job_state& s) { s.status = "INCRE_TRANSFER_FAILED"; },
         true,
         nothing,
         {{event_kind::status_changed, "INCRE_TRANSFER_FAILED", "INCRE_TRANSFER_STARTED"},
          {event_kind::job_recovered, "INCRE_TRANSFER_FAILED", "INCRE_TRANSFER_STARTED"}}},
        {"PrecheckFinishes",
         true,
         [](job_state& s) { s.precheck.present = true; },
         true,
         [](job_state& s) {
             s.precheck.present = true;
             s.precheck.complete = true;
             s.precheck.passed = true;
         },
         {{event_kind::precheck_finished, "unknown", "passed"}}},
        {"PrecheckItemChanges",
         true,
         [](job_state& s) { s.precheck.items = {{"binlog", "config", "PASSED"}}; },
         true,
         [](job_state& s) { s.precheck.items = {{"binlog", "config", "FAILED"}}; },
         {{event_kind::precheck_item_changed, "PASSED", "FAILED"}}},
        {"NewPassedPrecheckItemIsNotNews",
         true,
         nothing,
         true,
         [](job_state& s) { s.precheck.items = {{"binlog", "config", "PASSED"}, {"ttl", "objects", "ALARM"}}; },
         {{event_kind::precheck_item_changed, "", "ALARM"}}},
        {"InitObjectCompletes",
         true,
         [](job_state& s) { s.init["table"] = init_object{1, 10, 5, {}, {}}; },
         true,
         [](job_state& s) { s.init["table"] = init_object{2, 10, 10, {}, {}}; },
         {{event_kind::init_object_completed, "", "table"}}},
        {"ApiErrorAppears",
         true,
         nothing,
         true,
         [](job_state& s) { s.api_error = {"DRS.M05004", "job deleted"}; },
         {{event_kind::api_error_appeared, "", "DRS.M05004"}}},
        {"ApiErrorClears",
         true,
         [](job_state& s) { s.api_error = {"DRS.M05004", "job deleted"}; },
         true,
         nothing,
         {{event_kind::api_error_cleared, "DRS.M05004", ""}}},
        {"ListedErrorAppears",
         true,
         nothing,
         true,
         [](job_state& s) { s.listed_error = "connection lost"; },
         {{event_kind::api_error_appeared, "", "unknown"}}},
        {"ListedErrorChangesItsMessage",
         true,
         [](job_state& s) { s.listed_error = "connection lost"; },
         true,
         [](job_state& s) { s.listed_error = "disk full"; },
         {{event_kind::api_error_appeared, "unknown", "unknown"}}},
        {"ListedErrorClears",
         true,
         [](job_state& s) { s.listed_error = "connection lost"; },
         true,
         nothing,
         {{event_kind::api_error_cleared, "unknown", ""}}},
        {"ListedErrorBesideAnApiError",
         true,
         [](job_state& s) { s.api_error = {"DRS.M05004", "job deleted"}; },
         true,
         [](job_state& s) {
             s.api_error = {"DRS.M05004", "job deleted"};
             s.listed_error = "connection lost";
         },
         {{event_kind::api_error_appeared, "", "unknown"}}},
        {"NewChildWithAListedError",
         false,
         nothing,
         true,
         [](job_state& s) { s.listed_error = "connection lost"; },
         {{event_kind::job_added, "", "INCRE_TRANSFER_STARTED"},
          {event_kind::api_error_appeared, "", "unknown"}}},
        {"AsyncMembershipChanges",
         true,
         nothing,
         true,
         [](job_state& s) { s.metadata.async_job_id = "async-7"; },
         {{event_kind::async_membership_changed, "", "async-7"}}},
        {"CollectStatusChanges",
         true,
         [](job_state& s) { s.collect.status = "pending"; },
         true,
         [](job_state& s) { s.collect.status = "success"; },
         {{event_kind::collect_status_changed, "pending", "success"}}},
        {"JobGoesStale", true, nothing, true, [](job_state& s) { s.stale = true; }, {{event_kind::job_stale, "", ""}}},
        {"JobFreshAgain", true, [](job_state& s) { s.stale = true; }, true, nothing, {{event_kind::job_fresh, "", ""}}},
        {"ProgressAloneIsNoEvent", true, nothing, true, [](job_state& s) { s.progress_ratio = 0.5; }, {}},
        {"EndpointGoesDown",
         true,
         [](job_state& s) { s.dr.target_up = true; },
         true,
         [](job_state& s) { s.dr.target_up = false; },
         {{event_kind::endpoint_down, "up", "down"}}},
        {"EndpointFirstSeenDown", true, nothing, true, [](job_state& s) { s.dr.source_up = false; },
         {{event_kind::endpoint_down, "", "down"}}},
        {"EndpointComesBack",
         true,
         [](job_state& s) { s.dr.source_up = false; },
         true,
         [](job_state& s) { s.dr.source_up = true; },
         {{event_kind::endpoint_up, "down", "up"}}},
        {"EndpointFirstSeenUpIsNoEvent", true, nothing, true, [](job_state& s) { s.dr.source_up = true; }, {}},
        {"EndpointNoLongerReportedIsNoEvent", true, [](job_state& s) { s.dr.target_up = false; }, true, nothing, {}},
        {"ComponentStops",
         true,
         [](job_state& s) { s.dr.components["apply"] = component_state{"STARTED", 1}; },
         true,
         [](job_state& s) { s.dr.components["apply"] = component_state{"STOPPED", std::nullopt}; },
         {{event_kind::component_status_changed, "STARTED", "STOPPED"}}},
        {"ComponentFirstSeenStartedIsNoEvent", true, nothing, true,
         [](job_state& s) { s.dr.components["capture"] = component_state{"STARTED", 2}; }, {}},
        {"ComponentFirstSeenStopped", true, nothing, true,
         [](job_state& s) { s.dr.components["capture"] = component_state{"STOPPED", std::nullopt}; },
         {{event_kind::component_status_changed, "", "STOPPED"}}},
        {"ComponentDelayAloneIsNoEvent",
         true,
         [](job_state& s) { s.dr.components["apply"] = component_state{"STARTED", 1}; },
         true,
         [](job_state& s) { s.dr.components["apply"] = component_state{"STARTED", 900}; },
         {}},
        {"ActionStarts", true, nothing, true, [](job_state& s) { s.dr.current_action = "SWITCH_OVER"; },
         {{event_kind::action_started, "", "SWITCH_OVER"}}},
        {"ActionEnds", true, [](job_state& s) { s.dr.current_action = "SWITCH_OVER"; }, true, nothing,
         {{event_kind::action_ended, "SWITCH_OVER", ""}}},
        {"ActionReplaced",
         true,
         [](job_state& s) { s.dr.current_action = "SWITCH_OVER"; },
         true,
         [](job_state& s) { s.dr.current_action = "PAUSE"; },
         {{event_kind::action_ended, "SWITCH_OVER", ""}, {event_kind::action_started, "", "PAUSE"}}},
        {"RpoAloneIsNoEvent", true, nothing, true, [](job_state& s) { s.dr.rpo_seconds = 900; }, {}},
    };
}
// clang-format on

class StateDiff : public ::testing::TestWithParam<diff_case>
{
};

TEST_P(StateDiff, ProducesExactlyTheExpectedEvents)
{
    const auto& c = GetParam();
    job_state before = base();
    c.before(before);
    job_state after = base();
    c.after(after);
    const job_key key{"proj", "job-1"};
    const auto events = diff(
        c.before_exists ? &before : nullptr,
        c.after_exists ? &after : nullptr,
        key,
        at(1'700'000'000)
    );
    ASSERT_EQ(events.size(), c.expected.size());
    for (std::size_t i = 0; i < events.size(); ++i)
    {
        EXPECT_EQ(events[i].kind, c.expected[i].kind) << to_string(events[i].kind);
        EXPECT_EQ(events[i].from, c.expected[i].from);
        EXPECT_EQ(events[i].to, c.expected[i].to);
        EXPECT_EQ(events[i].project, "proj");
        EXPECT_EQ(events[i].job_id, "job-1");
        EXPECT_EQ(events[i].job_name, "orders");
        EXPECT_EQ(events[i].time, at(1'700'000'000));
        EXPECT_EQ(events[i].seq, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind,
    StateDiff,
    ::testing::ValuesIn(cases()),
    [](const ::testing::TestParamInfo<diff_case>& p) { return std::string(p.param.name); }
);

TEST(StateDiffCoverage, TheTableCoversEveryEventKind)
{
    std::set<event_kind> covered;
    for (const auto& c : cases())
        for (const auto& e : c.expected)
            covered.insert(e.kind);
    for (auto k : all_event_kinds)
    {
        // job_discovered and job_not_found are emitted by the poller, never by the diff.
        const bool by_poller = k == event_kind::job_discovered || k == event_kind::job_not_found;
        EXPECT_TRUE(by_poller || covered.contains(k)) << to_string(k);
    }
}

TEST(StateDiff, SaysThatAListedErrorCameFromTheJobList)
{
    job_state before = base();
    job_state after = base();
    after.listed_error = "connection lost";
    const job_key key{"proj", "job-1"};
    const auto appeared = diff(&before, &after, key, at(1));
    ASSERT_EQ(appeared.size(), 1u);
    EXPECT_EQ(appeared[0].detail, "job list: connection lost");
    const auto added = diff(nullptr, &after, key, at(1));
    ASSERT_EQ(added.size(), 2u);
    EXPECT_EQ(added[1].detail, "job list: connection lost");
    const auto cleared = diff(&after, &before, key, at(1));
    ASSERT_EQ(cleared.size(), 1u);
    EXPECT_EQ(cleared[0].detail, "job list");
    // The monitor's own comparison sees it too (a changed message is stored as a change).
    EXPECT_TRUE(domain_differs(before, after));
}

TEST(StateDiffUnchanged, AnIdenticalObservationProducesNothing)
{
    const auto s = testing::full_job();
    EXPECT_TRUE(diff(&s, &s, {"p", "j"}, at(1)).empty());
}

TEST(StateDiff, ReportsAnInitObjectCompletedInACopyOfTheStoredState)
{
    // The poller copies the stored state and changes it: the copy's init map shares storage with
    // the original until it is written, and the write must still be seen.
    auto before = testing::full_job();
    auto after = before;
    EXPECT_TRUE(diff(&before, &after, {"p", "j"}, at(1)).empty());
    after.init["view"].status = 2;
    const auto events = diff(&before, &after, {"p", "j"}, at(1));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, event_kind::init_object_completed);
    EXPECT_EQ(events[0].to, "view");
    EXPECT_EQ(events[0].detail, "src_count=7 dst_count=3");
    EXPECT_EQ(before.init.at("view").status, 1);
}

TEST(StateDiffUnchanged, AnEqualButSeparatelyBuiltInitMapProducesNothing)
{
    const auto before = testing::full_job();
    auto after = before;
    after.init.clear();
    after.init["view"] = init_object{1, 7, 3, 3, 4};
    after.init["table"] = init_object{2, 120, 118, 100, 20};
    EXPECT_FALSE(after.init.shares_storage_with(before.init));
    EXPECT_TRUE(diff(&before, &after, {"p", "j"}, at(1)).empty());
}

TEST(StateDiffUnchanged, NeitherSideProducesNothing)
{
    EXPECT_TRUE(diff(nullptr, nullptr, {"p", "j"}, at(1)).empty());
}

TEST(StateEventKind, LabelsAreSnakeCaseAndRoundTrip)
{
    EXPECT_STREQ(to_string(event_kind::status_changed), "status_changed");
    EXPECT_STREQ(to_string(event_kind::async_membership_changed), "async_membership_changed");
    for (auto k : all_event_kinds)
    {
        EXPECT_EQ(event_kind_from_string(to_string(k)), k);
        for (char c : std::string(to_string(k)))
            EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << to_string(k);
    }
    EXPECT_FALSE(event_kind_from_string("no_such_kind").has_value());
}

}  // namespace
}  // namespace drsmon::state
