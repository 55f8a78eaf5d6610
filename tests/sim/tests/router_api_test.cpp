#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace drsmon::sim;
using namespace drsmon::sim::testing;
namespace json = boost::json;

namespace {
const std::string job_sync = "3f0c2a10-4d2b-4c55-9e3a-1b2c3d4jb201";
const std::string job_dr = "7a1e9c44-0b6f-4e1d-8a7b-5e6f7a8jb502";
const std::string job_precheck = "9b2f0d55-1c7a-4f2e-9b8c-6f7a8b9jb101";
}  // namespace

TEST(SimBatchStatus, ReturnsOnlyFiveResultsWhenPageReqIsAbsent)
{
    harness h(8);
    auto res = h.post("batch-status", {{"jobs", jobs_array(h.ids())}});
    ASSERT_EQ(res.status, 200u);
    auto v = parse(res);
    EXPECT_EQ(v.at("results").as_array().size(), 5u);
    EXPECT_EQ(v.at("count").as_int64(), 8);
    const auto& first = v.at("results").at(0).as_object();
    EXPECT_EQ(first.at("id").as_string(), h.ids()[0]);
    EXPECT_TRUE(first.at("status").is_string());
}

TEST(SimBatchStatus, HonoursPageReqIncludingPerPageZeroForAll)
{
    harness h(8);
    auto all = parse(h.post(
        "batch-status",
        {{"jobs", jobs_array(h.ids())}, {"page_req", {{"cur_page", 1}, {"per_page", 0}}}}
    ));
    EXPECT_EQ(all.at("results").as_array().size(), 8u);
    auto second = parse(h.post(
        "batch-status",
        {{"jobs", jobs_array(h.ids())}, {"page_req", {{"cur_page", 2}, {"per_page", 5}}}}
    ));
    ASSERT_EQ(second.at("results").as_array().size(), 3u);
    EXPECT_EQ(second.at("results").at(0).at("id").as_string(), h.ids()[5]);
    auto bad = h.post(
        "batch-status",
        {{"jobs", jobs_array(h.ids())}, {"page_req", {{"cur_page", 1}, {"per_page", 101}}}}
    );
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(parse(bad).at("error_code").as_string(), "DRS.M00210");
}

TEST(SimBatchStatus, FailsTheWholeBatchWith400WhenOneJobIsUnknown)
{
    harness h(3);
    auto ids = h.ids();
    ids.push_back("00000000-0000-0000-0000-000000jb0000");
    for (const char* api : {"batch-status", "batch-progress", "batch-detail", "batch-precheck-result"})
    {
        auto res = h.post(api, {{"jobs", jobs_array(ids)}, {"page_req", {{"cur_page", 1}, {"per_page", 0}}}});
        ASSERT_EQ(res.status, 400u) << api;
        auto v = parse(res);
        EXPECT_EQ(v.at("results").at(0).at("error_code").as_string(), "DRS.M00289") << api;
        EXPECT_EQ(v.at("count").as_int64(), 1);
    }
    auto progress = parse(h.post("batch-progress", {{"jobs", jobs_array(ids)}}));
    EXPECT_TRUE(progress.at("results").at(0).as_object().contains("error_msg"));
    EXPECT_EQ(progress.at("results").at(0).at("job_id").as_string(), ids.back());
    auto status = parse(h.post("batch-status", {{"jobs", jobs_array(ids)}}));
    EXPECT_TRUE(status.at("results").at(0).as_object().contains("error_message"));
}

TEST(SimBatchStatus, RejectsDuplicateAndEmptyJobLists)
{
    harness h(2);
    auto dup = h.post("batch-status", {{"jobs", {h.ids()[0], h.ids()[0]}}});
    EXPECT_EQ(dup.status, 400u);
    EXPECT_EQ(parse(dup).at("error_code").as_string(), "DRS.M00301");
    auto empty = h.post("batch-status", {{"jobs", json::array{}}});
    EXPECT_EQ(parse(empty).at("error_code").as_string(), "DRS.M00201");
}

TEST(SimRouting, AnswersWrongProjectWith403AndUnknownPathsWith404)
{
    harness h(1);
    auto wrong = h.call(
        "POST",
        "/v3/ffffffffffffffffffffffffffffffff/jobs/batch-status",
        R"({"jobs":["x"]})"
    );
    EXPECT_EQ(wrong.status, 403u);
    EXPECT_EQ(parse(wrong).at("error_code").as_string(), "DRS.M00261");
    auto unknown = h.call("GET", "/v3/" + std::string(project) + "/nothing");
    EXPECT_EQ(unknown.status, 404u);
    EXPECT_EQ(parse(unknown).at("error_code").as_string(), "APIGW.0101");
    EXPECT_FALSE(parse(unknown).at("request_id").as_string().empty());
    auto slash = h.call("POST", "/v3/" + std::string(project) + "/jobs/batch-status/", R"({"jobs":["x"]})");
    EXPECT_EQ(slash.status, 404u);
    EXPECT_FALSE(wrong.header("X-Request-Id").empty());
    EXPECT_NE(wrong.header("X-Request-Id"), unknown.header("X-Request-Id"));
}

TEST(SimBatchProgress, UsesStringsWithoutPercentAndMinusOneDelayDuringFullPhase)
{
    harness h(0, true);
    h.r->advance(std::chrono::minutes(7));  // half-way through the full phase of job_sync
    auto res = h.post("batch-progress", {{"jobs", {job_sync}}});
    ASSERT_EQ(res.status, 200u);
    auto v = parse(res);
    const auto& r = v.at("results").at(0).as_object();
    EXPECT_EQ(r.at("job_id").as_string(), job_sync);
    EXPECT_EQ(r.at("progress").as_string(), "50");
    EXPECT_EQ(r.at("incre_trans_delay").as_string(), "-1");
    EXPECT_EQ(r.at("incre_trans_delay_millis").as_string(), "-1");
    EXPECT_EQ(r.at("task_mode").as_string(), "FULL_INCR_TRANS");
    EXPECT_EQ(r.at("transfer_status").as_string(), "FULL_TRANSFER_STARTED");
    EXPECT_EQ(r.at("process_time").as_string().size(), 13u);
    EXPECT_EQ(r.at("progress_map").at("struct").at("completed").as_string(), "100%");
    EXPECT_TRUE(r.at("progress_map").at("struct").at("remaining_time").is_null());
    EXPECT_EQ(r.at("progress_map").at("data").at("completed").as_string(), "50%");
    EXPECT_TRUE(r.at("progress_map").at("data").at("remaining_time").is_string());
}

TEST(SimBatchProgress, ReportsIncrementalDelayAsStringSeconds)
{
    harness h(0, true);
    h.r->advance(std::chrono::minutes(15));
    auto v = parse(h.post("batch-progress", {{"jobs", {job_sync}}}));
    const auto& r = v.at("results").at(0).as_object();
    EXPECT_EQ(r.at("transfer_status").as_string(), "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(r.at("progress").as_string(), "100");
    EXPECT_EQ(r.at("incre_trans_delay").as_string(), "3");
    EXPECT_EQ(r.at("incre_trans_delay_millis").as_string(), "3000");
}

TEST(SimBatchDetail, CarriesEpochMillisStringsAndEndpoints)
{
    harness h(0, true);
    h.r->advance(std::chrono::minutes(21));
    auto v = parse(
        h.post("batch-detail", {{"jobs", {job_sync}}, {"page_req", {{"cur_page", 1}, {"per_page", 0}}}})
    );
    const auto& r = v.at("results").at(0).as_object();
    EXPECT_EQ(r.at("status").as_string(), "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(r.at("failed_reason").as_string(), "binlog purged");
    EXPECT_EQ(r.at("db_use_type").as_string(), "sync");
    EXPECT_EQ(r.at("create_time").as_string().size(), 13u);
    EXPECT_TRUE(r.at("node_num").is_int64());
    EXPECT_TRUE(r.at("inst_info").at("volume_size").is_int64());
    EXPECT_TRUE(r.at("source_endpoint").at("db_port").is_int64());
    EXPECT_FALSE(r.at("source_endpoint").at("db_password").as_string().empty());
}

TEST(SimPrecheck, MatchesTheDocumentedShapeOncePassed)
{
    harness h(0, true);
    h.r->advance(std::chrono::seconds(30));
    auto v = parse(h.post("batch-precheck-result", {{"jobs", {job_sync, job_precheck}}}));
    ASSERT_EQ(v.at("count").as_int64(), 2);
    const auto& ok = v.at("results").at(0).as_object();
    EXPECT_EQ(ok.at("precheck_id").as_string(), job_sync);
    EXPECT_EQ(ok.at("result").as_bool(), true);
    EXPECT_EQ(ok.at("process").as_string(), "100%");
    EXPECT_EQ(ok.at("total_passed_rate").as_string(), "100%");
    const auto& items = ok.at("precheck_result").as_array();
    EXPECT_EQ(items.size(), 40u);
    auto alarm = std::find_if(items.begin(), items.end(), [](const json::value& i) {
        return i.at("item").as_string() == "srcDbBinlogExpireLogsDays";
    });
    ASSERT_NE(alarm, items.end());
    EXPECT_EQ(alarm->at("result").as_string(), "ALARM");
    const auto& failed = v.at("results").at(1).as_object();
    EXPECT_EQ(failed.at("result").as_bool(), false);
    EXPECT_EQ(failed.at("total_passed_rate").as_string(), "97%");
}

TEST(SimPrecheck, ReportsProgressWhileRunning)
{
    harness h(0, true);
    h.r->advance(std::chrono::seconds(10));
    auto v = parse(h.post("batch-precheck-result", {{"jobs", {job_sync}}}));
    const auto& r = v.at("results").at(0).as_object();
    EXPECT_EQ(r.at("process").as_string(), "50%");
    EXPECT_EQ(r.at("result").as_bool(), false);
    EXPECT_EQ(r.at("precheck_result").as_array().size(), 20u);
}

TEST(SimStructProcess, ReportsLowercaseTypesWithIntegerStatusAndCounts)
{
    harness h(0, true);
    h.r->advance(std::chrono::seconds(10 + 450));  // half-way through initialisation
    auto v = parse(h.post("batch-struct-process", {{"jobs", {job_dr, job_sync}}}));
    const auto& r = v.at("results").at(0).as_object();
    EXPECT_EQ(r.at("job_id").as_string(), job_dr);
    const auto& list = r.at("struct_process").at("result").as_array();
    ASSERT_EQ(list.size(), 9u);
    EXPECT_EQ(list[0].at("type").as_string(), "database");
    EXPECT_EQ(list[0].at("status").as_int64(), 2);
    EXPECT_EQ(list[0].at("src_count").as_int64(), 2);
    EXPECT_EQ(list[0].at("dst_count").as_int64(), 2);
    EXPECT_TRUE(list[0].at("start_time").is_int64());
    EXPECT_TRUE(list[0].at("end_time").is_int64());
    EXPECT_EQ(list[8].at("status").as_int64(), 1);
    EXPECT_FALSE(list[8].as_object().contains("end_time"));
    EXPECT_TRUE(r.at("struct_process").at("create_time").is_string());
    EXPECT_EQ(v.at("results").at(1).at("error_code").as_string(), "DRS.M00304");
}

TEST(SimStructDetail, PagesOverItemsWithDefaultFiveAndRejectsPagesBeyondTheEnd)
{
    harness h(0, true);
    h.r->advance(std::chrono::hours(1));
    std::string base = "/v3/" + std::string(project) + "/jobs/table/batch-struct-detail";
    auto def = parse(h.call("POST", base, json::serialize(json::object{{"jobs", {job_dr}}})));
    const auto& sd = def.at("results").at(0).at("struct_detail").as_object();
    EXPECT_EQ(sd.at("list").as_array().size(), 5u);
    EXPECT_EQ(sd.at("total_record").as_int64(), 12);
    const auto& item = sd.at("list").at(0).as_object();
    EXPECT_EQ(item.at("progress").as_int64(), 100);
    for (const char* k : {"src_DB", "src_TB", "dst_DB", "dst_TB"})
        EXPECT_TRUE(item.at(k).is_string()) << k;
    auto last = parse(h.call(
        "POST",
        base,
        json::serialize(json::object{{"jobs", {job_dr}}, {"page_req", {{"cur_page", 3}, {"per_page", 5}}}})
    ));
    EXPECT_EQ(last.at("results").at(0).at("struct_detail").at("list").as_array().size(), 2u);
    auto beyond = h.call(
        "POST",
        base,
        json::serialize(json::object{{"jobs", {job_dr}}, {"page_req", {{"cur_page", 4}, {"per_page", 5}}}})
    );
    EXPECT_EQ(beyond.status, 400u);
    EXPECT_EQ(parse(beyond).at("error_code").as_string(), "DRS.M00211");
    auto bad_type = h.call(
        "POST",
        "/v3/" + std::string(project) + "/jobs/tables/batch-struct-detail",
        R"({"jobs":[")" + job_dr + "\"]}"
    );
    EXPECT_EQ(bad_type.status, 400u);
}

TEST(SimJobList, FiltersByUseTypeAndPages)
{
    harness h(12);
    auto v = parse(h.call(
        "POST",
        "/v3/" + std::string(project) + "/jobs",
        R"({"cur_page":1,"per_page":2,"db_use_type":"migration"})"
    ));
    EXPECT_EQ(v.at("total_record").as_int64(), 6);
    ASSERT_EQ(v.at("jobs").as_array().size(), 2u);
    const auto& j = v.at("jobs").at(0).as_object();
    EXPECT_EQ(j.at("db_use_type").as_string(), "migration");
    EXPECT_TRUE(j.at("billing_tag").is_bool());
    EXPECT_TRUE(j.at("children").is_array());
    EXPECT_TRUE(j.at("job_action").at("available_actions").is_array());
    auto missing = h.call("POST", "/v3/" + std::string(project) + "/jobs", R"({"cur_page":1,"per_page":2})");
    EXPECT_EQ(missing.status, 400u);
}

TEST(SimJobList, ListsChildrenUnderTheirParentOnlyAndAnswersErrors)
{
    harness h(0);
    const auto add = [&](std::string name, std::string parent, std::string status, std::string error) {
        return h.r->with_state([&](world& w, fault_set&, recorder&) {
            job_spec j;
            j.id = w.make_id();
            j.name = std::move(name);
            j.db_use_type = "sync";
            j.parent_id = std::move(parent);
            keyframe k;
            k.at = w.now();
            k.status = std::move(status);
            if (!error.empty())
                k.error_message = std::move(error);
            j.timeline.push_back(k);
            return w.add_job(std::move(j));
        });
    };
    const auto parent = add("multi", "", "INCRE_TRANSFER_STARTED", "");
    const auto child1 = add("multi-1", parent, "INCRE_TRANSFER_STARTED", "");
    const auto child2 = add("multi-2", parent, "INCRE_TRANSFER_FAILED", "connection lost");
    const std::string path = "/v3/" + std::string(project) + "/jobs";
    auto v = parse(h.call("POST", path, R"({"cur_page":1,"per_page":100,"db_use_type":"sync"})"));
    EXPECT_EQ(v.at("total_record").as_int64(), 1);
    ASSERT_EQ(v.at("jobs").as_array().size(), 1u);
    const auto& p = v.at("jobs").at(0).as_object();
    EXPECT_EQ(p.at("id").as_string(), parent);
    const auto& children = p.at("children").as_array();
    ASSERT_EQ(children.size(), 2u);
    EXPECT_EQ(children.at(0).at("id").as_string(), child1);
    EXPECT_EQ(children.at(1).at("id").as_string(), child2);
    EXPECT_EQ(children.at(1).at("status").as_string(), "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(children.at(1).at("error_msg").as_string(), "connection lost");

    // A child answers the batch APIs like any job, naming its parent.
    auto detail = parse(h.post("batch-detail", boost::json::object{{"jobs", boost::json::array{child2}}}));
    EXPECT_EQ(detail.at("results").at(0).at("parent_id").as_string(), parent);

    // The documented error answers: no db_use_type, per_page beyond 100, an unknown type.
    auto missing = h.call("POST", path, R"({"cur_page":1,"per_page":100})");
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(parse(missing).at("error_code").as_string(), "DRS.M00201");
    auto too_many = h.call("POST", path, R"({"cur_page":1,"per_page":101,"db_use_type":"sync"})");
    EXPECT_EQ(too_many.status, 400u);
    EXPECT_EQ(parse(too_many).at("error_code").as_string(), "DRS.M00210");
    auto unknown = h.call("POST", path, R"({"cur_page":1,"per_page":10,"db_use_type":"dr"})");
    EXPECT_EQ(parse(unknown).at("error_code").as_string(), "DRS.M00202");
    // A page beyond the end is empty, with the total.
    auto beyond = parse(h.call("POST", path, R"({"cur_page":3,"per_page":100,"db_use_type":"sync"})"));
    EXPECT_EQ(beyond.at("total_record").as_int64(), 1);
    EXPECT_TRUE(beyond.at("jobs").as_array().empty());
}

// ---- ListJobs (v5): the same table as job-list, paged by offset/limit

TEST(SimJobListV5, ListsTheSameParentsAndChildrenAsJobList)
{
    harness h(12);
    const auto parent = h.ids().front();
    const auto child = h.r->with_state([&](world& w, fault_set&, recorder&) {
        job_spec j;
        j.id = w.make_id();
        j.name = "child";
        j.db_use_type = w.find(parent)->db_use_type;
        j.parent_id = parent;
        keyframe k;
        k.at = w.now();
        k.status = "INCRE_TRANSFER_FAILED";
        k.error_message = "connection lost";
        j.timeline.push_back(k);
        return w.add_job(std::move(j));
    });
    const std::string use_type = h.r->with_state([&](world& w, fault_set&, recorder&) {
        return w.find(parent)->db_use_type;
    });
    const auto v3 = parse(h.call(
        "POST",
        "/v3/" + std::string(project) + "/jobs",
        R"({"cur_page":1,"per_page":100,"db_use_type":")" + use_type + "\"}"
    ));
    const auto v5 = parse(
        h.call("GET", "/v5/" + std::string(project) + "/jobs?job_type=" + use_type + "&limit=100")
    );
    EXPECT_EQ(v5.at("total_count").as_int64(), v3.at("total_record").as_int64());
    const auto& a3 = v3.at("jobs").as_array();
    const auto& a5 = v5.at("jobs").as_array();
    ASSERT_EQ(a5.size(), a3.size());
    bool saw_child = false;
    for (std::size_t i = 0; i < a3.size(); ++i)
    {
        EXPECT_EQ(a5[i].at("id"), a3[i].at("id"));  // same order: newest first
        EXPECT_EQ(a5[i].at("status"), a3[i].at("status"));
        EXPECT_EQ(a5[i].at("job_type").as_string(), use_type);
        EXPECT_FALSE(a5[i].as_object().contains("db_use_type"));
        const auto& c3 = a3[i].at("children").as_array();
        const auto& c5 = a5[i].at("children").as_array();
        ASSERT_EQ(c5.size(), c3.size());
        for (std::size_t k = 0; k < c3.size(); ++k)
        {
            EXPECT_EQ(c5[k].at("id"), c3[k].at("id"));
            EXPECT_EQ(c5[k].at("status"), c3[k].at("status"));
            EXPECT_FALSE(c5[k].as_object().contains("error_msg"));  // ChildrenJobListResp has none
            EXPECT_EQ(c5[k].at("job_mode_role").as_string(), "child");
            saw_child = saw_child || c5[k].at("id").as_string() == child;
        }
    }
    EXPECT_TRUE(saw_child);
}

TEST(SimJobListV5, PagesByOffsetAndLimitAndAnswersErrors)
{
    harness h(12);  // 6 migration jobs
    const std::string path = "/v5/" + std::string(project) + "/jobs";
    const auto page = parse(h.call("GET", path + "?job_type=migration&offset=4&limit=5"));
    EXPECT_EQ(page.at("total_count").as_int64(), 6);
    EXPECT_EQ(page.at("jobs").as_array().size(), 2u);
    EXPECT_EQ(
        parse(h.call("GET", path + "?job_type=migration")).at("jobs").as_array().size(),
        6u
    );  // limit 10
    const auto beyond = parse(h.call("GET", path + "?job_type=migration&offset=6&limit=5"));
    EXPECT_EQ(beyond.at("total_count").as_int64(), 6);
    EXPECT_TRUE(beyond.at("jobs").as_array().empty());
    for (const char* bad :
         {"?offset=0&limit=5",
          "?job_type=dr",
          "?job_type=sync&limit=0",
          "?job_type=sync&offset=-1",
          "?job_type=sync&limit=many"})
        EXPECT_EQ(h.call("GET", path + bad).status, 400u) << bad;
    EXPECT_EQ(api_of("GET", path + "?job_type=sync"), "job-list-v5");
    EXPECT_EQ(api_of("POST", path), "unknown");  // ListJobs is a GET
    EXPECT_EQ(api_of("POST", "/v3/" + std::string(project) + "/jobs"), "job-list");
    EXPECT_EQ(h.r->count("job-list-v5"), 8u);
}

TEST(SimJobListV5, ChecksTheSignatureOverTheQuery)
{
    harness h(12);
    const std::string path = "/v5/" + std::string(project) + "/jobs";
    const auto now = h.clock.now();
    const std::vector<std::pair<std::string, std::string>> query{
        {"job_type", "sync"},
        {"offset", "0"},
        {"limit", "100"}};
    const auto ok = h.signed_call("GET", path, "", now, sk, query);
    EXPECT_EQ(ok.status, 200u) << ok.body;
    EXPECT_EQ(h.r->requests().back().auth, "aksk");

    // The same signature with another query is refused.
    drsmon::auth::sign_input in;
    in.method = "GET";
    in.host = "127.0.0.1:8443";
    in.path = path;
    in.query = query;
    in.headers = {{"Content-Type", "application/json"}, {"X-Project-Id", project}};
    auto out = drsmon::auth::sign(in, {ak, sk, ""}, now);
    request tampered{"GET", path + "?job_type=sync&limit=100&offset=100", {}, ""};
    for (const auto& hd : out.headers)
        tampered.headers.emplace_back(hd.name, hd.value);
    EXPECT_EQ(h.r->handle(tampered).status, 401u);
}

TEST(SimJobList, FollowsJobsAddedAndRemovedThroughTheControlApi)
{
    harness h(0);
    const std::string path = "/v3/" + std::string(project) + "/jobs";
    const auto listed = [&] {
        auto v = parse(h.call("POST", path, R"({"cur_page":1,"per_page":100,"db_use_type":"sync"})"));
        return v;
    };
    EXPECT_EQ(listed().at("total_record").as_int64(), 0);
    const std::string parent = "11111111-2222-3333-4444-555555jb201";
    const std::string child = "11111111-2222-3333-4444-555555jb202";
    ASSERT_EQ(
        h.r
            ->handle(request{
                "POST",
                "/-/sim/jobs",
                {},
                R"({"id":")" + parent +
                    R"(","db_use_type":"sync","timeline":[{"at":0,"status":"INCRE_TRANSFER_STARTED"}]})"})
            .status,
        201u
    );
    ASSERT_EQ(
        h.r
            ->handle(request{
                "POST",
                "/-/sim/jobs",
                {},
                R"({"id":")" + child + R"(","parent_id":")" + parent +
                    R"(","db_use_type":"sync","timeline":[{"at":0,"status":"INCRE_TRANSFER_STARTED"}]})"})
            .status,
        201u
    );
    auto v = listed();
    EXPECT_EQ(v.at("total_record").as_int64(), 1);
    EXPECT_EQ(v.at("jobs").at(0).at("children").at(0).at("id").as_string(), child);

    EXPECT_EQ(h.r->handle(request{"DELETE", "/-/sim/jobs/" + child, {}, ""}).status, 200u);
    EXPECT_TRUE(listed().at("jobs").at(0).at("children").as_array().empty());
    EXPECT_EQ(h.r->handle(request{"DELETE", "/-/sim/jobs/" + parent, {}, ""}).status, 200u);
    EXPECT_EQ(listed().at("total_record").as_int64(), 0);
}

TEST(SimAsyncJobs, ReturnsV5DetailsWithCredentialsAndIncrSpelling)
{
    harness h(0, true);
    h.r->advance(std::chrono::minutes(15));
    auto res = h.call(
        "GET",
        "/v5/" + std::string(project) +
            "/batch-async-jobs/5e3c1a22-6d4b-4b8a-8c9d-0a1b2c3as501?offset=0&limit=10"
    );
    ASSERT_EQ(res.status, 200u);
    auto v = parse(res);
    EXPECT_EQ(v.at("total_count").as_int64(), 2);
    const auto& jobs = v.at("jobs").as_array();
    auto sync = std::find_if(jobs.begin(), jobs.end(), [](const json::value& j) {
        return j.at("id").as_string() == job_sync;
    });
    ASSERT_NE(sync, jobs.end());
    EXPECT_EQ(sync->at("progress_info").at("incr_trans_delay").as_string(), "3");
    EXPECT_FALSE(sync->at("progress_info").as_object().contains("incre_trans_delay"));
    EXPECT_EQ(sync->at("base_info").at("job_type").as_string(), "sync");
    EXPECT_EQ(sync->at("create_time").as_string().back(), 'Z');
    EXPECT_FALSE(sync->at("source_endpoint").at(0).at("endpoint").at("db_password").as_string().empty());
    EXPECT_FALSE(sync->at("target_endpoint").at(0).at("endpoint").at("db_password").as_string().empty());
    EXPECT_EQ(sync->at("precheck_result").at("process").as_string(), "100%");
    EXPECT_TRUE(sync->at("migration_object_progress_info")
                    .at("migration_object_overview")
                    .at(0)
                    .at("src_count")
                    .is_string());
    EXPECT_TRUE(sync->at("metrics").at("cpu_util").is_string());
    auto limited = parse(h.call(
        "GET",
        "/v5/" + std::string(project) +
            "/batch-async-jobs/5e3c1a22-6d4b-4b8a-8c9d-0a1b2c3as501?offset=1&limit=1"
    ));
    EXPECT_EQ(limited.at("jobs").as_array().size(), 1u);
    EXPECT_EQ(limited.at("total_count").as_int64(), 2);
}

TEST(SimCollect, Accepts202ThenCollectionSucceedsAfterAWhile)
{
    harness h(0, true);
    auto res = h.call(
        "POST",
        "/v5.1/" + std::string(project) + "/jobs/" + job_sync + "/db-objects/collect",
        R"({"type":"source","is_refresh":"true"})"
    );
    ASSERT_EQ(res.status, 202u);
    auto v = parse(res);
    EXPECT_EQ(v.at("status").as_string(), "pending");
    EXPECT_EQ(v.at("job_id").as_string(), job_sync);
    std::string qid(v.at("id").as_string());
    std::string status_url = "/v5/" + std::string(project) + "/jobs/" + job_sync +
                             "/db-objects/collection-status?query_id=" + qid;
    EXPECT_EQ(parse(h.call("GET", status_url)).at("status").as_string(), "pending");
    h.r->advance(std::chrono::seconds(6));
    auto done = parse(h.call("GET", status_url));
    EXPECT_EQ(done.at("status").as_string(), "success");
    EXPECT_TRUE(done.at("object_info").is_object());
    auto boolean = h.call(
        "POST",
        "/v5.1/" + std::string(project) + "/jobs/" + job_sync + "/db-objects/collect",
        R"({"type":"source","is_refresh":true})"
    );
    EXPECT_EQ(boolean.status, 400u);
    auto unknown = h.call(
        "POST",
        "/v5.1/" + std::string(project) + "/jobs/nope/db-objects/collect",
        R"({"type":"source"})"
    );
    EXPECT_EQ(parse(unknown).at("error_code").as_string(), "DRS.10000010");
}
