#include "drsmon/drs_api/api.hpp"
#include "drsmon/drs_api/requests.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using namespace drsmon::drs_api;

namespace {

const std::vector<std::string> two_ids{"9a47-jb21", "dc67-jb21"};

}  // namespace

TEST(DrsApiNames, AreTheBoundedLabelValues)
{
    EXPECT_STREQ(api_name(api::batch_status), "batch-status");
    EXPECT_STREQ(api_name(api::batch_progress), "batch-progress");
    EXPECT_STREQ(api_name(api::batch_detail), "batch-detail");
    EXPECT_STREQ(api_name(api::batch_precheck_result), "batch-precheck-result");
    EXPECT_STREQ(api_name(api::batch_struct_process), "batch-struct-process");
    EXPECT_STREQ(api_name(api::batch_struct_detail), "batch-struct-detail");
    EXPECT_STREQ(api_name(api::job_list), "job-list");
    EXPECT_STREQ(api_name(api::async_job_detail), "batch-async-jobs");
    EXPECT_STREQ(api_name(api::db_objects_collect), "db-objects-collect");
    EXPECT_STREQ(api_name(api::collection_status), "collection-status");
    EXPECT_STREQ(api_name(api::job_list_v5), "job-list-v5");
}

TEST(DrsApiNames, AreUniqueAcrossAllApis)
{
    std::set<std::string> names;
    for (api a : all_apis)
        names.insert(api_name(a));
    EXPECT_EQ(names.size(), std::size(all_apis));
}

TEST(DrsApiRequests, BatchStatusAlwaysSendsPageReqSizedToTheIds)
{
    const auto r = batch_status_request("p1", two_ids);
    EXPECT_EQ(r.which, api::batch_status);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v3/p1/jobs/batch-status");
    EXPECT_TRUE(r.query.empty());
    EXPECT_EQ(r.body, R"({"jobs":["9a47-jb21","dc67-jb21"],"page_req":{"cur_page":1,"per_page":2}})");
}

TEST(DrsApiRequests, BatchDetailAlwaysSendsPageReqSizedToTheIds)
{
    const std::vector<std::string> one{"a"};
    const auto r = batch_detail_request("p1", one);
    EXPECT_EQ(r.which, api::batch_detail);
    EXPECT_EQ(r.path, "/v3/p1/jobs/batch-detail");
    EXPECT_EQ(r.body, R"({"jobs":["a"],"page_req":{"cur_page":1,"per_page":1}})");
}

TEST(DrsApiRequests, UnpagedBatchApisSendOnlyTheJobs)
{
    const auto progress = batch_progress_request("p1", two_ids);
    EXPECT_EQ(progress.path, "/v3/p1/jobs/batch-progress");
    EXPECT_EQ(progress.body, R"({"jobs":["9a47-jb21","dc67-jb21"]})");
    const auto precheck = batch_precheck_result_request("p1", two_ids);
    EXPECT_EQ(precheck.which, api::batch_precheck_result);
    EXPECT_EQ(precheck.path, "/v3/p1/jobs/batch-precheck-result");
    EXPECT_EQ(precheck.body, progress.body);
    const auto process = batch_struct_process_request("p1", two_ids);
    EXPECT_EQ(process.which, api::batch_struct_process);
    EXPECT_EQ(process.path, "/v3/p1/jobs/batch-struct-process");
    EXPECT_EQ(process.body, progress.body);
}

TEST(DrsApiRequests, BatchStructDetailPutsTheTypeInThePathAndPagingInPageReq)
{
    const std::vector<std::string> one{"0ea5c5a0-e1b5-4421-80a9-7c9ff27jb502"};
    const auto r = batch_struct_detail_request(
        "p1",
        one,
        struct_object_type::table_indexs,
        {.cur_page = 2, .per_page = 10}
    );
    EXPECT_EQ(r.which, api::batch_struct_detail);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v3/p1/jobs/table_indexs/batch-struct-detail");
    EXPECT_EQ(
        r.body,
        R"({"jobs":["0ea5c5a0-e1b5-4421-80a9-7c9ff27jb502"],"page_req":{"cur_page":2,"per_page":10}})"
    );
}

TEST(DrsApiRequests, StructObjectTypesSpellThePathValues)
{
    EXPECT_STREQ(to_string(struct_object_type::database), "database");
    EXPECT_STREQ(to_string(struct_object_type::schema), "schema");
    EXPECT_STREQ(to_string(struct_object_type::table), "table");
    EXPECT_STREQ(to_string(struct_object_type::view), "view");
    EXPECT_STREQ(to_string(struct_object_type::procedure), "procedure");
    EXPECT_STREQ(to_string(struct_object_type::trigger), "trigger");
    EXPECT_STREQ(to_string(struct_object_type::index), "index");
    EXPECT_STREQ(to_string(struct_object_type::table_structure), "table_structure");
}

TEST(DrsApiRequests, JobListSendsPagingAndDbUseType)
{
    const auto r = job_list_request("p1", {.cur_page = 1, .per_page = 100}, db_use_type::cloud_data_guard);
    EXPECT_EQ(r.which, api::job_list);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v3/p1/jobs");
    EXPECT_EQ(r.body, R"({"cur_page":1,"per_page":100,"db_use_type":"cloudDataGuard"})");
    EXPECT_STREQ(to_string(db_use_type::migration), "migration");
    EXPECT_STREQ(to_string(db_use_type::sync), "sync");
}

TEST(DrsApiRequests, JobListSendsTheFiltersThatAreSet)
{
    job_list_filter f;
    EXPECT_EQ(
        job_list_request("p1", {.cur_page = 2, .per_page = 100}, db_use_type::sync, f).body,
        R"({"cur_page":2,"per_page":100,"db_use_type":"sync"})"
    );
    f.engine_type = "mysql";
    f.enterprise_project_id = "ep-1";
    f.tags = {{"env", "prod"}, {"team", "db"}};
    EXPECT_EQ(
        job_list_request("p1", {.cur_page = 1, .per_page = 100}, db_use_type::migration, f).body,
        R"({"cur_page":1,"per_page":100,"db_use_type":"migration","engine_type":"mysql",)"
        R"("enterprise_project_id":"ep-1","tags":{"env":"prod","team":"db"}})"
    );
    EXPECT_EQ(db_use_type_from_string("cloudDataGuard"), db_use_type::cloud_data_guard);
    EXPECT_EQ(db_use_type_from_string("sync"), db_use_type::sync);
    EXPECT_FALSE(db_use_type_from_string("clouddataguard"));
}

TEST(DrsApiRequests, JobListV5IsAGetWithJobTypeOffsetAndLimit)
{
    const auto r = job_list_v5_request("p1", 200, 100, db_use_type::cloud_data_guard);
    EXPECT_EQ(r.which, api::job_list_v5);
    EXPECT_STREQ(api_name(r.which), "job-list-v5");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, "/v5/p1/jobs");
    const std::vector<std::pair<std::string, std::string>> q{
        {"job_type", "cloudDataGuard"},
        {"offset", "200"},
        {"limit", "100"}};
    EXPECT_EQ(r.query, q);
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(job_list_v5_request("p/1", 0, 1, db_use_type::sync).path, "/v5/p%2F1/jobs");
}

TEST(DrsApiRequests, JobListV5SendsEngineAndEnterpriseProjectButNoTags)
{
    job_list_filter f;
    f.engine_type = "mysql";
    f.enterprise_project_id = "ep-1";
    f.tags = {{"env", "prod"}};  // ListJobs has no tag filter
    const auto r = job_list_v5_request("p1", 0, 100, db_use_type::migration, f);
    const std::vector<std::pair<std::string, std::string>> q{
        {"job_type", "migration"},
        {"offset", "0"},
        {"limit", "100"},
        {"engine_type", "mysql"},
        {"enterprise_project_id", "ep-1"}};
    EXPECT_EQ(r.query, q);
    f.enterprise_project_id.clear();  // "all": nothing sent
    EXPECT_EQ(job_list_v5_request("p1", 0, 100, db_use_type::migration, f).query.size(), 4u);
}

TEST(DrsApiRequests, AsyncJobDetailIsAGetWithOffsetAndLimit)
{
    const auto r = async_job_detail_request("p1", "async-1", 20, 10);
    EXPECT_EQ(r.which, api::async_job_detail);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, "/v5/p1/batch-async-jobs/async-1");
    const std::vector<std::pair<std::string, std::string>> q{{"offset", "20"}, {"limit", "10"}};
    EXPECT_EQ(r.query, q);
    EXPECT_TRUE(r.body.empty());
}

TEST(DrsApiRequests, CollectSendsIsRefreshAsAString)
{
    const auto r = db_objects_collect_request("p1", "job-1", collect_type::source, true);
    EXPECT_EQ(r.which, api::db_objects_collect);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/v5.1/p1/jobs/job-1/db-objects/collect");
    EXPECT_EQ(r.body, R"({"type":"source","is_refresh":"true"})");
    EXPECT_EQ(
        db_objects_collect_request("p1", "job-1", collect_type::synchronized, false).body,
        R"({"type":"synchronized","is_refresh":"false"})"
    );
    EXPECT_STREQ(to_string(collect_type::modified), "modified");
}

TEST(DrsApiRequests, CollectionStatusIsAGetWithQueryId)
{
    const auto r = collection_status_request("p1", "job-1", "q-9");
    EXPECT_EQ(r.which, api::collection_status);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, "/v5/p1/jobs/job-1/db-objects/collection-status");
    ASSERT_EQ(r.query.size(), 1u);
    EXPECT_EQ(r.query[0].first, "query_id");
    EXPECT_EQ(r.query[0].second, "q-9");
}

TEST(DrsApiRequests, PathSegmentsArePercentEncoded)
{
    const auto r = collection_status_request("p/1", "job 1?x", "q");
    EXPECT_EQ(r.path, "/v5/p%2F1/jobs/job%201%3Fx/db-objects/collection-status");
}

TEST(DrsApiRequests, JobIdsAreJsonEscapedInTheBody)
{
    const std::vector<std::string> odd{"a\"b"};
    EXPECT_EQ(batch_progress_request("p", odd).body, R"({"jobs":["a\"b"]})");
}

// The bodies are written as text; they must be what serialising the JSON document gives.
TEST(DrsApiRequests, BatchBodiesAreTheSerialisedJsonDocument)
{
    const std::vector<std::string> ids{
        "plain-id",
        "quote\"back\\slash",
        std::string("nul\0ctl\x01\x1f", 9),
        "tab\tnl\n",
        "utf8-\xc3\xa9",
        "slash/\x7f"};
    boost::json::array jobs;
    for (const auto& id : ids)
        jobs.emplace_back(boost::json::string_view(id));
    const std::string unpaged = boost::json::serialize(boost::json::object{{"jobs", jobs}});
    const std::string paged = boost::json::serialize(boost::json::object{
        {"jobs", jobs},
        {"page_req",
         boost::json::object{{"cur_page", 1}, {"per_page", static_cast<std::int64_t>(ids.size())}}}});
    EXPECT_EQ(batch_progress_request("p", ids).body, unpaged);
    EXPECT_EQ(batch_status_request("p", ids).body, paged);
    EXPECT_EQ(batch_progress_request("p", {}).body, R"({"jobs":[]})");
}
