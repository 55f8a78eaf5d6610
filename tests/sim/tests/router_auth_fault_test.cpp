#include "fixture.hpp"

#include <gtest/gtest.h>

using namespace drsmon::sim;
using namespace drsmon::sim::testing;
namespace json = boost::json;

namespace {
std::string status_path() { return "/v3/" + std::string(project) + "/jobs/batch-status"; }
std::string status_body(harness& h)
{
    return json::serialize(json::object{{"jobs", jobs_array({h.ids()[0]})}});
}
}  // namespace

TEST(SimAuth, AcceptsAValidSignature)
{
    harness h(1);
    auto res = h.signed_call("POST", status_path(), status_body(h), h.clock.now());
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(h.r->requests().back().auth, "aksk");
}

TEST(SimAuth, RejectsABadSignatureWithApigw0301)
{
    harness h(1);
    auto res = h.signed_call("POST", status_path(), status_body(h), h.clock.now(), "wrong-secret");
    ASSERT_EQ(res.status, 401u);
    auto v = parse(res);
    EXPECT_EQ(v.at("error_code").as_string(), "APIGW.0301");
    EXPECT_EQ(
        v.at("error_msg").as_string(),
        "Incorrect IAM authentication information: verify aksk signature fail"
    );
    EXPECT_EQ(v.at("request_id").as_string(), res.header("X-Request-Id"));
    EXPECT_EQ(h.r->requests().back().auth, "rejected:bad_signature");
}

TEST(SimAuth, RejectsSignaturesMoreThanFifteenMinutesOffAsExpired)
{
    harness h(1);
    auto res = h.signed_call("POST", status_path(), status_body(h), h.clock.now() - std::chrono::minutes(16));
    ASSERT_EQ(res.status, 401u);
    EXPECT_NE(
        std::string(parse(res).at("error_msg").as_string()).find("signature expired"),
        std::string::npos
    );
    auto close = h.signed_call(
        "POST",
        status_path(),
        status_body(h),
        h.clock.now() - std::chrono::minutes(14)
    );
    EXPECT_EQ(close.status, 200u);
}

TEST(SimAuth, LocksAnAccessKeyForFiveMinutesAfterFiveFailures)
{
    harness h(1);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(h.signed_call("POST", status_path(), status_body(h), h.clock.now(), "bad").status, 401u);
    auto locked = h.signed_call("POST", status_path(), status_body(h), h.clock.now());
    ASSERT_EQ(locked.status, 401u);
    EXPECT_NE(std::string(parse(locked).at("error_msg").as_string()).find("forbidden"), std::string::npos);
    h.clock.advance(std::chrono::minutes(5) + std::chrono::seconds(1));
    EXPECT_EQ(h.signed_call("POST", status_path(), status_body(h), h.clock.now()).status, 200u);
}

TEST(SimAuth, RejectsRequestsWithoutCredentials)
{
    harness h(1);
    auto res = h.r->handle(request{"POST", status_path(), {}, status_body(h)});
    EXPECT_EQ(res.status, 401u);
    EXPECT_EQ(parse(res).at("error_code").as_string(), "APIGW.0301");
}

TEST(SimIam, IssuesATokenWith201AndSubjectTokenHeader)
{
    harness h(1);
    std::string body =
        R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"monitor","password":"pa55word","domain":{"name":"acct"}}}},"scope":{"project":{"id":")" +
        std::string(project) + R"("}}}})";
    auto res = h.r->handle(
        request{"POST", "/v3/auth/tokens", {{"Content-Type", "application/json;charset=utf8"}}, body}
    );
    ASSERT_EQ(res.status, 201u);
    std::string token = res.header("X-Subject-Token");
    ASSERT_FALSE(token.empty());
    auto v = parse(res);
    std::string expires(v.at("token").at("expires_at").as_string());
    EXPECT_EQ(expires.size(), std::string("2020-01-04T09:05:22.701000Z").size());
    EXPECT_TRUE(v.at("token").at("issued_at").is_string());

    h.token = token;
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 200u);
    h.clock.advance(std::chrono::hours(1));
    auto expired = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(expired.status, 401u);
    EXPECT_NE(
        std::string(parse(expired).at("error_msg").as_string()).find("token expires"),
        std::string::npos
    );

    auto wrong = h.r->handle(request{
        "POST",
        "/v3/auth/tokens",
        {},
        R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"monitor","password":"nope"}}}}})"}
    );
    EXPECT_EQ(wrong.status, 401u);
}

TEST(SimIam, ListsTheProjectByRegionName)
{
    harness h(1);
    auto v = parse(h.call("GET", "/v3/projects?name=ap-southeast-1"));
    ASSERT_EQ(v.at("projects").as_array().size(), 1u);
    EXPECT_EQ(v.at("projects").at(0).at("id").as_string(), project);
    EXPECT_TRUE(parse(h.call("GET", "/v3/projects?name=eu-west-0")).at("projects").as_array().empty());
}

TEST(SimFaults, AFaultMayNameSeveralApis)
{
    harness h(1);
    h.r->add_fault(*parse_fault_spec("5xx:status=503,api=batch-status|batch-progress"));
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 503u);
    EXPECT_EQ(h.post("batch-progress", {{"jobs", jobs_array({h.ids()[0]})}}).status, 503u);
    EXPECT_EQ(h.post("batch-detail", {{"jobs", jobs_array({h.ids()[0]})}}).status, 200u);
}

TEST(SimFaults, ServerErrorsHitOnlyTheConfiguredCountAndApi)
{
    harness h(1);
    h.r->add_fault(*parse_fault_spec("5xx:status=503,count=2,api=batch-status"));
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 503u);
    EXPECT_EQ(h.post("batch-progress", {{"jobs", jobs_array({h.ids()[0]})}}).status, 200u);
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 503u);
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 200u);
    h.r->add_fault(*parse_fault_spec("502:count=1"));
    auto gw = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(gw.status, 502u);
    EXPECT_EQ(parse(gw).at("error_code").as_string(), "APIGW.0201");
}

TEST(SimFaults, ThrottlesWith429AndOptionalRetryAfter)
{
    harness h(1);
    h.r->add_fault(*parse_fault_spec("429:retry_after=3,count=1"));
    h.r->add_fault(*parse_fault_spec("429:count=1"));
    auto first = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(first.status, 429u);
    EXPECT_EQ(parse(first).at("error_code").as_string(), "APIGW.0308");
    EXPECT_EQ(first.header("Retry-After"), "3");
    auto second = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(second.status, 429u);
    EXPECT_EQ(second.header("Retry-After"), "");
    h.r->add_fault(*parse_fault_spec("drs-throttle:count=1"));
    auto drs = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(drs.status, 400u);
    EXPECT_EQ(parse(drs).at("error_code").as_string(), "DRS.M01503");
}

TEST(SimFaults, CorruptsBodiesAsConfigured)
{
    harness h(1);
    json::error_code ec;
    h.r->add_fault(*parse_fault_spec("truncated:count=1"));
    auto t = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(t.status, 200u);
    json::parse(t.body, ec);
    EXPECT_TRUE(ec);
    h.r->add_fault(*parse_fault_spec("malformed:count=1"));
    json::parse(h.call("POST", status_path(), status_body(h)).body, ec);
    EXPECT_TRUE(ec);
    h.r->add_fault(*parse_fault_spec("wrong-shape:count=1"));
    auto w = parse(h.call("POST", status_path(), status_body(h)));
    EXPECT_TRUE(w.at("results").is_object());
    EXPECT_TRUE(w.at("count").is_string());
    h.r->add_fault(*parse_fault_spec("huge:mb=2,count=1"));
    auto big = h.call("POST", status_path(), status_body(h));
    EXPECT_GT(big.body.size(), 2u * 1024 * 1024);
    EXPECT_TRUE(parse(big).at("results").is_array());
}

TEST(SimFaults, MarksLatencyResetAndStallForTheServer)
{
    harness h(1);
    h.r->add_fault(*parse_fault_spec("latency:ms=250,count=1"));
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).delay, std::chrono::milliseconds(250));
    h.r->add_fault(*parse_fault_spec("reset:count=1"));
    EXPECT_TRUE(h.call("POST", status_path(), status_body(h)).reset_mid_body);
    h.r->add_fault(*parse_fault_spec("stall:ms=100,count=1"));
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).stall_body, std::chrono::milliseconds(100));
    auto normal = h.call("POST", status_path(), status_body(h));
    EXPECT_EQ(normal.delay, std::chrono::milliseconds(0));
    EXPECT_FALSE(normal.reset_mid_body);
}

TEST(SimFaults, ClockOffsetMakesFreshSignaturesLookExpired)
{
    harness h(1);
    h.r->add_fault(*parse_fault_spec("clock-offset:seconds=1200"));
    auto res = h.signed_call("POST", status_path(), status_body(h), h.clock.now());
    EXPECT_EQ(res.status, 401u);
    EXPECT_NE(
        std::string(parse(res).at("error_msg").as_string()).find("signature expired"),
        std::string::npos
    );
    h.r->clear_faults();
    EXPECT_EQ(h.signed_call("POST", status_path(), status_body(h), h.clock.now()).status, 200u);
}

TEST(SimFaults, TokenExpiryInvalidatesIssuedTokensNow)
{
    harness h(1);
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 200u);
    h.r->expire_tokens();
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 401u);
}

TEST(SimFaults, ProbabilityDrawsAreRepeatableForASeed)
{
    auto run = [] {
        harness h(1);
        h.r->add_fault(*parse_fault_spec("5xx:status=500,p=0.5"));
        std::string pattern;
        for (int i = 0; i < 40; ++i)
            pattern += h.call("POST", status_path(), status_body(h)).status == 500 ? 'x' : '.';
        return pattern;
    };
    auto a = run();
    EXPECT_EQ(a, run());
    EXPECT_NE(a.find('x'), std::string::npos);
    EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(SimFaults, ParsesSpecsAndRejectsNonsense)
{
    auto f = parse_fault_spec("429:retry_after=2,api=batch-status,count=3,p=0.25");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->kind, fault_kind::throttle);
    EXPECT_EQ(f->retry_after, 2);
    EXPECT_EQ(f->api, "batch-status");
    EXPECT_EQ(f->count, 3);
    EXPECT_DOUBLE_EQ(f->probability, 0.25);
    std::string error;
    EXPECT_FALSE(parse_fault_spec("teapot", &error));
    EXPECT_NE(error.find("teapot"), std::string::npos);
    EXPECT_FALSE(parse_fault_spec("5xx:status=abc"));
    auto j = parse_fault_json(json::parse(R"({"kind":"latency","ms":40,"count":1})"));
    ASSERT_TRUE(j);
    EXPECT_EQ(j->delay, std::chrono::milliseconds(40));
}

TEST(SimRecording, KeepsEveryApiRequestWithAuthOutcomeAndStatus)
{
    harness h(1);
    h.call("POST", status_path(), status_body(h));
    h.r->handle(request{"POST", status_path(), {}, status_body(h)});
    h.call("GET", "/nowhere");
    auto reqs = h.r->requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].api, "batch-status");
    EXPECT_EQ(reqs[0].auth, "token");
    EXPECT_EQ(reqs[0].status, 200u);
    EXPECT_EQ(reqs[0].body, status_body(h));
    EXPECT_EQ(reqs[1].auth, "rejected:missing");
    EXPECT_EQ(reqs[1].status, 401u);
    EXPECT_EQ(reqs[2].api, "unknown");
    EXPECT_EQ(h.r->count("batch-status"), 2u);
    h.r->clear_requests();
    EXPECT_TRUE(h.r->requests().empty());
    EXPECT_EQ(h.r->count("batch-status"), 0u);
}

TEST(SimControl, ChangesAJobStatusAddsFaultsAndReportsState)
{
    harness h(2);
    std::string id = h.ids()[0];
    auto set = h.r->handle(request{
        "POST",
        "/-/sim/jobs/" + id,
        {},
        R"({"status":"INCRE_TRANSFER_FAILED","failed_reason":"boom"})"});
    ASSERT_EQ(set.status, 200u);
    auto status = parse(h.call("POST", status_path(), status_body(h)));
    EXPECT_EQ(status.at("results").at(0).at("status").as_string(), "INCRE_TRANSFER_FAILED");

    EXPECT_EQ(
        h.r->handle(request{"POST", "/-/sim/faults", {}, R"({"kind":"5xx","status":500,"count":1})"}).status,
        200u
    );
    EXPECT_EQ(h.call("POST", status_path(), status_body(h)).status, 500u);

    auto state = parse(h.r->handle(request{"GET", "/-/sim/state", {}, ""}));
    EXPECT_EQ(state.at("project_id").as_string(), project);
    EXPECT_EQ(state.at("jobs").as_array().size(), 2u);
    EXPECT_EQ(state.at("counters").at("batch-status").as_int64(), 2);

    auto added = h.r->handle(request{
        "POST",
        "/-/sim/jobs",
        {},
        R"({"id":"11111111-2222-3333-4444-555555jb201","db_use_type":"sync","timeline":[{"at":0,"status":"PAUSING"}]})"}
    );
    EXPECT_EQ(added.status, 201u);
    EXPECT_EQ(h.r->handle(request{"DELETE", "/-/sim/jobs/" + id, {}, ""}).status, 200u);
    auto gone = h.call("POST", status_path(), json::serialize(json::object{{"jobs", jobs_array({id})}}));
    EXPECT_EQ(gone.status, 400u);  // the deleted job is unknown now
    EXPECT_EQ(parse(gone).at("results").at(0).at("error_code").as_string(), "DRS.M00289");

    auto before = parse(h.r->handle(request{"GET", "/-/sim/state", {}, ""})).at("sim_time").as_double();
    h.r->handle(request{"POST", "/-/sim/advance", {}, R"({"seconds":120})"});
    auto after = parse(h.r->handle(request{"GET", "/-/sim/state", {}, ""})).at("sim_time").as_double();
    EXPECT_NEAR(after - before, 120, 1e-6);
    EXPECT_EQ(h.r->handle(request{"GET", "/-/sim/nothing", {}, ""}).status, 404u);
}
