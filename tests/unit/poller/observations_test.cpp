#include "drsmon/drs_api/parse.hpp"
#include "drsmon/poller/observations.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace drsmon;
using namespace std::chrono_literals;
using poller::verdict;

namespace {

const core::wall_time t0{std::chrono::seconds(1'700'000'000)};

// What the shell does with one answer for one job: parse, judge, apply.
struct observed
{
    verdict kind;
    std::string code;
    state::job_state next;  // the applied state (verdict::apply), else the input
};

template <class Response>
std::vector<observed> observe(
    core::result<Response> (*parse)(std::string_view),
    const state::job_state* stored,
    std::string_view body
)
{
    const auto answer = parse(body);
    EXPECT_TRUE(answer) << (answer ? "" : answer.error().to_string());
    std::vector<observed> out;
    if (!answer)
        return out;
    for (const auto& item : answer->results)
    {
        const auto j = poller::judge(stored, item);
        observed o{j.kind, std::string(j.code), stored ? *stored : state::job_state{}};
        if (j.kind == verdict::apply)
            poller::apply_item(o.next, item, t0);
        out.push_back(std::move(o));
    }
    return out;
}

template <class Response>
observed observe_one(
    core::result<Response> (*parse)(std::string_view),
    const state::job_state* stored,
    std::string_view body
)
{
    auto all = observe(parse, stored, body);
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? observed{verdict::ignore, {}, {}} : all.front();
}

state::job_state stored_job(std::string status)
{
    state::job_state s;
    s.status = std::move(status);
    s.last_refresh = t0 - 30s;
    return s;
}

}  // namespace

// ---- batch-status

TEST(StatusObservation, DropsJobsTheApiSaysDoNotExist)
{
    const auto s = stored_job("INCRE_TRANSFER_STARTED");
    for (const char* code : {"DRS.M00289", "DRS.M05003", "DRS.M05004", "DRS.10000010"})
    {
        const auto body = std::string(R"({"results":[{"id":"a","error_code":")") + code +
                          R"(","error_message":"gone"}]})";
        const auto o = observe_one(&drs_api::parse_batch_status, &s, body);
        EXPECT_EQ(o.kind, verdict::drop) << code;
        EXPECT_EQ(o.code, code);
    }
    const auto deleted = observe_one(
        &drs_api::parse_batch_status,
        &s,
        R"({"results":[{"id":"a","status":"DELETED"}]})"
    );
    EXPECT_EQ(deleted.kind, verdict::drop);
    EXPECT_EQ(deleted.code, "DELETED");
}

TEST(StatusObservation, RefreshesAJobWhoseStatusIsConfirmed)
{
    const auto s = stored_job("INCRE_TRANSFER_STARTED");
    EXPECT_EQ(
        observe_one(
            &drs_api::parse_batch_status,
            &s,
            R"({"results":[{"id":"a","status":"INCRE_TRANSFER_STARTED"}]})"
        )
            .kind,
        verdict::refresh
    );
    // A status that is not reported confirms the stored one.
    EXPECT_EQ(
        observe_one(&drs_api::parse_batch_status, &s, R"({"results":[{"id":"a","status":null}]})").kind,
        verdict::refresh
    );
}

TEST(StatusObservation, AppliesAChangedStatusErrorOrStaleness)
{
    auto s = stored_job("INCRE_TRANSFER_STARTED");
    const auto changed = observe_one(
        &drs_api::parse_batch_status,
        &s,
        R"({"results":[{"id":"a","status":"PAUSING"}]})"
    );
    ASSERT_EQ(changed.kind, verdict::apply);
    EXPECT_EQ(changed.next.status, "PAUSING");
    EXPECT_EQ(changed.next.last_refresh, t0);

    const auto error = observe_one(
        &drs_api::parse_batch_status,
        &s,
        R"({"results":[{"id":"a","status":"INCRE_TRANSFER_STARTED","error_code":"DRS.M00500","error_msg":"busy"}]})"
    );
    ASSERT_EQ(error.kind, verdict::apply);
    EXPECT_EQ(error.next.api_error.code, "DRS.M00500");
    EXPECT_EQ(error.next.api_error.message_short, "busy");

    // A stale job goes through apply_update so that it becomes fresh (job_fresh).
    s.stale = true;
    EXPECT_EQ(
        observe_one(
            &drs_api::parse_batch_status,
            &s,
            R"({"results":[{"id":"a","status":"INCRE_TRANSFER_STARTED"}]})"
        )
            .kind,
        verdict::apply
    );
}

TEST(StatusObservation, ClearsAnErrorThatIsNoLongerReported)
{
    auto s = stored_job("INCRE_TRANSFER_STARTED");
    s.api_error = {"DRS.M00500", "busy"};
    const auto o = observe_one(
        &drs_api::parse_batch_status,
        &s,
        R"({"results":[{"id":"a","status":"INCRE_TRANSFER_STARTED"}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_TRUE(o.next.api_error.empty());
}

TEST(StatusObservation, CreatesAJobNotStoredYetAndKeepsAStatusNotReported)
{
    const auto created = observe_one(
        &drs_api::parse_batch_status,
        nullptr,
        R"({"results":[{"id":"a","status":"CONFIGURATION"}]})"
    );
    ASSERT_EQ(created.kind, verdict::apply);
    EXPECT_EQ(created.next.status, "CONFIGURATION");

    auto s = stored_job("INCRE_TRANSFER_STARTED");
    s.stale = true;
    const auto kept = observe_one(&drs_api::parse_batch_status, &s, R"({"results":[{"id":"a"}]})");
    ASSERT_EQ(kept.kind, verdict::apply);
    EXPECT_EQ(kept.next.status, "INCRE_TRANSFER_STARTED");
}

TEST(ApiErrors, KeepCodeAndAShortMessageOnly)
{
    EXPECT_TRUE(poller::to_api_error(std::nullopt).empty());
    EXPECT_TRUE(poller::to_api_error(drs_api::item_error{"", ""}).empty());
    const auto message_only = poller::to_api_error(drs_api::item_error{"", "something odd"});
    EXPECT_EQ(message_only.code, "unknown");
    EXPECT_EQ(message_only.message_short, "something odd");
    const auto long_message = poller::to_api_error(drs_api::item_error{"DRS.X", std::string(500, 'm')});
    EXPECT_EQ(long_message.message_short.size(), 160u);
}

// ---- batch-progress

TEST(ProgressObservation, IgnoresJobsNotStored)
{
    EXPECT_EQ(
        observe_one(
            &drs_api::parse_batch_progress,
            nullptr,
            R"({"results":[{"job_id":"a","progress":"50%"}]})"
        )
            .kind,
        verdict::ignore
    );
}

TEST(ProgressObservation, ReadsPercentStringsDelaysAndPhases)
{
    const auto s = stored_job("INCRE_TRANSFER_STARTED");
    const auto o = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","progress":" 55 % ","incre_trans_delay":"7","remaining_time":"120",)"
        R"("progress_map":{"data":{"completed":"94%"},"struct":{"completed":100},"index":{"completed":null}}}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_DOUBLE_EQ(*o.next.progress_ratio, 0.55);
    EXPECT_DOUBLE_EQ(*o.next.delay_seconds, 7);
    EXPECT_DOUBLE_EQ(*o.next.remaining_seconds, 120);
    ASSERT_EQ(o.next.phases.size(), 2u);  // a phase without a completed figure is not stored
    EXPECT_DOUBLE_EQ(o.next.phases.find("data")->second, 0.94);
    EXPECT_DOUBLE_EQ(o.next.phases.find("struct")->second, 1.0);
}

TEST(ProgressObservation, TreatsMinusOneDelayAsNotApplicable)
{
    auto s = stored_job("FULL_TRANSFER_STARTED");
    s.delay_seconds = 3;
    const auto o = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","incre_trans_delay":"-1"}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_FALSE(o.next.delay_seconds);
}

TEST(ProgressObservation, KeepsProgressThatRepeatsTheStoredValues)
{
    const auto s = stored_job("INCRE_TRANSFER_STARTED");
    const auto first = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","progress":"50%","incre_trans_delay":"2","progress_map":{"data":{"completed":"50%"}}}]})"
    );
    ASSERT_EQ(first.kind, verdict::apply);
    const auto again = observe_one(
        &drs_api::parse_batch_progress,
        &first.next,
        R"({"results":[{"job_id":"a","progress":"50","incre_trans_delay":2,"progress_map":{"data":{"completed":50}}}]})"
    );
    EXPECT_EQ(again.kind, verdict::keep);
    // A phase that disappears is a change.
    EXPECT_EQ(
        observe_one(
            &drs_api::parse_batch_progress,
            &first.next,
            R"({"results":[{"job_id":"a","progress":"50%","incre_trans_delay":"2"}]})"
        )
            .kind,
        verdict::apply
    );
}

TEST(ProgressObservation, StoresAPerItemErrorAndKeepsTheStoredOneWhenNoneCame)
{
    auto s = stored_job("INCRE_TRANSFER_STARTED");
    const auto o = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","error_code":"DRS.M00500","error_msg":"busy"}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_EQ(o.next.api_error.code, "DRS.M00500");

    s.api_error = {"DRS.M00500", "busy"};
    const auto kept = observe_one(&drs_api::parse_batch_progress, &s, R"({"results":[{"job_id":"a"}]})");
    EXPECT_EQ(kept.kind, verdict::keep);
}

TEST(ProgressObservation, LeavesAnUnchangedPhaseMapShared)
{
    auto s = stored_job("INCRE_TRANSFER_STARTED");
    s.phases["data"] = 0.5;
    auto next = s;
    drs_api::progress_snapshot p;
    p.ratio = 0.7;
    p.phases.push_back({"data", 0.5, std::nullopt});
    poller::apply_progress_snapshot(next, p);
    EXPECT_TRUE(next.phases.shares_storage_with(s.phases));
    EXPECT_TRUE(poller::same_progress(next, p));
}

TEST(ProgressObservation, AnAnswerWithItsStatusStandsForAStatusObservation)
{
    auto s = stored_job("INCRE_TRANSFER_STARTED");
    s.progress_ratio = 1;
    s.delay_seconds = 2;
    const auto same = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","progress":"100","incre_trans_delay":"2","transfer_status":"INCRE_TRANSFER_STARTED"}]})"
    );
    EXPECT_EQ(same.kind, verdict::refresh);

    const auto failed = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","progress":"100","incre_trans_delay":"2","transfer_status":"INCRE_TRANSFER_FAILED",)"
        R"("error_code":"DRS.M00500","error_msg":"binlog purged"}]})"
    );
    ASSERT_EQ(failed.kind, verdict::apply);
    EXPECT_EQ(failed.next.status, "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(failed.next.api_error.code, "DRS.M00500");
    EXPECT_EQ(failed.next.last_refresh, t0);

    // With its status, an answer without an error clears the stored one, as batch-status does.
    s.api_error = {"DRS.M00500", "busy"};
    const auto cleared = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","progress":"100","incre_trans_delay":"2","transfer_status":"INCRE_TRANSFER_STARTED"}]})"
    );
    ASSERT_EQ(cleared.kind, verdict::apply);
    EXPECT_TRUE(cleared.next.api_error.empty());

    // A stale job goes through apply_update so that it becomes fresh.
    s.api_error = {};
    s.stale = true;
    EXPECT_EQ(
        observe_one(
            &drs_api::parse_batch_progress,
            &s,
            R"({"results":[{"job_id":"a","progress":"100","incre_trans_delay":"2","transfer_status":"INCRE_TRANSFER_STARTED"}]})"
        )
            .kind,
        verdict::apply
    );
}

TEST(ProgressObservation, DropsAJobWhoseStatusIsDeleted)
{
    const auto s = stored_job("RELEASE_RESOURCE_STARTED");
    const auto o = observe_one(
        &drs_api::parse_batch_progress,
        &s,
        R"({"results":[{"job_id":"a","transfer_status":"DELETED"}]})"
    );
    EXPECT_EQ(o.kind, verdict::drop);
    EXPECT_EQ(o.code, "DELETED");
}

// ---- batch-detail

TEST(DetailObservation, FillsMetadataAndDropsUnknownJobs)
{
    const auto o = observe_one(
        &drs_api::parse_batch_detail,
        nullptr,
        R"({"results":[{"id":"a","name":"orders","status":"INCRE_TRANSFER_STARTED","db_use_type":"cloudDataGuard",)"
        R"("task_type":"FULL_INCR_TRANS","job_direction":"up","parent_id":"p-1","create_time":1608519469412,)"
        R"("source_endpoint":{"db_type":"mysql","db_password":"s3cret"}}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    const auto& m = o.next.metadata;
    EXPECT_EQ(m.name, "orders");
    EXPECT_EQ(m.db_use_type, "cloudDataGuard");
    EXPECT_EQ(m.engine_type, "mysql");
    EXPECT_EQ(m.task_type, "FULL_INCR_TRANS");
    EXPECT_EQ(m.job_direction, "up");
    EXPECT_EQ(m.parent_id, "p-1");
    ASSERT_TRUE(m.created);
    EXPECT_EQ(o.next.status, "INCRE_TRANSFER_STARTED");

    const auto gone = observe_one(
        &drs_api::parse_batch_detail,
        &o.next,
        R"({"results":[{"id":"a","error_code":"DRS.M05004","error_msg":"deleted"}]})"
    );
    EXPECT_EQ(gone.kind, verdict::drop);
    EXPECT_EQ(gone.code, "DRS.M05004");
}

TEST(DetailObservation, KeepsACreationTimeAndStatusThatAreNotReported)
{
    auto s = stored_job("PAUSING");
    s.metadata.created = t0 - 24h;
    const auto o = observe_one(
        &drs_api::parse_batch_detail,
        &s,
        R"({"results":[{"id":"a","name":"orders"}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_EQ(o.next.metadata.created, t0 - 24h);
    EXPECT_EQ(o.next.status, "PAUSING");
}

// ---- batch-precheck-result

TEST(PrecheckObservation, LeavesTheResultOpenWhileThePrecheckRuns)
{
    const auto s = stored_job("CONFIGURATION");
    const auto running = observe_one(
        &drs_api::parse_batch_precheck_result,
        &s,
        R"({"results":[{"job_id":"a","precheck_id":"pc","result":false,"process":"50%","total_passed_rate":"80",)"
        R"("precheck_result":[{"item":"srcDbConnection","result":"PASSED","group":"net"}]}]})"
    );
    ASSERT_EQ(running.kind, verdict::apply);
    const auto& p = running.next.precheck;
    EXPECT_TRUE(p.present);
    EXPECT_FALSE(p.complete);
    EXPECT_FALSE(p.passed);  // not known yet, not "failed"
    EXPECT_DOUBLE_EQ(*p.progress_ratio, 0.5);
    EXPECT_DOUBLE_EQ(*p.passed_ratio, 0.8);

    const auto done = observe_one(
        &drs_api::parse_batch_precheck_result,
        &running.next,
        R"({"results":[{"job_id":"a","result":false,"process":"100%","total_passed_rate":"80%"}]})"
    );
    ASSERT_EQ(done.kind, verdict::apply);
    EXPECT_TRUE(done.next.precheck.complete);
    EXPECT_EQ(done.next.precheck.passed, false);
}

TEST(PrecheckObservation, StoresAnItemErrorInsteadOfAResultAndIgnoresUnknownJobs)
{
    auto s = stored_job("CONFIGURATION");
    const auto o = observe_one(
        &drs_api::parse_batch_precheck_result,
        &s,
        R"({"results":[{"precheck_id":"a","error_code":"DRS.M00304","error_msg":"wrong state","precheck_result":null}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    EXPECT_EQ(o.next.api_error.code, "DRS.M00304");
    EXPECT_FALSE(o.next.precheck.present);
    EXPECT_EQ(
        observe_one(
            &drs_api::parse_batch_precheck_result,
            nullptr,
            R"({"results":[{"job_id":"a","process":"10%"}]})"
        )
            .kind,
        verdict::ignore
    );
}

// ---- batch-struct-process

TEST(StructProcessObservation, LowercasesObjectTypesAndKeepsDetailCounts)
{
    auto s = stored_job("FULL_TRANSFER_STARTED");
    s.init["table"].detail_complete = 5;
    const auto o = observe_one(
        &drs_api::parse_batch_struct_process,
        &s,
        R"({"results":[{"job_id":"a","struct_process":{"create_time":"1608519469412","result":[)"
        R"({"type":"TABLE","status":1,"src_count":120,"dst_count":"118"},{"type":"table_index","status":2}]}}]})"
    );
    ASSERT_EQ(o.kind, verdict::apply);
    const auto table = o.next.init.find("table");
    ASSERT_NE(table, o.next.init.end());
    EXPECT_EQ(table->second.status, 1);
    EXPECT_EQ(table->second.src_count, 120);
    EXPECT_EQ(table->second.dst_count, 118);
    EXPECT_EQ(table->second.detail_complete, 5);  // from batch-struct-detail, not overwritten
    ASSERT_NE(o.next.init.find("table_index"), o.next.init.end());
    EXPECT_TRUE(o.next.init.find("table_index")->second.complete());
}

TEST(StructProcessObservation, LeavesAnUnchangedMapShared)
{
    auto s = stored_job("FULL_TRANSFER_STARTED");
    s.init["table"] = state::init_object{2, 3, 3, std::nullopt, std::nullopt};
    auto next = s;
    drs_api::job_struct_process item;
    item.job_id = "a";
    item.objects.push_back({"TABLE", 2, 3, 3, std::nullopt, std::nullopt});
    poller::apply_item(next, item, t0);
    EXPECT_TRUE(next.init.shares_storage_with(s.init));
}

// ---- batch-struct-detail paging

namespace {
drs_api::batch_struct_detail_response page(std::string_view body)
{
    auto r = drs_api::parse_batch_struct_detail(body);
    EXPECT_TRUE(r);
    return r ? *r : drs_api::batch_struct_detail_response{};
}
}  // namespace

TEST(StructDetailTally, CountsItemsAcrossPagesUntilEveryJobListedItsTotal)
{
    const std::vector<std::string> ids{"a", "b"};
    poller::struct_detail_tally tally(ids);
    EXPECT_TRUE(tally.add_page(page(
        R"({"results":[{"job_id":"a","struct_detail":{"total_record":3,"list":[{"progress":"100%"},{"progress":50}]}},)"
        R"({"job_id":"b","struct_detail":{"total_record":1,"list":[{"progress":100}]}}]})"
    )));
    // Page 2: b is done (an item listed again is not counted twice), a lists its last item.
    EXPECT_FALSE(tally.add_page(
        page(R"({"results":[{"job_id":"a","struct_detail":{"total_record":3,"list":[{"progress":null}]}},)"
             R"({"job_id":"b","struct_detail":{"total_record":1,"list":[{"progress":100}]}}]})")
    ));
    const auto r = tally.result();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r.at("a"), (poller::init_detail_counts{1, 2}));
    EXPECT_EQ(r.at("b"), (poller::init_detail_counts{1, 0}));
}

TEST(StructDetailTally, StopsOnAnEmptyPageAndLeavesOutJobsThatFailed)
{
    const std::vector<std::string> ids{"a", "b"};
    poller::struct_detail_tally tally(ids);
    EXPECT_TRUE(tally.add_page(page(
        R"({"results":[{"job_id":"a","struct_detail":{"total_record":10,"list":[{"progress":100}]}},)"
        R"({"job_id":"b","error_code":"DRS.M05004","error_message":"deleted"},{"job_id":"zz","struct_detail":{"list":[{}]}}]})"
    )));
    EXPECT_FALSE(
        tally.add_page(page(R"({"results":[{"job_id":"a","struct_detail":{"total_record":10,"list":[]}}]})"))
    );
    const auto r = tally.result();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r.at("a"), (poller::init_detail_counts{1, 0}));
}

TEST(StructDetailObservation, StoresChangedCountsOnly)
{
    auto s = stored_job("FULL_TRANSFER_STARTED");
    s.init["table"].status = 1;
    EXPECT_EQ(poller::judge_struct_detail(nullptr, "table", {1, 2}).kind, verdict::ignore);
    EXPECT_EQ(poller::judge_struct_detail(&s, "table", {1, 2}).kind, verdict::apply);
    poller::apply_struct_detail(s, "table", {1, 2});
    EXPECT_EQ(s.init.find("table")->second.detail_complete, 1);
    EXPECT_EQ(s.init.find("table")->second.detail_in_progress, 2);
    EXPECT_EQ(s.init.find("table")->second.status, 1);
    EXPECT_EQ(poller::judge_struct_detail(&s, "table", {1, 2}).kind, verdict::keep);
}

// ---- v5 batch-async-jobs

TEST(AsyncJobObservation, FillsReportedFieldsAndKeepsTheRest)
{
    auto s = stored_job("INCRE_TRANSFER_STARTED");
    s.metadata.name = "kept";
    s.metadata.engine_type = "mysql";
    const auto r = drs_api::parse_async_job_detail(
        R"({"total_count":1,"jobs":[{"id":"a","status":"FULL_TRANSFER_STARTED","base_info":{"job_type":"sync"},)"
        R"("progress_info":{"progress":"30%","incr_trans_delay":"-1"},)"
        R"("metrics":{"cpu_util":"12.5","mem_util":"40","apply_rows_rate":"10","disk_write_bytes_rate":"2048"}}]})"
    );
    ASSERT_TRUE(r);
    ASSERT_EQ(r->jobs.size(), 1u);
    poller::apply_v5(s, r->jobs[0], "batch-1", t0);
    EXPECT_EQ(s.metadata.async_job_id, "batch-1");
    EXPECT_EQ(s.metadata.name, "kept");
    EXPECT_EQ(s.metadata.engine_type, "mysql");
    EXPECT_EQ(s.metadata.db_use_type, "sync");
    EXPECT_EQ(s.status, "FULL_TRANSFER_STARTED");
    EXPECT_DOUBLE_EQ(*s.progress_ratio, 0.3);
    EXPECT_FALSE(s.delay_seconds);
    EXPECT_EQ(s.last_refresh, t0);
    // Utilisations arrive as ratios from the parser: 12.5 % is 0.125, not 0.00125.
    EXPECT_DOUBLE_EQ(*s.node.cpu_ratio, 0.125);
    EXPECT_DOUBLE_EQ(*s.node.memory_ratio, 0.40);
    EXPECT_DOUBLE_EQ(*s.node.apply_rows_per_second, 10);
    EXPECT_DOUBLE_EQ(*s.node.disk_write_bytes_per_second, 2048);
    EXPECT_FALSE(s.node.disk_read_bytes_per_second);
}

TEST(OffsetPager, PagesUntilTotalAnEmptyPageOrTheBound)
{
    poller::offset_pager p(100, 1000);
    EXPECT_TRUE(p.more());
    p.advance(100, 250);
    EXPECT_EQ(p.offset(), 100);
    EXPECT_TRUE(p.more());
    p.advance(100, 250);
    p.advance(50, 250);
    EXPECT_EQ(p.offset(), 250);
    EXPECT_FALSE(p.more());

    poller::offset_pager empty(100, 1000);
    empty.advance(0, 500);
    EXPECT_FALSE(empty.more());

    poller::offset_pager no_total(100, 1000);
    no_total.advance(100, std::nullopt);  // no total_count: one page only
    EXPECT_FALSE(no_total.more());

    poller::offset_pager bounded(100, 200);
    bounded.advance(100, 100000);
    bounded.advance(100, 100000);
    EXPECT_FALSE(bounded.more());
}

// ---- db-objects collection

TEST(CollectSteps, FollowAPendingCollectionBeforeStartingANewOne)
{
    state::collect_state c;
    EXPECT_EQ(poller::next_collect_step(c, false), poller::collect_step::none);
    EXPECT_EQ(poller::next_collect_step(c, true), poller::collect_step::submit);
    c.status = "pending";
    EXPECT_EQ(poller::next_collect_step(c, true), poller::collect_step::submit);  // no query ID to follow
    c.query_id = "q-1";
    EXPECT_EQ(poller::next_collect_step(c, false), poller::collect_step::poll);
    c.status = "success";
    EXPECT_EQ(poller::next_collect_step(c, false), poller::collect_step::none);
}

TEST(CollectSteps, RecordTheQueryAndTheLastSuccess)
{
    state::job_state s;
    poller::apply_collect_submit(s, {"q-1", "pending", "a"}, t0);
    EXPECT_EQ(s.collect.query_id, "q-1");
    EXPECT_EQ(s.collect.status, "pending");
    EXPECT_FALSE(s.collect.last_success);
    poller::apply_collection_status(s, {"q-1", "success"}, t0 + 1min);
    EXPECT_EQ(s.collect.status, "success");
    EXPECT_EQ(s.collect.last_success, t0 + 1min);
    poller::apply_collect_submit(s, {"q-2", "success", "a"}, t0 + 2h);
    EXPECT_EQ(s.collect.last_success, t0 + 2h);
}
