#include "drsmon/drs_api/parse.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace drsmon;
using namespace drsmon::drs_api;
using drs_api::test::at_millis;
using drs_api::test::expect_error_at;
using drs_api::test::fixture;

namespace {

core::wall_time utc(int y, unsigned mo, unsigned d, int h, int mi, int s)
{
    using namespace std::chrono;
    return sys_days(year_month_day{year(y), month(mo), day(d)}) + hours(h) + minutes(mi) + seconds(s);
}

}  // namespace

// ---- ListJobs (GET /v5/{project_id}/jobs) -------------------------------------------------

TEST(ParseJobListV5, ReadsJobsAndChildrenIntoTheJobListModel)
{
    const auto r = parse_job_list_v5(fixture("job_list_v5.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->total_record, 2);  // total_count
    ASSERT_EQ(r->jobs.size(), 2u);
    const auto& a = r->jobs[0];
    EXPECT_EQ(a.id, "0ea5c0c1-6a9e-4b0c-9b36-1f3c0a5jb51");
    EXPECT_EQ(a.name, "DRS-oracle-gauss");
    EXPECT_EQ(a.status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(a.db_use_type, "sync");  // job_type
    EXPECT_EQ(a.engine_type, "oracle-to-gaussdbv5");
    EXPECT_EQ(a.task_type, "FULL_INCR_TRANS");
    EXPECT_EQ(a.job_direction, "up");
    EXPECT_EQ(a.create_time, at_millis(1700000000123));
    EXPECT_EQ(a.enterprise_project_id, "0");
    EXPECT_TRUE(a.children.empty());  // single job: no children key at all
    const auto& b = r->jobs[1];
    EXPECT_EQ(b.enterprise_project_id, "ep-42");
    ASSERT_EQ(b.children.size(), 2u);
    EXPECT_EQ(b.children[1].id, "5b1f-c2");
    EXPECT_EQ(b.children[1].name, "DRS-mysql-sync-2");
    EXPECT_EQ(b.children[1].status, "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(b.children[1].error_msg, "");  // ChildrenJobListResp carries no message
}

TEST(ParseJobListV5, AcceptsNumbersAsStringsAndOddOptionalFields)
{
    const auto r = parse_job_list_v5(
        R"({"total_count":"3","unknown":{"x":1},"jobs":[)"
        R"({"id":"a","status":"CONFIGURATION","name":7,"job_type":null,"create_time":1700000000000,)"
        R"("enterprise_project_id":"","children":null,"job_action":"odd"},)"
        R"({"id":"b","status":"CHILD_TRANSFER_FAILED","db_use_type":"migration",)"
        R"("children":[{"id":"c","status":"INCRE_TRANSFER_FAILED","error_msg":"lost"}]}]})"
    );
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->total_record, 3);
    ASSERT_EQ(r->jobs.size(), 2u);
    EXPECT_EQ(r->jobs[0].name, "");  // not a string: left empty
    EXPECT_EQ(r->jobs[0].db_use_type, "");
    EXPECT_EQ(r->jobs[0].create_time, at_millis(1700000000000));
    EXPECT_FALSE(r->jobs[0].enterprise_project_id);  // empty is not reported
    EXPECT_TRUE(r->jobs[0].children.empty());
    EXPECT_EQ(r->jobs[1].db_use_type, "migration");  // the v3 spelling is accepted too
    ASSERT_EQ(r->jobs[1].children.size(), 1u);
    EXPECT_EQ(r->jobs[1].children[0].error_msg, "lost");  // kept when an answer carries one
}

TEST(ParseJobListV5, AcceptsAnEmptyPageAndAMissingTotal)
{
    const auto empty = parse_job_list_v5(R"({"total_count":0,"jobs":[]})");
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->total_record, 0);
    EXPECT_TRUE(empty->jobs.empty());
    const auto no_total = parse_job_list_v5(R"({"jobs":[],"total_count":"many"})");
    ASSERT_TRUE(no_total.has_value());
    EXPECT_FALSE(no_total->total_record);
}

TEST(ParseJobListV5, ReportsWrongShapesWithTheApiAndPath)
{
    expect_error_at(parse_job_list_v5("not json"), "job-list-v5", "$");
    expect_error_at(parse_job_list_v5("[]"), "job-list-v5", "$");
    expect_error_at(parse_job_list_v5(R"({"total_count":1})"), "job-list-v5", "$.jobs");
    expect_error_at(parse_job_list_v5(R"({"jobs":{"id":"a"}})"), "job-list-v5", "$.jobs");
    expect_error_at(parse_job_list_v5(R"({"jobs":["a"]})"), "job-list-v5", "$.jobs[0]");
    expect_error_at(
        parse_job_list_v5(R"({"jobs":[{"status":"CONFIGURATION"}]})"),
        "job-list-v5",
        "$.jobs[0].id"
    );
    expect_error_at(
        parse_job_list_v5(R"({"jobs":[{"id":"a","status":1}]})"),
        "job-list-v5",
        "$.jobs[0].status"
    );
    expect_error_at(
        parse_job_list_v5(R"({"jobs":[{"id":"a","status":"X","children":{}}]})"),
        "job-list-v5",
        "$.jobs[0].children"
    );
    expect_error_at(
        parse_job_list_v5(R"({"jobs":[{"id":"a","status":"X","children":[{"id":"c","status":["X"]}]}]})"),
        "job-list-v5",
        "$.jobs[0].children[0].status"
    );
    expect_error_at(
        parse_job_list_v5(R"({"jobs":[{"id":"a","status":"X","children":[{"status":"X"}]}]})"),
        "job-list-v5",
        "$.jobs[0].children[0].id"
    );
}

TEST(ParseAsyncJobDetail, ReadsTheSeedExample)
{
    const auto r = parse_async_job_detail(fixture("batch_async_jobs.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->total_count, 2);
    ASSERT_EQ(r->jobs.size(), 2u);
    const auto& a = r->jobs[0];
    EXPECT_EQ(a.id, "c7debc9c-8e09-4a5d-8dd6-cc44f78jb20r");
    EXPECT_EQ(a.status, "CONFIGURATION");
    EXPECT_EQ(a.create_time, utc(2022, 11, 7, 16, 15, 18));
    EXPECT_EQ(a.base_info.name, "DRS-1234");
    EXPECT_EQ(a.base_info.job_type, "sync");
    EXPECT_EQ(a.base_info.engine_type, "oracle-to-gaussdbv5");
    EXPECT_EQ(a.base_info.job_direction, "up");
    EXPECT_EQ(a.base_info.task_type, "FULL_INCR_TRANS");
    EXPECT_EQ(a.base_info.net_type, "eip");
    EXPECT_EQ(a.base_info.charging_mode, "on_demand");
    EXPECT_EQ(a.base_info.enterprise_project_id, "0");
    EXPECT_EQ(a.base_info.expired_days, 14);
    EXPECT_FALSE(a.progress);
    EXPECT_FALSE(a.precheck);
    EXPECT_FALSE(a.metrics);
    EXPECT_FALSE(a.migration_objects);
    EXPECT_EQ(r->jobs[1].status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(r->jobs[1].base_info.net_type, "vpn");
    EXPECT_EQ(r->jobs[1].create_time, utc(2022, 11, 5, 15, 32, 22));
}

TEST(ParseAsyncJobDetail, ReadsProgressPrecheckObjectsAndMetrics)
{
    const auto r = parse_async_job_detail(fixture("v5_job_detail_monitoring.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(r->jobs.size(), 1u);
    const auto& j = r->jobs[0];
    EXPECT_EQ(j.node_status, "ACTIVE");

    ASSERT_TRUE(j.progress);
    EXPECT_EQ(j.progress->ratio, 1.0);
    EXPECT_DOUBLE_EQ(*j.progress->delay_seconds, 2.5) << "v5 spells it incr_trans_delay_millis";
    EXPECT_EQ(j.progress->transfer_status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(j.progress->process_time, at_millis(1667662342000));
    ASSERT_EQ(j.progress->phases.size(), 1u);
    EXPECT_EQ(j.progress->phases[0].remaining_seconds, 0.0);

    ASSERT_TRUE(j.precheck);
    EXPECT_EQ(j.precheck->passed, false);
    EXPECT_EQ(j.precheck->process, 1.0);
    EXPECT_DOUBLE_EQ(*j.precheck->total_passed_rate, 0.955);
    ASSERT_EQ(j.precheck->items.size(), 2u);
    EXPECT_EQ(j.precheck->items[1].result, "FAILED");
    EXPECT_EQ(j.precheck->items[1].failed_reason, "NO_PRIVILEGE");

    ASSERT_TRUE(j.migration_objects);
    EXPECT_EQ(j.migration_objects->create_time, at_millis(1667662342000));
    EXPECT_FALSE(j.migration_objects->full_complete_time);
    ASSERT_EQ(j.migration_objects->overview.size(), 1u);
    const auto& o = j.migration_objects->overview[0];
    EXPECT_EQ(o.type, "TABLE");
    EXPECT_EQ(o.src_count, 120);
    EXPECT_EQ(o.dst_count, 118);
    EXPECT_EQ(o.status, "TRANSFERING");
    EXPECT_FALSE(o.end_time);

    ASSERT_TRUE(j.metrics);
    const auto& m = *j.metrics;
    EXPECT_EQ(m.node_id, "n-1");
    EXPECT_EQ(m.time_stamp, at_millis(1667662400000));
    EXPECT_DOUBLE_EQ(*m.cpu_util, 0.125);
    EXPECT_DOUBLE_EQ(*m.mem_util, 0.40);
    EXPECT_DOUBLE_EQ(*m.network_incoming_bytes_rate, 1024.5);
    EXPECT_EQ(m.network_outgoing_bytes_rate, 2048.0);
    EXPECT_EQ(m.disk_read_bytes_rate, 10.0);
    EXPECT_EQ(m.disk_write_bytes_rate, 20.0);
    EXPECT_EQ(m.apply_rows_rate, 300.0);
    EXPECT_EQ(m.apply_transactions_rate, 15.0);
    EXPECT_EQ(m.apply_ddl_rate, 0.0);
    EXPECT_EQ(m.apply_average_execute_time, 1.5);
    EXPECT_EQ(m.apply_average_commit_time, 0.5);
    EXPECT_EQ(m.apply_current_state, "processing");
}

TEST(ParseAsyncJobDetail, FallsBackToTheSecondsDelayAndTreatsMinusOneAsNotApplicable)
{
    const auto r = parse_async_job_detail(
        R"({"jobs":[{"id":"a","progress_info":{"incr_trans_delay":"4"}},)"
        R"({"id":"b","progress_info":{"incr_trans_delay":"-1","incr_trans_delay_millis":"-1"}}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->jobs[0].progress->delay_seconds, 4.0);
    EXPECT_FALSE(r->jobs[1].progress->delay_seconds);
    EXPECT_FALSE(r->total_count);
}

TEST(ParseAsyncJobDetail, ReadsIsoTimesWithFractionsAndOffsets)
{
    const auto r = parse_async_job_detail(
        R"({"jobs":[{"id":"a","create_time":"2020-09-01T18:50:20.200Z"},)"
        R"({"id":"b","create_time":"2020-09-01 20:50:20+02:00"},{"id":"c","create_time":"2020-02-30T00:00:00Z"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->jobs[0].create_time, utc(2020, 9, 1, 18, 50, 20) + std::chrono::milliseconds(200));
    EXPECT_EQ(r->jobs[1].create_time, utc(2020, 9, 1, 18, 50, 20));
    EXPECT_FALSE(r->jobs[2].create_time) << "an impossible date is no timestamp";
}

TEST(ParseAsyncJobDetail, TreatsNullSubObjectsAsAbsent)
{
    const auto r = parse_async_job_detail(
        R"({"total_count":1,"jobs":[{"id":"a","status":null,"base_info":null,"progress_info":null,)"
        R"("metrics":null,"precheck_result":null,"migration_object_progress_info":null}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->jobs[0].status, "");
    EXPECT_EQ(r->jobs[0].base_info.name, "");
    EXPECT_FALSE(r->jobs[0].progress);
    EXPECT_FALSE(r->jobs[0].metrics);
}

TEST(ParseAsyncJobDetail, LeavesUnparseableMetricsEmpty)
{
    const auto r = parse_async_job_detail(
        R"({"jobs":[{"id":"a","metrics":{"cpu_util":"","mem_util":"abc","apply_rows_rate":null,"disk_util":"5"}}]})"
    );
    ASSERT_TRUE(r.has_value());
    const auto& m = *r->jobs[0].metrics;
    EXPECT_FALSE(m.cpu_util);
    EXPECT_FALSE(m.mem_util);
    EXPECT_FALSE(m.apply_rows_rate);
}

TEST(ParseAsyncJobDetail, ReportsWrongTypesWithTheirPaths)
{
    const auto jobs = parse_async_job_detail(R"({"jobs":"none"})");
    ASSERT_TRUE(jobs.has_error());
    EXPECT_EQ(jobs.error().where, "batch-async-jobs");
    EXPECT_EQ(jobs.error().path, "$.jobs");

    const auto status = parse_async_job_detail(R"({"jobs":[{"id":"a"},{"id":"b","status":12}]})");
    ASSERT_TRUE(status.has_error());
    EXPECT_EQ(status.error().path, "$.jobs[1].status");

    const auto progress = parse_async_job_detail(R"({"jobs":[{"id":"a","progress_info":"50%"}]})");
    ASSERT_TRUE(progress.has_error());
    EXPECT_EQ(progress.error().path, "$.jobs[0].progress_info");

    const auto map = parse_async_job_detail(
        R"({"jobs":[{"id":"a","progress_info":{"progress_map":{"data":1}}}]})"
    );
    ASSERT_TRUE(map.has_error());
    EXPECT_EQ(map.error().path, "$.jobs[0].progress_info.progress_map.data");

    const auto overview = parse_async_job_detail(
        R"({"jobs":[{"id":"a","migration_object_progress_info":{"migration_object_overview":{}}}]})"
    );
    ASSERT_TRUE(overview.has_error());
    EXPECT_EQ(overview.error().path, "$.jobs[0].migration_object_progress_info.migration_object_overview");

    const auto missing = parse_async_job_detail(R"({"total_count":0})");
    ASSERT_TRUE(missing.has_error());
    EXPECT_EQ(missing.error().path, "$.jobs");
}

TEST(ParseAsyncJobDetail, AcceptsAnEmptyPage)
{
    const auto r = parse_async_job_detail(R"({"total_count":0,"jobs":[]})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->total_count, 0);
    EXPECT_TRUE(r->jobs.empty());
}

TEST(ParseCollect, ReadsTheSeedExample)
{
    const auto r = parse_db_objects_collect(fixture("db_objects_collect.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->id, "0eacda0b-9422-4535-8b62-537d1833638b");
    EXPECT_EQ(r->status, "pending");
    EXPECT_EQ(r->job_id, "2fccbe0d-4e6b-4957-981a-edca4e2jb201");
}

TEST(ParseCollect, ReportsAMissingIdAndWrongTypes)
{
    const auto missing = parse_db_objects_collect(R"({"status":"pending"})");
    ASSERT_TRUE(missing.has_error());
    EXPECT_EQ(missing.error().where, "db-objects-collect");
    EXPECT_EQ(missing.error().path, "$.id");
    const auto status = parse_db_objects_collect(R"({"id":"q","status":1})");
    ASSERT_TRUE(status.has_error());
    EXPECT_EQ(status.error().path, "$.status");
}

TEST(ParseCollect, IgnoresUnknownFieldsAndNulls)
{
    const auto r = parse_db_objects_collect(R"({"id":"q","status":"success","job_id":null,"x":[1]})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, "success");
    EXPECT_EQ(r->job_id, "");
}

TEST(ParseCollectionStatus, ReadsIdAndStatusAndIgnoresTheObjectTree)
{
    const auto r = parse_collection_status(fixture("collection_status.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->id, "0eacda0b-9422-4535-8b62-537d1833638b");
    EXPECT_EQ(r->status, "success");
}

TEST(ParseCollectionStatus, ReportsANumericStatus)
{
    const auto r = parse_collection_status(R"({"id":"q","status":2})");
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().where, "collection-status");
    EXPECT_EQ(r.error().path, "$.status");
}

TEST(ParseCollectionStatus, AcceptsUppercaseKeys)
{
    const auto r = parse_collection_status(R"({"ID":"q","STATUS":"pending"})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->id, "q");
    EXPECT_EQ(r->status, "pending");
}
