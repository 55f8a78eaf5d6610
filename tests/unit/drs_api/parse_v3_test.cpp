#include "drsmon/drs_api/parse.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace drsmon;
using namespace drsmon::drs_api;
using drs_api::test::at_millis;
using drs_api::test::expect_error_at;
using drs_api::test::fixture;

namespace {

}  // namespace

// ---- batch-status -------------------------------------------------------------------

TEST(ParseBatchStatus, ReadsTheDocumentedExample)
{
    const auto r = parse_batch_status(fixture("batch_status.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->count, 2);
    ASSERT_EQ(r->results.size(), 2u);
    EXPECT_EQ(r->results[0].id, "9a47b8e0-8e30-4b3c-a4ce-a5b2ba4jb21");
    EXPECT_EQ(r->results[0].status, "INCRE_TRANSFER_STARTED");
    EXPECT_FALSE(r->results[0].error);
    EXPECT_EQ(r->results[1].status, "INCRE_TRANSFER_FAILED");
}

TEST(ParseBatchStatus, KeepsPerItemErrorsOnTheItem)
{
    const auto r = parse_batch_status(
        R"({"results":[{"id":"a","status":"INCRE_TRANSFER_STARTED"},)"
        R"({"id":"b","error_code":"DRS.M05004","error_message":"deleted"}],"count":2})"
    );
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->results.size(), 2u);
    EXPECT_FALSE(r->results[0].error);
    ASSERT_TRUE(r->results[1].error);
    EXPECT_EQ(r->results[1].error->code, "DRS.M05004");
    EXPECT_EQ(r->results[1].error->message, "deleted");
    EXPECT_EQ(r->results[1].status, "");
}

TEST(ParseBatchStatus, AcceptsErrorMsgAsWellAsErrorMessage)
{
    const auto r = parse_batch_status(
        R"({"results":[{"id":"b","error_code":"DRS.M05003","error_msg":"gone"}]})"
    );
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->results[0].error);
    EXPECT_EQ(r->results[0].error->message, "gone");
    EXPECT_FALSE(r->count);
}

TEST(ParseBatchStatus, KeepsAnErrorItemWithoutAnId)
{
    const auto r = parse_batch_status(
        R"({"results":[{"error_code":"DRS.M00289","error_message":"non exist"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].id, "");
    EXPECT_EQ(r->results[0].error->code, "DRS.M00289");
}

TEST(ParseBatchStatus, IgnoresUnknownFields)
{
    const auto r = parse_batch_status(
        R"({"results":[{"id":"a","status":"X_NEW_STATUS","extra":{"deep":[1,2,3]},"n":1.5}],"count":1,"more":null})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].status, "X_NEW_STATUS");
}

TEST(ParseBatchStatus, TreatsNullStatusAsAbsent)
{
    const auto r = parse_batch_status(R"({"results":[{"id":"a","status":null}],"count":null})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].status, "");
    EXPECT_FALSE(r->count);
}

TEST(ParseBatchStatus, AcceptsEmptyAndNullResults)
{
    const auto empty = parse_batch_status(R"({"results":[],"count":0})");
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->results.empty());
    EXPECT_EQ(empty->count, 0);
    const auto null = parse_batch_status(R"({"results":null})");
    ASSERT_TRUE(null.has_value());
    EXPECT_TRUE(null->results.empty());
}

TEST(ParseBatchStatus, ReportsMissingResults)
{
    expect_error_at(parse_batch_status(R"({"count":0})"), "batch-status", "$.results");
}

TEST(ParseBatchStatus, ReportsResultsThatAreNotAnArray)
{
    expect_error_at(parse_batch_status(R"({"results":{"id":"a"}})"), "batch-status", "$.results");
}

TEST(ParseBatchStatus, ReportsANumericStatusWithItsPath)
{
    expect_error_at(
        parse_batch_status(
            R"({"results":[{"id":"a","status":"OK"},{"id":"b","status":"OK"},{"id":"c","status":3}]})"
        ),
        "batch-status",
        "$.results[2].status"
    );
}

TEST(ParseBatchStatus, ReportsAnItemThatIsNotAnObject)
{
    expect_error_at(parse_batch_status(R"({"results":[{"id":"a"},"b"]})"), "batch-status", "$.results[1]");
}

TEST(ParseBatchStatus, ReportsAMissingIdOnAnItemWithoutError)
{
    expect_error_at(
        parse_batch_status(R"({"results":[{"status":"OK"}]})"),
        "batch-status",
        "$.results[0].id"
    );
}

TEST(ParseBatchStatus, ReportsANumericId)
{
    expect_error_at(parse_batch_status(R"({"results":[{"id":7}]})"), "batch-status", "$.results[0].id");
}

TEST(ParseBatchStatus, MatchesKeysCaseInsensitivelyWhenNoExactKeyExists)
{
    const auto r = parse_batch_status(R"({"Results":[{"ID":"a","Status":"PAUSING"}]})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].id, "a");
    EXPECT_EQ(r->results[0].status, "PAUSING");
}

TEST(ParseBatchStatus, PrefersTheExactKeyOverAnEarlierCaseInsensitiveOne)
{
    const auto r = parse_batch_status(
        R"({"results":[{"ID":"upper","STATUS":"A","Status":"B","status":"C","id":"x"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].id, "x");
    EXPECT_EQ(r->results[0].status, "C");
    // Without an exact key, the first case-insensitive one in document order.
    const auto f = parse_batch_status(
        R"({"results":[{"Id":"first","ID":"second","stAtus":"A","STATUS":"B"}]})"
    );
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->results[0].id, "first");
    EXPECT_EQ(f->results[0].status, "A");
}

TEST(ParseBatchStatus, MatchesKeysTheSameWayInObjectsWithManyFields)
{
    std::string item = R"({"ID":"upper")";
    for (int i = 0; i < 40; ++i)
        item += ",\"extra_" + std::to_string(i) + "\":" + std::to_string(i);
    const auto exact = parse_batch_status(R"({"results":[)" + item + R"(,"id":"x","STATUS":"S"}]})");
    ASSERT_TRUE(exact.has_value());
    EXPECT_EQ(exact->results[0].id, "x");
    EXPECT_EQ(exact->results[0].status, "S");
    const auto folded = parse_batch_status(R"({"results":[)" + item + "}]}");
    ASSERT_TRUE(folded.has_value());
    EXPECT_EQ(folded->results[0].id, "upper");
}

TEST(ParseBatchStatus, RejectsBodiesThatAreNotAJsonObject)
{
    expect_error_at(parse_batch_status("<html>502</html>"), "batch-status", "$");
    expect_error_at(parse_batch_status(""), "batch-status", "$");
    expect_error_at(parse_batch_status("[1,2]"), "batch-status", "$");
    expect_error_at(parse_batch_status(R"({"results":[)"), "batch-status", "$");
}

// ---- batch-progress ------------------------------------------------------------------

TEST(ParseBatchProgress, ReadsTheDocumentedExampleValues)
{
    const auto r = parse_batch_progress(fixture("batch_progress.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(r->results.size(), 2u);
    const auto& a = r->results[0];
    EXPECT_EQ(a.job_id, "9ef19165-0a5a-4d24-8a67-e7ec3e4jb101");
    EXPECT_EQ(a.progress.ratio, 1.0);
    EXPECT_EQ(a.progress.delay_seconds, 0.0);
    EXPECT_EQ(a.progress.task_mode, "FULL_INCR_TRANS");
    EXPECT_EQ(a.progress.transfer_status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(a.progress.process_time, at_millis(1608274919000));
    EXPECT_EQ(a.progress.remaining_seconds, 0.0);
    ASSERT_EQ(a.progress.phases.size(), 3u);
    EXPECT_EQ(a.progress.phases[0].name, "struct");
    EXPECT_DOUBLE_EQ(*a.progress.phases[0].completed, 0.94);
    EXPECT_FALSE(a.progress.phases[0].remaining_seconds);
    EXPECT_EQ(a.progress.phases[1].name, "data");
    EXPECT_EQ(a.progress.phases[1].completed, 1.0);

    const auto& b = r->results[1];
    EXPECT_DOUBLE_EQ(*b.progress.ratio, 0.37);
    EXPECT_FALSE(b.progress.delay_seconds) << "-1 means not in the incremental phase";
    EXPECT_EQ(b.progress.remaining_seconds, 3600.0);
    ASSERT_EQ(b.progress.phases.size(), 1u);
    EXPECT_EQ(b.progress.phases[0].remaining_seconds, 3600.0);
}

TEST(ParseBatchProgress, PrefersTheMillisecondDelay)
{
    const auto r = parse_batch_progress(
        R"({"results":[{"job_id":"a","incre_trans_delay":"2","incre_trans_delay_millis":"1500"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_DOUBLE_EQ(*r->results[0].progress.delay_seconds, 1.5);
}

TEST(ParseBatchProgress, FallsBackToSecondsWhenMillisAreMinusOneOrAbsent)
{
    const auto r = parse_batch_progress(
        R"({"results":[{"job_id":"a","incre_trans_delay":"7","incre_trans_delay_millis":"-1"},)"
        R"({"job_id":"b","incre_trans_delay":" 12 "},{"job_id":"c","incre_trans_delay":-1}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].progress.delay_seconds, 7.0);
    EXPECT_EQ(r->results[1].progress.delay_seconds, 12.0);
    EXPECT_FALSE(r->results[2].progress.delay_seconds);
}

TEST(ParseBatchProgress, AcceptsPercentagesWithAndWithoutSignsAndSpaces)
{
    const auto r = parse_batch_progress(
        R"({"results":[{"job_id":"a","progress":"55%"},{"job_id":"b","progress":" 55 % "},)"
        R"({"job_id":"c","progress":55},{"job_id":"d","progress":"55.5"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_DOUBLE_EQ(*r->results[0].progress.ratio, 0.55);
    EXPECT_DOUBLE_EQ(*r->results[1].progress.ratio, 0.55);
    EXPECT_DOUBLE_EQ(*r->results[2].progress.ratio, 0.55);
    EXPECT_DOUBLE_EQ(*r->results[3].progress.ratio, 0.555);
}

TEST(ParseBatchProgress, LeavesUnparseableOrOutOfRangeValuesEmpty)
{
    const auto r = parse_batch_progress(
        R"({"results":[{"job_id":"a","progress":"n/a","incre_trans_delay":"soon","process_time":"0",)"
        R"("remaining_time":null},{"job_id":"b","progress":"250","process_time":"yesterday"},)"
        R"({"job_id":"c","progress":true,"incre_trans_delay":"nan","remaining_time":"inf"}]})"
    );
    ASSERT_TRUE(r.has_value());
    for (const auto& item : r->results)
    {
        EXPECT_FALSE(item.progress.ratio) << item.job_id;
        EXPECT_FALSE(item.progress.delay_seconds) << item.job_id;
        EXPECT_FALSE(item.progress.process_time) << item.job_id;
        EXPECT_FALSE(item.progress.remaining_seconds) << item.job_id;
    }
}

TEST(ParseBatchProgress, KeepsErrorMsgOnTheItem)
{
    const auto r = parse_batch_progress(
        R"({"results":[{"job_id":"a","error_code":"DRS.M05004","error_msg":"deleted"}],"count":1})"
    );
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->results[0].error);
    EXPECT_EQ(r->results[0].error->code, "DRS.M05004");
    EXPECT_EQ(r->results[0].error->message, "deleted");
    EXPECT_FALSE(r->results[0].progress.ratio);
}

TEST(ParseBatchProgress, ReportsAProgressMapThatIsNotAnObject)
{
    expect_error_at(
        parse_batch_progress(R"({"results":[{"job_id":"a","progress_map":[1]}]})"),
        "batch-progress",
        "$.results[0].progress_map"
    );
}

TEST(ParseBatchProgress, ReportsAPhaseThatIsNotAnObject)
{
    expect_error_at(
        parse_batch_progress(R"({"results":[{"job_id":"a","progress_map":{"data":"94%"}}]})"),
        "batch-progress",
        "$.results[0].progress_map.data"
    );
}

TEST(ParseBatchProgress, ReportsANumericTransferStatus)
{
    expect_error_at(
        parse_batch_progress(R"({"results":[{"job_id":"a","transfer_status":2}]})"),
        "batch-progress",
        "$.results[0].transfer_status"
    );
}

TEST(ParseBatchProgress, AcceptsEmptyResultsAndIgnoresUnknownFields)
{
    const auto r = parse_batch_progress(R"({"results":[],"count":0,"new_field":{"x":1}})");
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->results.empty());
}

// ---- batch-detail -------------------------------------------------------------------

TEST(ParseBatchDetail, ReadsTheMonitoringFields)
{
    const auto r = parse_batch_detail(fixture("batch_detail.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(r->results.size(), 1u);
    const auto& d = r->results[0];
    EXPECT_EQ(d.id, "140b5236-88ad-43c8-811c-1268453jb101");
    EXPECT_EQ(d.parent_id, "");
    EXPECT_EQ(d.name, "DRS-mysql-sync");
    EXPECT_EQ(d.status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(d.db_use_type, "sync");
    EXPECT_EQ(d.task_type, "FULL_INCR_TRANS");
    EXPECT_EQ(d.job_direction, "up");
    EXPECT_EQ(d.engine_type, "mysql");
    EXPECT_EQ(d.instance_status, "ACTIVE");
    EXPECT_EQ(d.net_type, "eip");
    EXPECT_EQ(d.node_role, "master");
    EXPECT_EQ(d.create_time, at_millis(1608519469412));
    EXPECT_EQ(d.update_time, at_millis(1608523000000));
    EXPECT_EQ(d.actual_start_time, at_millis(1608519600000));
    EXPECT_FALSE(d.full_transfer_complete_time) << "\"0\" means unset";
    EXPECT_EQ(d.node_num, 1);
    EXPECT_EQ(d.multi_write, false);
    EXPECT_EQ(d.is_multi_az, false);
    EXPECT_FALSE(d.error);
}

TEST(ParseBatchDetail, TakesTheEngineFromTheSourceEndpointWithoutInstInfo)
{
    const auto r = parse_batch_detail(
        R"({"results":[{"id":"a","status":"CONFIGURATION","source_endpoint":{"db_type":"oracle"}},)"
        R"({"id":"b","source_endpoint":[{"db_type":"redis"}]},{"id":"c","inst_info":{"engine_type":""},)"
        R"("source_endpoint":"weird"}]})"
    );
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->results[0].engine_type, "oracle");
    EXPECT_EQ(r->results[1].engine_type, "redis");
    EXPECT_EQ(r->results[2].engine_type, "");
}

TEST(ParseBatchDetail, AcceptsNumbersAsStringsAndNulls)
{
    const auto r = parse_batch_detail(
        R"({"results":[{"id":"a","node_num":"3","multi_write":"true","create_time":1608519469412,)"
        R"("update_time":null,"failed_reason":null,"inst_info":null}]})"
    );
    ASSERT_TRUE(r.has_value());
    const auto& d = r->results[0];
    EXPECT_EQ(d.node_num, 3);
    EXPECT_EQ(d.multi_write, true);
    EXPECT_EQ(d.create_time, at_millis(1608519469412));
    EXPECT_FALSE(d.update_time);
    EXPECT_EQ(d.failed_reason, "");
}

TEST(ParseBatchDetail, KeepsPerJobErrorsAndFailedReason)
{
    const auto r = parse_batch_detail(
        R"({"results":[{"id":"a","status":"INCRE_TRANSFER_FAILED","failed_reason":"binlog purged"},)"
        R"({"id":"b","error_code":"DRS.M05003","error_message":"Task information not found."}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].failed_reason, "binlog purged");
    ASSERT_TRUE(r->results[1].error);
    EXPECT_EQ(r->results[1].error->code, "DRS.M05003");
}

TEST(ParseBatchDetail, ReportsInstInfoOfTheWrongType)
{
    expect_error_at(
        parse_batch_detail(R"({"results":[{"id":"a"},{"id":"b","inst_info":"ACTIVE"}]})"),
        "batch-detail",
        "$.results[1].inst_info"
    );
}

TEST(ParseBatchDetail, ReportsAMissingResultsArray)
{
    expect_error_at(parse_batch_detail(R"({"count":1})"), "batch-detail", "$.results");
}

// ---- batch-precheck-result ----------------------------------------------------------

TEST(ParsePrecheck, ReadsTheMysqlSeedExample)
{
    const auto r = parse_batch_precheck_result(fixture("batch_precheck_result_mysql.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->count, 1);
    ASSERT_EQ(r->results.size(), 1u);
    const auto& p = r->results[0];
    EXPECT_EQ(p.job_id, "140b5236-88ad-43c8-811c-1268453jb101") << "precheck_id carries the job id";
    EXPECT_EQ(p.precheck_id, "140b5236-88ad-43c8-811c-1268453jb101");
    EXPECT_EQ(p.summary.passed, true);
    EXPECT_EQ(p.summary.process, 1.0);
    EXPECT_EQ(p.summary.total_passed_rate, 1.0);
    EXPECT_EQ(p.summary.job_direction, "up");
    ASSERT_EQ(p.summary.items.size(), 39u);
    EXPECT_EQ(p.summary.items[0].item, "dstDbDiskSize");
    EXPECT_EQ(p.summary.items[0].result, "PASSED");
    EXPECT_EQ(p.summary.items[0].group, "db_disk_size");
    EXPECT_EQ(p.summary.items.back().item, "srcDbConnection");
    EXPECT_EQ(p.summary.items.back().group, "network");
}

TEST(ParsePrecheck, ReadsAlarmsOfTheDdsSeedExample)
{
    const auto r = parse_batch_precheck_result(fixture("batch_precheck_result_dds.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    const auto& p = r->results[0];
    EXPECT_EQ(p.job_id, "a281f62f-4631-45d6-a2d3-679a9f4jb105");
    ASSERT_EQ(p.summary.items.size(), 27u);
    int alarms = 0;
    for (const auto& it : p.summary.items)
    {
        if (it.result == "ALARM")
        {
            ++alarms;
            EXPECT_FALSE(it.failed_reason.empty());
        }
    }
    EXPECT_EQ(alarms, 2);
    EXPECT_EQ(p.summary.items[6].item, "srcCollHasTtlIndex");
    EXPECT_EQ(p.summary.items[6].failed_reason, "SRC_HAS_TTL_INDEXES");
    EXPECT_EQ(p.summary.items[24].failed_reason, "SRC_INSTANCE_TYPE_IS_REPLICA_SET");
}

TEST(ParsePrecheck, PrefersAnExplicitJobId)
{
    const auto r = parse_batch_precheck_result(
        R"({"results":[{"job_id":"job-1","precheck_id":"pc-1","result":false,"process":"50%","total_passed_rate":"80"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].job_id, "job-1");
    EXPECT_EQ(r->results[0].precheck_id, "pc-1");
    EXPECT_EQ(r->results[0].summary.passed, false);
    EXPECT_DOUBLE_EQ(*r->results[0].summary.process, 0.5);
    EXPECT_DOUBLE_EQ(*r->results[0].summary.total_passed_rate, 0.8);
}

TEST(ParsePrecheck, KeepsItemErrorsAndAbsentFieldsEmpty)
{
    const auto r = parse_batch_precheck_result(
        R"({"results":[{"precheck_id":"a","error_code":"DRS.M00304","error_msg":"wrong state","precheck_result":null}]})"
    );
    ASSERT_TRUE(r.has_value());
    const auto& p = r->results[0];
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->code, "DRS.M00304");
    EXPECT_FALSE(p.summary.passed);
    EXPECT_FALSE(p.summary.process);
    EXPECT_TRUE(p.summary.items.empty());
}

TEST(ParsePrecheck, ReportsAnItemListOfTheWrongType)
{
    expect_error_at(
        parse_batch_precheck_result(R"({"results":[{"precheck_id":"a","precheck_result":"PASSED"}]})"),
        "batch-precheck-result",
        "$.results[0].precheck_result"
    );
    expect_error_at(
        parse_batch_precheck_result(R"({"results":[{"precheck_id":"a","precheck_result":[{"item":"x"},3]}]})"
        ),
        "batch-precheck-result",
        "$.results[0].precheck_result[1]"
    );
}

// ---- batch-struct-process -----------------------------------------------------------

TEST(ParseStructProcess, ReadsTheSeedExample)
{
    const auto r = parse_batch_struct_process(fixture("batch_struct_process.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(r->results.size(), 1u);
    const auto& p = r->results[0];
    EXPECT_EQ(p.job_id, "8ee21a0b-fff5-46b4-a6dd-6c54d5djb201");
    EXPECT_EQ(p.create_time, at_millis(1608429670521));
    ASSERT_EQ(p.objects.size(), 7u);
    EXPECT_EQ(p.objects[0].type, "table");
    EXPECT_EQ(p.objects[0].status, 2);
    EXPECT_EQ(p.objects[0].src_count, 0);
    EXPECT_EQ(p.objects[0].start_time, at_millis(1608097599000));
    EXPECT_EQ(p.objects[0].end_time, at_millis(1608097600000));
    EXPECT_EQ(p.objects[3].type, "database");
    EXPECT_EQ(p.objects[3].src_count, 1);
    EXPECT_EQ(p.objects[3].dst_count, 1);
    EXPECT_EQ(p.objects[6].type, "table_indexs");
}

TEST(ParseStructProcess, KeepsUppercaseTypesAndAnOpenEndTime)
{
    const auto r = parse_batch_struct_process(
        R"({"results":[{"job_id":"a","struct_process":{"result":[{"type":"TABLE_INDEX","status":"1",)"
        R"("src_count":"10","dst_count":4,"start_time":"1608097599000"}]}}]})"
    );
    ASSERT_TRUE(r.has_value());
    const auto& o = r->results[0].objects[0];
    EXPECT_EQ(o.type, "TABLE_INDEX");
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.src_count, 10);
    EXPECT_EQ(o.dst_count, 4);
    EXPECT_FALSE(o.end_time);
}

TEST(ParseStructProcess, KeepsPerJobErrorsWithoutStructProcess)
{
    const auto r = parse_batch_struct_process(
        R"({"results":[{"job_id":"a","error_code":"DRS.M05004","error_message":"deleted"}],"count":1})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].error->code, "DRS.M05004");
    EXPECT_TRUE(r->results[0].objects.empty());
    EXPECT_FALSE(r->results[0].create_time);
}

TEST(ParseStructProcess, ReportsAResultListOfTheWrongType)
{
    expect_error_at(
        parse_batch_struct_process(R"({"results":[{"job_id":"a","struct_process":{"result":{}}}]})"),
        "batch-struct-process",
        "$.results[0].struct_process.result"
    );
}

// ---- batch-struct-detail ------------------------------------------------------------

TEST(ParseStructDetail, ReadsTheSeedExampleWithMixedCaseKeys)
{
    const auto r = parse_batch_struct_detail(fixture("batch_struct_detail.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    const auto& d = r->results[0];
    EXPECT_EQ(d.job_id, "8d0e8e36-a618-490d-8a46-8c61ac9jb502");
    EXPECT_EQ(d.total_record, 1);
    EXPECT_EQ(d.create_time, at_millis(1608429484785));
    ASSERT_EQ(d.list.size(), 1u);
    EXPECT_EQ(d.list[0].progress, 1.0);
    EXPECT_EQ(d.list[0].src_db, "test1");
    EXPECT_EQ(d.list[0].src_tb, "test1");
    EXPECT_EQ(d.list[0].dst_db, "test1");
    EXPECT_EQ(d.list[0].dst_tb, "test1");
}

TEST(ParseStructDetail, ReadsLowercaseKeysToo)
{
    const auto r = parse_batch_struct_detail(
        R"({"results":[{"job_id":"a","struct_detail":{"list":[{"progress":"40%","src_db":"s.d","src_tb":"t",)"
        R"("dst_db":"d","dst_tb":"t2"}]}}]})"
    );
    ASSERT_TRUE(r.has_value());
    const auto& e = r->results[0].list[0];
    EXPECT_DOUBLE_EQ(*e.progress, 0.4);
    EXPECT_EQ(e.src_db, "s.d");
    EXPECT_EQ(e.src_tb, "t");
    EXPECT_EQ(e.dst_db, "d");
    EXPECT_EQ(e.dst_tb, "t2");
    EXPECT_FALSE(r->results[0].total_record);
}

TEST(ParseStructDetail, ReportsAListEntryThatIsNotAnObject)
{
    expect_error_at(
        parse_batch_struct_detail(R"({"results":[{"job_id":"a","struct_detail":{"list":[null]}}]})"),
        "batch-struct-detail",
        "$.results[0].struct_detail.list[0]"
    );
}

TEST(ParseStructDetail, ReportsAStructDetailOfTheWrongType)
{
    expect_error_at(
        parse_batch_struct_detail(R"({"results":[{"job_id":"a","struct_detail":[]}]})"),
        "batch-struct-detail",
        "$.results[0].struct_detail"
    );
}

// ---- job list -------------------------------------------------------------------------

TEST(ParseJobList, ReadsJobsAndChildren)
{
    const auto r = parse_job_list(fixture("job_list.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->total_record, 2);
    ASSERT_EQ(r->jobs.size(), 2u);
    const auto& a = r->jobs[0];
    EXPECT_EQ(a.id, "9a47b8e0-8e30-4b3c-a4ce-a5b2ba4jb21");
    EXPECT_EQ(a.name, "DRS-1234");
    EXPECT_EQ(a.status, "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(a.db_use_type, "migration");
    EXPECT_EQ(a.engine_type, "mysql");
    EXPECT_EQ(a.task_type, "FULL_INCR_TRANS");
    EXPECT_EQ(a.job_direction, "up");
    EXPECT_EQ(a.create_time, at_millis(1608519469412));
    EXPECT_TRUE(a.children.empty());
    const auto& b = r->jobs[1];
    ASSERT_EQ(b.children.size(), 2u);
    EXPECT_EQ(b.children[1].id, "c2");
    EXPECT_EQ(b.children[1].name, "DRS-dual-2");
    EXPECT_EQ(b.children[1].status, "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(b.children[1].error_msg, "connection lost");
}

TEST(ParseJobList, AcceptsAnEmptyPage)
{
    const auto r = parse_job_list(R"({"total_record":0,"jobs":[]})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->total_record, 0);
    EXPECT_TRUE(r->jobs.empty());
}

TEST(ParseJobList, ReportsWrongTypesWithTheirPaths)
{
    expect_error_at(parse_job_list(R"({"total_record":1})"), "job-list", "$.jobs");
    expect_error_at(
        parse_job_list(R"({"jobs":[{"id":"a","status":false}]})"),
        "job-list",
        "$.jobs[0].status"
    );
    expect_error_at(parse_job_list(R"({"jobs":[{"name":"no id"}]})"), "job-list", "$.jobs[0].id");
    expect_error_at(
        parse_job_list(R"({"jobs":[{"id":"a","children":[{"id":"c","status":{}}]}]})"),
        "job-list",
        "$.jobs[0].children[0].status"
    );
    expect_error_at(
        parse_job_list(R"({"jobs":[{"id":"a","children":"none"}]})"),
        "job-list",
        "$.jobs[0].children"
    );
}
