#include "drsmon/auth/signer.hpp"

#include <gtest/gtest.h>

using namespace drsmon::auth;
using namespace std::chrono_literals;

namespace {

const credentials creds{"AKVERIFY", "verify-secret", {}};

std::optional<std::string> secret_for(std::string_view ak)
{
    if (ak == creds.access_key)
        return creds.secret_key;
    return std::nullopt;
}

const drsmon::core::wall_time signed_at = *parse_sdk_date("20250315T083000Z");

struct fixture
{
    std::string body = R"({"jobs":["a","b"]})";
    sign_output out;
    fixture()
    {
        sign_input in{
            "POST",
            "drs.example.com",
            "/v3/pid/jobs/batch-status",
            {{"type", "x y"}, {"limit", "10"}},
            {{"Content-Type", "application/json"}, {"X-Project-Id", "pid"}, {"X_Unsigned", "1"}},
            body};
        out = sign(in, creds, signed_at);
    }
    verify_input request() const { return verify_input{"POST", out.target, out.headers, body}; }
};

header* find(std::vector<header>& hs, std::string_view name)
{
    for (auto& h : hs)
    {
        if (h.name == name)
            return &h;
    }
    return nullptr;
}

}  // namespace

TEST(Verify, AcceptsWhatSignProduced)
{
    fixture f;
    EXPECT_EQ(verify(f.request(), secret_for, signed_at), verify_status::ok);
}

TEST(Verify, MatchesHeaderNamesCaseInsensitively)
{
    fixture f;
    auto req = f.request();
    for (auto& h : req.headers)
    {
        for (char& c : h.name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::ok);
}

TEST(Verify, AcceptsQueryInAnyOrderAndSpelling)
{
    fixture f;
    auto req = f.request();
    req.target = "/v3/pid/jobs/batch-status?type=x%20y&limit=10";
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::ok);
}

TEST(Verify, RejectsChangedBody)
{
    fixture f;
    auto req = f.request();
    std::string changed = f.body + " ";
    req.body = changed;
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::bad_signature);
}

TEST(Verify, RejectsChangedQuery)
{
    fixture f;
    auto req = f.request();
    req.target = "/v3/pid/jobs/batch-status?limit=11&type=x%20y";
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::bad_signature);
}

TEST(Verify, RejectsChangedSignedHeader)
{
    fixture f;
    auto req = f.request();
    find(req.headers, "X-Project-Id")->value = "other";
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::bad_signature);
}

TEST(Verify, IgnoresChangesToUnsignedHeaders)
{
    fixture f;
    auto req = f.request();
    find(req.headers, "X_Unsigned")->value = "2";
    req.headers.push_back({"X-Extra", "added by a proxy"});
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::ok);
}

TEST(Verify, RejectsUnknownAccessKey)
{
    fixture f;
    auto req = f.request();
    auto* auth = find(req.headers, "Authorization");
    auth->value.replace(auth->value.find("AKVERIFY"), 8, "AKOTHER1");
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::unknown_key);
}

TEST(Verify, ReportsMissingAuthorization)
{
    fixture f;
    auto req = f.request();
    std::erase_if(req.headers, [](const header& h) { return h.name == "Authorization"; });
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::missing);
}

TEST(Verify, RejectsMalformedAuthorizationHeader)
{
    fixture f;
    auto req = f.request();
    find(req.headers, "Authorization")->value = "SDK-HMAC-SHA256 Access=AKVERIFY, Signature=abc";
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::malformed);
    find(req.headers, "Authorization")->value = "Bearer xyz";
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::malformed);
}

TEST(Verify, RejectsMissingSignedHeaderOrBadDateAsMalformed)
{
    fixture f;
    auto no_project = f.request();
    std::erase_if(no_project.headers, [](const header& h) { return h.name == "X-Project-Id"; });
    EXPECT_EQ(verify(no_project, secret_for, signed_at), verify_status::malformed);

    auto bad_date = f.request();
    find(bad_date.headers, "X-Sdk-Date")->value = "2025-03-15";
    EXPECT_EQ(verify(bad_date, secret_for, signed_at), verify_status::malformed);

    auto bad_escape = f.request();
    bad_escape.target = "/v3/pid/jobs/batch-status?limit=10&type=x%2";
    EXPECT_EQ(verify(bad_escape, secret_for, signed_at), verify_status::malformed);
}

TEST(Verify, RejectsDateSixteenMinutesOffButAcceptsFourteen)
{
    fixture f;
    EXPECT_EQ(verify(f.request(), secret_for, signed_at + 16min), verify_status::clock_skew);
    EXPECT_EQ(verify(f.request(), secret_for, signed_at - 16min), verify_status::clock_skew);
    EXPECT_EQ(verify(f.request(), secret_for, signed_at + 14min), verify_status::ok);
    EXPECT_EQ(verify(f.request(), secret_for, signed_at - 14min), verify_status::ok);
    EXPECT_EQ(verify(f.request(), secret_for, signed_at + 2min, 60s), verify_status::clock_skew);
}

TEST(Verify, RejectsSignaturesThatDoNotCoverTheDate)
{
    fixture f;
    auto req = f.request();
    auto* auth = find(req.headers, "Authorization");
    auth->value.replace(auth->value.find(";x-sdk-date"), 11, "");
    EXPECT_EQ(verify(req, secret_for, signed_at), verify_status::malformed);
}

TEST(ParseAuthorization, ReadsAllThreeFields)
{
    auto p = parse_authorization("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=Host;x-sdk-date, Signature=abcd");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->access_key, "AK1");
    EXPECT_EQ(p->signed_headers, (std::vector<std::string>{"host", "x-sdk-date"}));
    EXPECT_EQ(p->signature, "abcd");
    EXPECT_TRUE(parse_authorization("SDK-HMAC-SHA256 Access=AK1,SignedHeaders=host,Signature=ab"));
}

TEST(ParseAuthorization, RejectsOtherAlgorithmsAndIncompleteValues)
{
    EXPECT_FALSE(parse_authorization(""));
    EXPECT_FALSE(parse_authorization("SDK-HMAC-SHA256"));
    EXPECT_FALSE(parse_authorization("V11-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=s"));
    EXPECT_FALSE(parse_authorization("SDK-HMAC-SHA256 Access=, SignedHeaders=h, Signature=s"));
    EXPECT_FALSE(parse_authorization("SDK-HMAC-SHA256 Access=a, SignedHeaders=h"));
    EXPECT_FALSE(parse_authorization("SDK-HMAC-SHA256 Access=a, SignedHeaders=h;;x, Signature=s"));
    EXPECT_FALSE(parse_authorization("SDK-HMAC-SHA256 Access=a, Access=b, SignedHeaders=h, Signature=s"));
}

TEST(VerifyStatus, NamesEveryStatus)
{
    EXPECT_STREQ(to_string(verify_status::ok), "ok");
    EXPECT_STREQ(to_string(verify_status::missing), "missing");
    EXPECT_STREQ(to_string(verify_status::malformed), "malformed");
    EXPECT_STREQ(to_string(verify_status::unknown_key), "unknown_key");
    EXPECT_STREQ(to_string(verify_status::bad_signature), "bad_signature");
    EXPECT_STREQ(to_string(verify_status::clock_skew), "clock_skew");
}
