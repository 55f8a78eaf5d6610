#include "drsmon/drs_api/dr_parse.hpp"
#include "drsmon/poller/dr_observations.hpp"
#include "drsmon/poller/rules.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using namespace drsmon;
using namespace std::chrono_literals;
using poller::verdict;

namespace {

const core::wall_time t0{std::chrono::seconds(1'700'000'000)};

state::job_state job(
    std::string status,
    std::string db_use_type = "cloudDataGuard",
    std::string task_type = "FULL_INCR_TRANS"
)
{
    state::job_state s;
    s.status = std::move(status);
    s.metadata.db_use_type = std::move(db_use_type);
    s.metadata.task_type = std::move(task_type);
    return s;
}

struct observed
{
    verdict kind;
    std::string code;
    state::job_state next;  // the applied state (verdict::apply), else the input
};

// What the shell does with a one-item answer: parse, judge, apply.
template <class Response>
observed observe(
    core::result<Response> (*parse)(std::string_view),
    const state::job_state* stored,
    std::string_view body
)
{
    const auto answer = parse(body);
    EXPECT_TRUE(answer) << (answer ? "" : answer.error().to_string());
    if (!answer || answer->results.size() != 1)
        return {verdict::ignore, {}, {}};
    const auto& item = answer->results.front();
    const auto j = poller::judge(stored, item);
    observed o{j.kind, std::string(j.code), stored ? *stored : state::job_state{}};
    if (j.kind == verdict::apply)
        poller::apply_item(o.next, item, t0);
    return o;
}

constexpr const char*
    rpo_body = R"({"results":[{"job_id":"a","rpo_info":{"delay":"12","time":"2023-11-14 22:13:20"},)"
               R"("rto_info":{"delay":"4s"}}]})";
constexpr const char* not_applicable_rpo =
    R"({"results":[{"job_id":"a","error_code":"DRS.M00304","error_msg":"cannot be called"}]})";
constexpr const char* monitor_body =
    R"({"results":[{"id":"a","data_guard_minitor":{"src_normal":true,"dst_normal":false,"sr_delay":3,)"
    R"("dst_delay":"-1","src_rps":"1500","mem_used_inMB":"2","cpuUsed_percent":"50%"}}]})";
constexpr const char* not_applicable_monitor =
    R"({"results":[{"id":"a","error_code":"DRS.M00304","error_msg":"cannot be called"}]})";

}  // namespace

// ---- rules

TEST(DrRules, ReadsRpoAndMonitoringForDrJobsPastInitialisationOnly)
{
    const struct
    {
        const char* status;
        const char* use_type;
        const char* task_type;
        bool wanted;
    } cases[] = {
        {"INCRE_TRANSFER_STARTED", "cloudDataGuard", "FULL_INCR_TRANS", true},
        {"INCRE_TRANSFER_FAILED", "cloudDataGuard", "FULL_INCR_TRANS", true},
        {"FULL_TRANSFER_COMPLETE", "cloudDataGuard", "FULL_INCR_TRANS", true},
        {"PAUSING", "cloudDataGuard", "FULL_INCR_TRANS", true},
        {"SOME_NEW_STATUS", "cloudDataGuard", "FULL_INCR_TRANS", true},
        {"INCRE_TRANSFER_STARTED", "sync", "DR", true},
        {"INCRE_TRANSFER_STARTED", "sync", "dr", true},
        {"FULL_TRANSFER_STARTED", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"FULL_TRANSFER_FAILED", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"CONFIGURATION", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"STARTJOBING", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"RELEASE_RESOURCE_STARTED", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"RELEASE_RESOURCE_COMPLETE", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"DELETED", "cloudDataGuard", "FULL_INCR_TRANS", false},
        {"INCRE_TRANSFER_STARTED", "sync", "FULL_INCR_TRANS", false},
        {"INCRE_TRANSFER_STARTED", "migration", "INCR_TRANS", false},
        {"INCRE_TRANSFER_STARTED", "", "", false},
    };
    for (const auto& c : cases)
        EXPECT_EQ(poller::wants_dr(job(c.status, c.use_type, c.task_type)), c.wanted)
            << c.status << " " << c.use_type << " " << c.task_type;
}

TEST(DrRules, ReadsComponentsInAnIncrementalPhaseOfAnyJob)
{
    const struct
    {
        const char* status;
        bool with_delay;
        bool wanted;
    } cases[] = {
        {"INCRE_TRANSFER_STARTED", false, true},
        {"INCRE_TRANSFER_FAILED", false, true},
        {"PAUSING", true, true},
        {"PAUSEING", true, true},
        {"PAUSING", false, false},
        {"FULL_TRANSFER_STARTED", false, false},
        {"FULL_TRANSFER_COMPLETE", false, false},
        {"CONFIGURATION", false, false},
        {"RELEASE_RESOURCE_COMPLETE", false, false},
        {"", false, false},
    };
    for (const char* use_type : {"migration", "sync", "cloudDataGuard"})
        for (const auto& c : cases)
        {
            auto s = job(c.status, use_type);
            if (c.with_delay)
                s.delay_seconds = 4;
            EXPECT_EQ(poller::wants_components(s), c.wanted) << c.status << " " << use_type;
        }
}

TEST(DrRules, ANotApplicableAnswerIsNotAskedAgainUntilTypeOrPhaseChanges)
{
    auto s = job("INCRE_TRANSFER_STARTED");
    s.dr.dr_not_applicable = poller::applicability_key(s);
    s.dr.components_not_applicable = poller::applicability_key(s);
    EXPECT_EQ(s.dr.dr_not_applicable, "cloudDataGuard|FULL_INCR_TRANS|INCRE_TRANSFER_STARTED");
    EXPECT_FALSE(poller::wants_dr(s));
    EXPECT_FALSE(poller::wants_components(s));

    auto phase = s;
    phase.status = "INCRE_TRANSFER_FAILED";
    EXPECT_TRUE(poller::wants_dr(phase));
    EXPECT_TRUE(poller::wants_components(phase));

    auto type = s;
    type.metadata.task_type = "INCR_TRANS";
    EXPECT_TRUE(poller::wants_dr(type));
    EXPECT_TRUE(poller::wants_components(type));

    auto use = s;
    use.metadata.db_use_type = "sync";
    use.metadata.task_type = "DR";
    EXPECT_TRUE(poller::wants_dr(use));
}

TEST(DrRules, ApplicabilityKeysCompareWholeParts)
{
    auto s = job("INCRE_TRANSFER_STARTED", "a|b", "c");
    EXPECT_TRUE(poller::same_applicability(s, poller::applicability_key(s)));
    EXPECT_FALSE(poller::same_applicability(s, "a|b|c|INCRE_TRANSFER_STARTE"));
    EXPECT_FALSE(poller::same_applicability(s, "a|b|c|INCRE_TRANSFER_STARTEDX"));
    EXPECT_FALSE(poller::same_applicability(job("X", "a", "b"), "a|b|"));
    EXPECT_FALSE(poller::same_applicability(job("X", "a", "b"), "a|b|XY"));
    EXPECT_FALSE(poller::same_applicability(job("X", "a", "b"), "a|b"));
    EXPECT_FALSE(poller::same_applicability(job("", "", ""), ""));
    EXPECT_TRUE(poller::same_applicability(job("", "", ""), "||"));
}

TEST(DrRules, ReadsActionsForStartedDrJobsAndUntilARunningActionEnds)
{
    EXPECT_TRUE(poller::wants_actions(job("INCRE_TRANSFER_STARTED")));
    EXPECT_TRUE(poller::wants_actions(job("FULL_TRANSFER_STARTED")));
    EXPECT_FALSE(poller::wants_actions(job("CONFIGURATION")));
    EXPECT_FALSE(poller::wants_actions(job("RELEASE_RESOURCE_COMPLETE")));
    EXPECT_FALSE(poller::wants_actions(job("INCRE_TRANSFER_STARTED", "sync")));
    auto running = job("RELEASE_RESOURCE_COMPLETE", "sync");
    running.dr.current_action = "SWITCH_OVER";
    EXPECT_TRUE(poller::wants_actions(running));
}

// ---- batch-rpo-and-rto

TEST(RpoRtoObservation, IgnoresJobsNotStored)
{
    EXPECT_EQ(observe(&drs_api::parse_batch_rpo_rto, nullptr, rpo_body).kind, verdict::ignore);
}

TEST(RpoRtoObservation, AppliesNewFiguresAndKeepsRepeatedOnes)
{
    const auto stored = job("INCRE_TRANSFER_STARTED");
    const auto o = observe(&drs_api::parse_batch_rpo_rto, &stored, rpo_body);
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_EQ(o.next.dr.rpo_seconds, 12.0);
    EXPECT_EQ(o.next.dr.rto_seconds, 4.0);
    EXPECT_EQ(o.next.dr.rpo_checkpoint, t0);
    EXPECT_EQ(observe(&drs_api::parse_batch_rpo_rto, &o.next, rpo_body).kind, verdict::keep);
}

TEST(RpoRtoObservation, MinusOneClearsAFigureInsteadOfStoringZero)
{
    auto stored = job("INCRE_TRANSFER_STARTED");
    stored.dr.rpo_seconds = 30;
    const auto o = observe(
        &drs_api::parse_batch_rpo_rto,
        &stored,
        R"({"results":[{"job_id":"a","rpo_info":{"delay":"-1","time":""},"rto_info":null}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_FALSE(o.next.dr.rpo_seconds);
    EXPECT_FALSE(o.next.dr.rto_seconds);
    EXPECT_FALSE(o.next.dr.rpo_checkpoint);
}

TEST(RpoRtoObservation, KeepsOnlyWhenEveryFigureAndTheCheckpointAreTheSameIncludingAbsentOnes)
{
    // Each answer applied once, then asked again: the same answer keeps, a different one applies.
    const char* answers[] = {
        R"({"results":[{"job_id":"a","rpo_info":{"delay":"-1","time":""},"rto_info":null}]})",
        R"({"results":[{"job_id":"a","rpo_info":{"delay":"12","time":"2023-11-14 22:13:20"}}]})",
        R"({"results":[{"job_id":"a","rto_info":{"delay":"4s"}}]})",
        rpo_body,
    };
    const auto fresh = job("INCRE_TRANSFER_STARTED");
    for (const char* first : answers)
    {
        const auto applied = observe(&drs_api::parse_batch_rpo_rto, &fresh, first);
        for (const char* second : answers)
        {
            const auto again = observe(&drs_api::parse_batch_rpo_rto, &applied.next, second);
            const auto expected = std::string_view(first) == second ? verdict::keep : verdict::apply;
            EXPECT_EQ(again.kind, expected) << first << "\nthen\n" << second;
        }
    }
    // The same delay at a later checkpoint is news too.
    const auto stored = observe(&drs_api::parse_batch_rpo_rto, &fresh, rpo_body).next;
    const auto later = observe(
        &drs_api::parse_batch_rpo_rto,
        &stored,
        R"({"results":[{"job_id":"a","rpo_info":{"delay":"12","time":"2023-11-14 22:14:20"},)"
        R"("rto_info":{"delay":"4s"}}]})"
    );
    EXPECT_EQ(later.kind, verdict::apply);
}

TEST(RpoRtoObservation, MarksANotApplicableJobOnceAndClearsItsFigures)
{
    auto stored = job("INCRE_TRANSFER_STARTED");
    stored.dr.rpo_seconds = 30;
    stored.dr.target_up = false;
    stored.dr.current_action = "SWITCH_OVER";
    const auto o = observe(&drs_api::parse_batch_rpo_rto, &stored, not_applicable_rpo);
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_EQ(o.next.dr.dr_not_applicable, poller::applicability_key(stored));
    EXPECT_FALSE(o.next.dr.rpo_seconds);
    EXPECT_FALSE(o.next.dr.target_up);
    EXPECT_EQ(o.next.dr.current_action, "SWITCH_OVER");  // from another API: kept
    EXPECT_FALSE(poller::wants_dr(o.next));
    EXPECT_EQ(observe(&drs_api::parse_batch_rpo_rto, &o.next, not_applicable_rpo).kind, verdict::keep);
    // Figures after a phase change clear the mark.
    auto later = o.next;
    later.status = "INCRE_TRANSFER_FAILED";
    const auto again = observe(&drs_api::parse_batch_rpo_rto, &later, rpo_body);
    ASSERT_EQ(again.kind, verdict::apply);
    EXPECT_EQ(again.next.dr.dr_not_applicable, "");
}

TEST(RpoRtoObservation, DropsUnknownJobsAndKeepsFiguresOnOtherErrors)
{
    auto stored = job("INCRE_TRANSFER_STARTED");
    stored.dr.rpo_seconds = 30;
    const auto gone = observe(
        &drs_api::parse_batch_rpo_rto,
        &stored,
        R"({"results":[{"job_id":"a","error_code":"DRS.M05004","error_msg":"deleted"}]})"
    );
    EXPECT_EQ(gone.kind, verdict::drop);
    EXPECT_EQ(gone.code, "DRS.M05004");
    const auto other = observe(
        &drs_api::parse_batch_rpo_rto,
        &stored,
        R"({"results":[{"job_id":"a","error_code":"DRS.M00004","error_msg":"abnormal"}]})"
    );
    EXPECT_EQ(other.kind, verdict::keep);
}

// ---- disaster-recovery-monitoring-data

TEST(DrMonitorObservation, StoresEndpointsAndFiguresInBaseUnits)
{
    auto stored = job("INCRE_TRANSFER_STARTED");
    stored.dr.rpo_seconds = 7;
    const auto o = observe(&drs_api::parse_dr_monitoring, &stored, monitor_body);
    ASSERT_EQ(o.kind, verdict::apply);
    const auto& d = o.next.dr;
    EXPECT_EQ(d.source_up, true);
    EXPECT_EQ(d.target_up, false);
    EXPECT_EQ(d.source_delay_seconds, 3.0);
    EXPECT_FALSE(d.target_delay_seconds);
    EXPECT_EQ(d.source_rows_per_second, 1500.0);
    EXPECT_FALSE(d.target_rows_per_second);
    EXPECT_EQ(d.memory_used_bytes, 2.0 * 1024 * 1024);
    EXPECT_EQ(d.cpu_ratio, 0.5);
    EXPECT_EQ(d.rpo_seconds, 7.0);  // from batch-rpo-and-rto: kept
    EXPECT_EQ(observe(&drs_api::parse_dr_monitoring, &o.next, monitor_body).kind, verdict::keep);
}

TEST(DrMonitorObservation, AMissingMonitorObjectClearsTheFigures)
{
    auto stored = job("INCRE_TRANSFER_STARTED");
    stored.dr.source_up = true;
    stored.dr.cpu_ratio = 0.2;
    const auto o = observe(&drs_api::parse_dr_monitoring, &stored, R"({"results":[{"id":"a"}]})");
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_FALSE(o.next.dr.source_up);
    EXPECT_FALSE(o.next.dr.cpu_ratio);
}

TEST(DrMonitorObservation, SharesTheNotApplicableMarkWithRpo)
{
    const auto stored = job("INCRE_TRANSFER_STARTED");
    const auto o = observe(&drs_api::parse_dr_monitoring, &stored, not_applicable_monitor);
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_FALSE(poller::wants_dr(o.next));
    EXPECT_EQ(observe(&drs_api::parse_batch_rpo_rto, &o.next, not_applicable_rpo).kind, verdict::keep);
}

// ---- increment-components-detail and actions

TEST(ComponentsObservation, ReplacesTheComponentsAndClearsTheMark)
{
    auto s = job("INCRE_TRANSFER_STARTED", "sync");
    s.dr.components["old"] = state::component_state{"STARTED", 1};
    s.dr.components_not_applicable = "sync|FULL_INCR_TRANS|PAUSING";
    const auto r = drs_api::parse_increment_components(
        R"({"increment_components_list":[{"type":"capture","status":"STARTED","delay":"2"},)"
        R"({"type":"apply","status":"STOPPED","delay":"-1"},{"type":"","status":"STARTED"}]})"
    );
    ASSERT_TRUE(r.has_value());
    poller::apply_components(s, *r, t0);
    ASSERT_EQ(s.dr.components.size(), 2u);
    EXPECT_EQ(s.dr.components.find("capture")->second, (state::component_state{"STARTED", 2.0}));
    EXPECT_EQ(s.dr.components.find("apply")->second, (state::component_state{"STOPPED", std::nullopt}));
    EXPECT_EQ(s.dr.components_not_applicable, "");
}

TEST(ComponentsObservation, NotApplicableClearsTheComponentsAndStopsAsking)
{
    auto s = job("INCRE_TRANSFER_STARTED", "sync");
    s.dr.components["apply"] = state::component_state{"STARTED", 1};
    poller::apply_components_not_applicable(s);
    EXPECT_TRUE(s.dr.components.empty());
    EXPECT_FALSE(poller::wants_components(s));
}

TEST(ActionsObservation, StoresTheCurrentActionAndItsEnd)
{
    auto s = job("INCRE_TRANSFER_STARTED");
    poller::apply_actions(s, drs_api::job_actions_response{{}, {}, "SWITCH_OVER"}, t0);
    EXPECT_EQ(s.dr.current_action, "SWITCH_OVER");
    poller::apply_actions(s, drs_api::job_actions_response{}, t0);
    EXPECT_EQ(s.dr.current_action, "");
}
