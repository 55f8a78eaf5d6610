#include "drsmon/auth/iam.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

using namespace drsmon::auth;
using namespace drsmon;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view token = "MIIEXAMPLETOKEN-secret-value";
constexpr std::string_view password = "p@ss\"word\\secret";

core::wall_time utc(int y, unsigned m, unsigned d, std::chrono::seconds tod = 0s)
{
    return core::wall_time(std::chrono::sys_days{std::chrono::year{y} / m / d} + tod);
}

const std::string good_body =
    R"({"token":{"expires_at":"2020-01-04T09:05:22.701000Z","issued_at":"2020-01-03T09:05:22.701000Z",)"
    R"("methods":["password"],"project":{"id":"pid","name":"ap-southeast-1"},"roles":[],"catalog":[]}})";

void expect_no_secret(const core::error& e)
{
    const std::string text = e.to_string() + e.service_code;
    EXPECT_EQ(text.find(token), std::string::npos) << text;
    EXPECT_EQ(text.find(password), std::string::npos) << text;
}

}  // namespace

TEST(IamBody, HasTheDocumentedShapeWithEscapedStrings)
{
    const auto text = iam_password_token_body("user1", password, "account \"x\"", "pid123");
    const auto v = boost::json::parse(text);
    const auto& identity = v.at("auth").at("identity");
    EXPECT_EQ(identity.at("methods"), boost::json::array{"password"});
    const auto& user = identity.at("password").at("user");
    EXPECT_EQ(user.at("name"), "user1");
    EXPECT_EQ(user.at("password").get_string(), password);
    EXPECT_EQ(user.at("domain").at("name"), "account \"x\"");
    EXPECT_EQ(v.at("auth").at("scope").at("project").at("id"), "pid123");
    EXPECT_EQ(v.at("auth").at("scope").at("project").as_object().size(), 1u);
}

TEST(IamTime, ParsesFractionZuluAndOffsets)
{
    const auto base = utc(2020, 1, 4, 9h + 5min + 22s);
    EXPECT_EQ(parse_iam_time("2020-01-04T09:05:22.701000Z"), base + 701ms);
    EXPECT_EQ(parse_iam_time("2020-01-04T09:05:22Z"), base);
    EXPECT_EQ(parse_iam_time("2020-01-04T09:05:22.5Z"), base + 500ms);
    EXPECT_EQ(parse_iam_time("2020-01-04T17:05:22+08:00"), base);
    EXPECT_EQ(parse_iam_time("2020-01-04T08:05:22-01:00"), base);
}

TEST(IamTime, RejectsMalformedTimes)
{
    EXPECT_FALSE(parse_iam_time(""));
    EXPECT_FALSE(parse_iam_time("2020-01-04T09:05:22"));
    EXPECT_FALSE(parse_iam_time("2020-01-04 09:05:22Z"));
    EXPECT_FALSE(parse_iam_time("2020-02-30T09:05:22Z"));
    EXPECT_FALSE(parse_iam_time("2020-01-04T25:05:22Z"));
    EXPECT_FALSE(parse_iam_time("2020-01-04T09:05:22.Z"));
    EXPECT_FALSE(parse_iam_time("2020-01-04T09:05:22ZZ"));
    EXPECT_FALSE(parse_iam_time("20200104T090522Z"));
}

TEST(IamTime, RejectsYearsOutside1970To2200RatherThanOverflowing)
{
    EXPECT_FALSE(parse_iam_time("9999-12-31T00:00:00Z"));
    EXPECT_FALSE(parse_iam_time("9999-12-31T00:00:00+08:00"));
    EXPECT_FALSE(parse_iam_time("2201-01-01T00:00:00Z"));
    EXPECT_FALSE(parse_iam_time("1677-01-01T00:00:00Z"));
    EXPECT_FALSE(parse_iam_time("0001-01-01T00:00:00-05:00"));
    EXPECT_FALSE(parse_iam_time("1969-12-31T23:59:59Z"));
    EXPECT_EQ(parse_iam_time("1970-01-01T00:00:00Z"), utc(1970, 1, 1));
    EXPECT_EQ(parse_iam_time("2200-12-31T23:59:59.999999999Z"), utc(2200, 12, 31, 86399s) + 999999999ns);
    EXPECT_EQ(parse_iam_time("1970-01-01T00:30:00+01:00"), utc(1970, 1, 1) - 30min);
}

TEST(IamTokenResponse, ExpiryInYear9999IsAnUnparseableTime)
{
    auto r = parse_iam_token_response(201, token, R"({"token":{"expires_at":"9999-12-31T00:00:00Z"}})");
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().kind(), core::errc::bad_response);
    EXPECT_EQ(r.error().where, "iam-token");
    EXPECT_NE(r.error().to_string().find("$.token.expires_at"), std::string::npos) << r.error().to_string();
}

TEST(IamTokenResponse, ParsesCreatedResponse)
{
    auto r = parse_iam_token_response(201, token, good_body);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->token, token);
    EXPECT_EQ(r->expires_at, utc(2020, 1, 4, 9h + 5min + 22s) + 701ms);
    EXPECT_EQ(r->issued_at, utc(2020, 1, 3, 9h + 5min + 22s) + 701ms);
}

TEST(IamTokenResponse, AssumesTwentyFourHourLifeWithoutIssuedAt)
{
    auto r = parse_iam_token_response(201, token, R"({"token":{"expires_at":"2020-01-04T09:05:22Z"}})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->expires_at - r->issued_at, 24h);
}

TEST(IamTokenResponse, UnauthorizedBecomesAuthErrorWithIamMessage)
{
    auto r = parse_iam_token_response(
        401,
        token,
        R"({"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}})"
    );
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().kind(), core::errc::auth);
    EXPECT_EQ(r.error().where, "iam-token");
    EXPECT_EQ(r.error().http_status, 401);
    EXPECT_EQ(r.error().service_code, "401");
    EXPECT_NE(r.error().detail.find("The username or password is wrong."), std::string::npos);
    expect_no_secret(r.error());
}

TEST(IamTokenResponse, ReadsErrorCodeAndMessageShape)
{
    auto r = parse_iam_token_response(403, {}, R"({"error_code":"IAM.0002","error_msg":"Access denied."})");
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().kind(), core::errc::auth);
    EXPECT_EQ(r.error().service_code, "IAM.0002");
    EXPECT_EQ(r.error().detail, "Access denied.");
}

TEST(IamTokenResponse, NonJsonErrorBodyStillNamesTheStatus)
{
    auto r = parse_iam_token_response(400, token, "<html>bad</html>");
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().kind(), core::errc::auth);
    EXPECT_NE(r.error().detail.find("400"), std::string::npos);
    expect_no_secret(r.error());
}

TEST(IamTokenResponse, ThrottlingAndServerErrorsKeepTheirOwnClass)
{
    EXPECT_EQ(parse_iam_token_response(429, {}, "{}").error().kind(), core::errc::throttled);
    EXPECT_EQ(parse_iam_token_response(503, {}, "").error().kind(), core::errc::http_status);
}

TEST(IamTokenResponse, MissingSubjectTokenIsBadResponse)
{
    auto r = parse_iam_token_response(201, {}, good_body);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().kind(), core::errc::bad_response);
    EXPECT_EQ(r.error().path, "X-Subject-Token");
}

TEST(IamTokenResponse, BadExpiresAtIsBadResponseWithJsonPath)
{
    for (std::string_view body :
         {R"({"token":{"expires_at":"tomorrow"}})", R"({"token":{"expires_at":12}})", R"({"token":{}})"})
    {
        auto r = parse_iam_token_response(201, token, body);
        ASSERT_TRUE(r.has_error()) << body;
        EXPECT_EQ(r.error().kind(), core::errc::bad_response);
        EXPECT_EQ(r.error().path, "$.token.expires_at");
        expect_no_secret(r.error());
    }
}

TEST(IamTokenResponse, RejectsNonJsonAndMisplacedToken)
{
    auto not_json = parse_iam_token_response(201, token, "not json");
    ASSERT_TRUE(not_json.has_error());
    EXPECT_EQ(not_json.error().path, "$");
    auto no_token = parse_iam_token_response(201, token, R"({"expires_at":"2020-01-04T09:05:22Z"})");
    ASSERT_TRUE(no_token.has_error());
    EXPECT_EQ(no_token.error().path, "$.token");
    auto bad_issued = parse_iam_token_response(
        201,
        token,
        R"({"token":{"expires_at":"2020-01-04T09:05:22Z","issued_at":"2020-01-05T09:05:22Z"}})"
    );
    ASSERT_TRUE(bad_issued.has_error());
    EXPECT_EQ(bad_issued.error().path, "$.token.issued_at");
    expect_no_secret(bad_issued.error());
}

TEST(TokenPolicy, RefreshesADayTokenAtEightyPercentOfItsLife)
{
    const iam_token t{"x", utc(2025, 1, 1), utc(2025, 1, 2)};
    const auto at = token_policy::refresh_at(t);
    EXPECT_EQ(at, t.issued_at + 19h + 12min);
    EXPECT_FALSE(token_policy::needs_refresh(t, at - 1s));
    EXPECT_TRUE(token_policy::needs_refresh(t, at));
    EXPECT_FALSE(token_policy::expired(t, at));
    EXPECT_FALSE(token_policy::expired(t, t.expires_at - 1s));
    EXPECT_TRUE(token_policy::expired(t, t.expires_at));
}

TEST(TokenPolicy, RefreshesATwoHourTokenOneHourBeforeExpiry)
{
    const iam_token t{"x", utc(2025, 1, 1), utc(2025, 1, 1, 2h)};
    EXPECT_EQ(token_policy::refresh_at(t), t.issued_at + 1h);
    EXPECT_FALSE(token_policy::needs_refresh(t, t.issued_at + 59min));
    EXPECT_TRUE(token_policy::needs_refresh(t, t.issued_at + 1h));
}

TEST(TokenPolicy, NeverRefreshesBeforeIssueForShortTokens)
{
    const iam_token t{"x", utc(2025, 1, 1), utc(2025, 1, 1, 30min)};
    EXPECT_EQ(token_policy::refresh_at(t), t.issued_at);
    EXPECT_TRUE(token_policy::needs_refresh(t, t.issued_at));
    EXPECT_FALSE(token_policy::needs_refresh(t, t.issued_at - 1s));
}
