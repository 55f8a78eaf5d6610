#include "drsmon/drs_api/errors.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace drsmon;
using namespace drsmon::drs_api;
using drs_api::test::fixture;

namespace {

// 2015-10-21T07:28:00Z
const core::wall_time now = core::from_unix_millis(1445412480000);

core::error classify(
    int status,
    std::string_view body,
    std::string_view retry_after = {},
    std::string_view rid = {}
)
{
    return classify_failure(api::batch_status, reply_view{status, body, rid, retry_after}, now);
}

}  // namespace

TEST(ClassifyFailure, GatewayThrottlingIsThrottledInBothSpellings)
{
    const auto apigw = classify(
        429,
        R"({"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second","request_id":"r-1"})"
    );
    EXPECT_EQ(apigw.kind(), core::errc::throttled);
    EXPECT_EQ(apigw.service_code, "APIGW.0308");
    EXPECT_EQ(apigw.http_status, 429);
    EXPECT_EQ(apigw.where, "batch-status");
    EXPECT_EQ(apigw.request_id, "r-1") << "taken from the body when the header is absent";
    EXPECT_NE(apigw.detail.find("throttling threshold"), std::string::npos);

    const auto apig = classify(400, R"({"error_code":"APIG.0308","error_msg":"policy ip over ratelimit"})");
    EXPECT_EQ(apig.kind(), core::errc::throttled);
    EXPECT_EQ(apig.service_code, "APIG.0308");
}

TEST(ClassifyFailure, ServiceThrottlingOnA400IsThrottled)
{
    const auto e = classify(400, R"({"error_code":"DRS.M01503","error_msg":"Operation too frequent."})");
    EXPECT_EQ(e.kind(), core::errc::throttled);
    EXPECT_EQ(e.service_code, "DRS.M01503");
}

TEST(ClassifyFailure, A429WithoutABodyIsThrottled)
{
    EXPECT_EQ(classify(429, "").kind(), core::errc::throttled);
}

TEST(ClassifyFailure, AuthenticationFailuresAreAuth)
{
    EXPECT_EQ(
        classify(401, R"({"error_code":"APIGW.0301","error_msg":"verify aksk signature fail"})").kind(),
        core::errc::auth
    );
    EXPECT_EQ(
        classify(403, R"({"error_code":"APIGW.0302","error_msg":"not authorized"})").kind(),
        core::errc::auth
    );
    EXPECT_EQ(
        classify(403, R"({"error_code":"DRS.M00100","error_msg":"Invalid token."})").kind(),
        core::errc::auth
    );
    EXPECT_EQ(
        classify(400, R"({"error_code":"DRS.M00103","error_msg":"No permission"})").kind(),
        core::errc::auth
    );
    EXPECT_EQ(classify(401, "Unauthorized").kind(), core::errc::auth);
}

TEST(ClassifyFailure, NotFoundCodesAreNotFound)
{
    const auto v5 = classify(400, fixture("db_objects_collect_400.json"));
    EXPECT_EQ(v5.kind(), core::errc::not_found);
    EXPECT_EQ(v5.service_code, "DRS.10000010");
    EXPECT_EQ(
        classify(400, R"({"error_code":"DRS.M05003","error_msg":"Task information not found."})").kind(),
        core::errc::not_found
    );
    EXPECT_EQ(
        classify(404, R"({"error_code":"APIGW.0101","error_msg":"The API does not exist"})").kind(),
        core::errc::not_found
    );
}

TEST(ClassifyFailure, ServerErrorsAndOtherCodesAreHttpStatus)
{
    const auto e = classify(500, R"({"error_code":"DRS.M00004","error_msg":"Service is abnormal."})");
    EXPECT_EQ(e.kind(), core::errc::http_status);
    EXPECT_EQ(e.service_code, "DRS.M00004");
    EXPECT_EQ(classify(400, fixture("batch_async_jobs_400.json")).kind(), core::errc::http_status);
    EXPECT_EQ(classify(502, "").kind(), core::errc::http_status);
    EXPECT_EQ(
        classify(400, R"({"error_code":"APIGW.03080","error_msg":"x"})").kind(),
        core::errc::http_status
    ) << "the gateway number must match exactly";
}

TEST(ClassifyFailure, FindsCamelCaseAndCodeMessageShapes)
{
    const auto camel = classify(
        400,
        R"({"errorCode":"DRS.M00202","errorMsg":"The value of jobId is invalid."})"
    );
    EXPECT_EQ(camel.service_code, "DRS.M00202");
    EXPECT_NE(camel.detail.find("jobId is invalid"), std::string::npos);
    const auto plain = classify(429, R"({"code":"APIGW.0308","message":"slow down"})");
    EXPECT_EQ(plain.service_code, "APIGW.0308");
    EXPECT_EQ(plain.kind(), core::errc::throttled);
}

TEST(ClassifyFailure, RecursesIntoNestedObjectsAndResults)
{
    const auto nested = classify(
        403,
        R"({"error":{"code":"APIGW.0302","message":"denied","title":"Forbidden"}})"
    );
    EXPECT_EQ(nested.service_code, "APIGW.0302");
    EXPECT_EQ(nested.kind(), core::errc::auth);
    const auto batch = classify(400, fixture("batch_status_400_not_found.json"));
    EXPECT_EQ(batch.service_code, "DRS.M05004");
    EXPECT_EQ(batch.kind(), core::errc::not_found);
    EXPECT_NE(batch.detail.find("deleted"), std::string::npos);
}

TEST(ClassifyFailure, NonJsonBodiesGiveABoundedSnippetAndNoCode)
{
    const std::string html = "<html><body>" + std::string(1000, 'x') + "</body></html>";
    const auto e = classify(502, html);
    EXPECT_EQ(e.service_code, "");
    EXPECT_EQ(e.kind(), core::errc::http_status);
    EXPECT_LE(e.detail.size(), 210u);
    EXPECT_NE(e.detail.find("HTTP 502"), std::string::npos);
    EXPECT_NE(e.detail.find("<html>"), std::string::npos);
}

TEST(ClassifyFailure, BoundsLongServiceMessages)
{
    const std::string body = R"({"error_code":"DRS.M00007","error_msg":")" + std::string(5000, 'm') + R"("})";
    const auto e = classify(400, body);
    EXPECT_EQ(e.service_code, "DRS.M00007");
    EXPECT_LE(e.detail.size(), 210u);
}

TEST(ClassifyFailure, PrefersTheRequestIdHeader)
{
    const auto e = classify(500, R"({"error_code":"X","request_id":"body-id"})", {}, "header-id");
    EXPECT_EQ(e.request_id, "header-id");
}

TEST(ClassifyFailure, ReadsRetryAfterAsDeltaSeconds)
{
    const auto e = classify(429, "", "120");
    ASSERT_TRUE(e.retry_after);
    EXPECT_EQ(*e.retry_after, std::chrono::seconds(120));
}

TEST(ClassifyFailure, ReadsRetryAfterAsAnHttpDate)
{
    const auto e = classify(429, "", "Wed, 21 Oct 2015 07:30:30 GMT");
    ASSERT_TRUE(e.retry_after);
    EXPECT_EQ(*e.retry_after, std::chrono::seconds(150));
}

TEST(ClassifyFailure, ClampsAPastRetryAfterDateToZero)
{
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), std::chrono::seconds(0));
}

TEST(ClassifyFailure, IgnoresAnUnparseableRetryAfter)
{
    EXPECT_FALSE(classify(429, "", "soon").retry_after);
    EXPECT_FALSE(classify(429, "", "-5").retry_after);
    EXPECT_FALSE(classify(429, "", "Wed, 32 Oct 2015 07:30:30 GMT").retry_after);
    EXPECT_FALSE(classify(429, "").retry_after);
}

TEST(NotFoundCodes, AreTheFourDocumentedCodes)
{
    EXPECT_TRUE(is_not_found_code("DRS.M00289"));
    EXPECT_TRUE(is_not_found_code("DRS.M05003"));
    EXPECT_TRUE(is_not_found_code("DRS.M05004"));
    EXPECT_TRUE(is_not_found_code("DRS.10000010"));
    EXPECT_FALSE(is_not_found_code("DRS.M00202"));
    EXPECT_FALSE(is_not_found_code(""));
}

TEST(WholeBatchNotFound, ReturnsTheCodeOfTheUnknownJob)
{
    EXPECT_EQ(whole_batch_not_found(fixture("batch_status_400_not_found.json")), "DRS.M05004");
    EXPECT_EQ(
        whole_batch_not_found(R"({"results":[{"id":"a","status":"OK"},{"id":"b","error_code":"DRS.M00289"}]})"
        ),
        "DRS.M00289"
    );
}

TEST(WholeBatchNotFound, IsEmptyForOtherBodies)
{
    EXPECT_FALSE(whole_batch_not_found(R"({"results":[{"id":"a","error_code":"DRS.M00202"}]})"));
    EXPECT_FALSE(whole_batch_not_found(R"({"error_code":"DRS.M05004","error_msg":"top level only"})"));
    EXPECT_FALSE(whole_batch_not_found(R"({"results":"x"})"));
    EXPECT_FALSE(whole_batch_not_found("not json"));
    EXPECT_FALSE(whole_batch_not_found(""));
}

TEST(JobStatuses, FailedMeansEndingInFailed)
{
    EXPECT_TRUE(is_failed_status("INCRE_TRANSFER_FAILED"));
    EXPECT_TRUE(is_failed_status("NODE_UPGRADE_FAILED"));
    EXPECT_TRUE(is_failed_status("CREATE_FAILED"));
    EXPECT_FALSE(is_failed_status("INCRE_TRANSFER_STARTED"));
    EXPECT_FALSE(is_failed_status("FAILED_SOMETHING"));
    EXPECT_FALSE(is_failed_status(""));
}

TEST(JobStatuses, TerminalMeansReleasedOrDeleted)
{
    EXPECT_TRUE(is_terminal_status("RELEASE_RESOURCE_COMPLETE"));
    EXPECT_TRUE(is_terminal_status("DELETED"));
    EXPECT_FALSE(is_terminal_status("RELEASE_RESOURCE_STARTED"));
    EXPECT_FALSE(is_terminal_status("CREATE_FAILED"));
}
