#include "drsmon/auth/signer.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

using namespace drsmon::auth;
using namespace std::chrono_literals;

namespace {

const credentials creds{"AKEXAMPLE", "secret+/key", {}};

sign_input basic_get()
{
    return sign_input{
        "GET",
        "drs.example.com:8443",
        "/v5/pid/jobs",
        {{"offset", "0"}, {"limit", "10"}},
        {{"Content-Type", "application/json"}, {"User-Agent", "drs-monitor/test"}},
        {}};
}

const header* find(const std::vector<header>& hs, std::string_view name)
{
    for (const auto& h : hs)
    {
        if (h.name == name)
            return &h;
    }
    return nullptr;
}

}  // namespace

TEST(SdkDate, FormatsUtcSecondsWithoutSeparators)
{
    const auto t = drsmon::core::wall_time(
                       std::chrono::sys_days{std::chrono::year{2025} / 3 / 15} + 8h + 30min
                   ) +
                   750ms;
    EXPECT_EQ(format_sdk_date(t), "20250315T083000Z");
}

TEST(SdkDate, FormatsAsStrftimeOfGmtimeDoes)
{
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> secs(0, 7'258'118'399);  // 1970 .. 2199-12-31
    for (int i = 0; i < 2000; ++i)
    {
        const std::time_t s = static_cast<std::time_t>(secs(rng));
        std::tm tm{};
        ASSERT_NE(gmtime_r(&s, &tm), nullptr);
        char expected[32];
        ASSERT_EQ(std::strftime(expected, sizeof expected, "%Y%m%dT%H%M%SZ", &tm), 16u);
        EXPECT_EQ(format_sdk_date(drsmon::core::wall_time(std::chrono::seconds(s))), expected) << s;
    }
}

TEST(SdkDate, ParseRoundTripsFormat)
{
    const auto t = drsmon::core::wall_time(std::chrono::seconds(1'741'000'123));
    const auto parsed = parse_sdk_date(format_sdk_date(t));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, t);
    EXPECT_EQ(format_sdk_date(*parse_sdk_date("20240229T235959Z")), "20240229T235959Z");
}

TEST(SdkDate, ParseRejectsMalformedDates)
{
    EXPECT_FALSE(parse_sdk_date(""));
    EXPECT_FALSE(parse_sdk_date("20250315T083000"));
    EXPECT_FALSE(parse_sdk_date("20250315 083000Z"));
    EXPECT_FALSE(parse_sdk_date("2025-03-15T08:30:00Z"));
    EXPECT_FALSE(parse_sdk_date("20250230T083000Z"));
    EXPECT_FALSE(parse_sdk_date("20251315T083000Z"));
    EXPECT_FALSE(parse_sdk_date("20250315T243000Z"));
    EXPECT_FALSE(parse_sdk_date("2025031xT083000Z"));
}

TEST(SdkDate, ParseRejectsYearsOutside1970To2200RatherThanOverflowing)
{
    EXPECT_FALSE(parse_sdk_date("29230101T000000Z"));
    EXPECT_FALSE(parse_sdk_date("99991231T235959Z"));
    EXPECT_FALSE(parse_sdk_date("22010101T000000Z"));
    EXPECT_FALSE(parse_sdk_date("16770101T000000Z"));
    EXPECT_FALSE(parse_sdk_date("00010101T000000Z"));
    EXPECT_FALSE(parse_sdk_date("19691231T235959Z"));
    EXPECT_EQ(format_sdk_date(*parse_sdk_date("19700101T000000Z")), "19700101T000000Z");
    EXPECT_EQ(format_sdk_date(*parse_sdk_date("22001231T235959Z")), "22001231T235959Z");
}

TEST(Rfc3986Encode, KeepsUnreservedAndEncodesEverythingElseUppercase)
{
    EXPECT_EQ(rfc3986_encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(rfc3986_encode("a b/c+d*e,f"), "a%20b%2Fc%2Bd%2Ae%2Cf");
    EXPECT_EQ(rfc3986_encode("\xe6\xb5\x8b"), "%E6%B5%8B");
    EXPECT_EQ(rfc3986_encode(""), "");
}

TEST(PercentDecode, DecodesEscapesAndRejectsBrokenOnes)
{
    EXPECT_EQ(percent_decode("a%20b%2fc+d"), "a b/c+d");
    EXPECT_FALSE(percent_decode("abc%2"));
    EXPECT_FALSE(percent_decode("abc%zz"));
    EXPECT_FALSE(percent_decode("%"));
}

TEST(CanonicalQuery, SortsByKeyThenValueAndKeepsEmptyValues)
{
    EXPECT_EQ(canonical_query({{"b", "2"}, {"a", "y"}, {"a", "x"}, {"c", ""}}), "a=x&a=y&b=2&c=");
    EXPECT_EQ(canonical_query({}), "");
    EXPECT_EQ(canonical_query({{"name", "a b"}}), "name=a%20b");
}

TEST(CanonicalUri, AlwaysEndsWithSlashAndReencodesSegments)
{
    EXPECT_EQ(canonical_uri("/v3/p/jobs/batch-status"), "/v3/p/jobs/batch-status/");
    EXPECT_EQ(canonical_uri("/v3/p/jobs/"), "/v3/p/jobs/");
    EXPECT_EQ(canonical_uri(""), "/");
    EXPECT_EQ(canonical_uri("/"), "/");
    EXPECT_EQ(canonical_uri("/a%20b/c d"), "/a%20b/c%20d/");
    EXPECT_EQ(canonical_uri("/a%2Fb"), "/a/b/");
    EXPECT_EQ(canonical_uri("/100%"), "/100%25/");
}

TEST(Sign, AddsDateHostAndAuthorizationAfterInputHeaders)
{
    const auto now = *parse_sdk_date("20250101T000000Z");
    const auto out = sign(basic_get(), creds, now);
    ASSERT_EQ(out.headers.size(), 5u);
    EXPECT_EQ(out.headers[0].name, "Content-Type");
    EXPECT_EQ(out.headers[1].name, "User-Agent");
    EXPECT_EQ(out.headers[2].name, "X-Sdk-Date");
    EXPECT_EQ(out.headers[2].value, "20250101T000000Z");
    EXPECT_EQ(out.headers[3].name, "Host");
    EXPECT_EQ(out.headers[3].value, "drs.example.com:8443");
    EXPECT_EQ(out.headers[4].name, "Authorization");
    EXPECT_EQ(out.headers[4].value, out.authorization);
    EXPECT_EQ(out.signed_headers, "content-type;host;user-agent;x-sdk-date");
    EXPECT_EQ(out.target, "/v5/pid/jobs?limit=10&offset=0");
    EXPECT_NE(out.canonical_request.find("\nhost:drs.example.com:8443\n"), std::string::npos);
}

TEST(Sign, KeepsGivenDateAndHostHeaders)
{
    auto in = basic_get();
    in.headers.push_back({"x-sdk-date", "20240101T000000Z"});
    in.headers.push_back({"host", "other.example.com"});
    const auto out = sign(in, creds, *parse_sdk_date("20250101T000000Z"));
    EXPECT_EQ(out.headers.size(), 5u);
    EXPECT_NE(out.string_to_sign.find("\n20240101T000000Z\n"), std::string::npos);
    EXPECT_NE(out.canonical_request.find("\nhost:other.example.com\n"), std::string::npos);
}

TEST(Sign, SecurityTokenFromCredentialsIsSentAndSigned)
{
    const credentials temp{"AKEXAMPLE", "secret+/key", "TOKENVALUE"};
    const auto out = sign(basic_get(), temp, *parse_sdk_date("20250101T000000Z"));
    const header* token = find(out.headers, "X-Security-Token");
    ASSERT_NE(token, nullptr);
    EXPECT_EQ(token->value, "TOKENVALUE");
    EXPECT_EQ(out.signed_headers, "content-type;host;user-agent;x-sdk-date;x-security-token");
    EXPECT_EQ(out.headers.back().name, "Authorization");
}

TEST(Sign, AuthorizationNeverContainsTheSecretKey)
{
    const auto out = sign(basic_get(), creds, *parse_sdk_date("20250101T000000Z"));
    for (const auto& h : out.headers)
        EXPECT_EQ(h.value.find(creds.secret_key), std::string::npos) << h.name;
    EXPECT_EQ(out.canonical_request.find(creds.secret_key), std::string::npos);
    EXPECT_EQ(out.string_to_sign.find(creds.secret_key), std::string::npos);
}

TEST(Sign, ReplacesAStaleAuthorizationHeader)
{
    auto in = basic_get();
    in.headers.push_back({"authorization", "SDK-HMAC-SHA256 Access=old, SignedHeaders=host, Signature=00"});
    const auto out = sign(in, creds, *parse_sdk_date("20250101T000000Z"));
    int count = 0;
    for (const auto& h : out.headers)
        count += (h.name == "Authorization" || h.name == "authorization") ? 1 : 0;
    EXPECT_EQ(count, 1);
    EXPECT_EQ(out.signed_headers.find("authorization"), std::string::npos);
}

TEST(Sign, TrailingSlashSpellingsShareASignatureButNotATarget)
{
    auto a = basic_get();
    auto b = basic_get();
    b.path += "/";
    const auto now = *parse_sdk_date("20250101T000000Z");
    const auto sa = sign(a, creds, now);
    const auto sb = sign(b, creds, now);
    EXPECT_EQ(sa.signature, sb.signature);
    EXPECT_EQ(sa.target, "/v5/pid/jobs?limit=10&offset=0");
    EXPECT_EQ(sb.target, "/v5/pid/jobs/?limit=10&offset=0");
}

TEST(Sign, HonoursXSdkContentSha256ForNonEmptyBodies)
{
    auto in = basic_get();
    in.method = "POST";
    in.body = "binary";
    in.headers.push_back({"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"});
    const auto out = sign(in, creds, *parse_sdk_date("20250101T000000Z"));
    EXPECT_TRUE(out.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));

    in.body = {};
    const auto empty = sign(in, creds, *parse_sdk_date("20250101T000000Z"));
    EXPECT_TRUE(empty.canonical_request.ends_with(std::string("\n") + std::string(empty_payload_hash)));
}

TEST(Crypto, HmacMatchesRfc4231TestCase2)
{
    EXPECT_EQ(
        hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    EXPECT_EQ(sha256_hex(""), empty_payload_hash);
}

TEST(Crypto, HmacHandlesKeysLongerThanShorterThanAndExactlyOneBlock)
{
    // RFC 4231 test case 6: a 131-byte key is hashed first.
    EXPECT_EQ(
        hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
    std::string block;
    for (int i = 0; i < 64; ++i)
        block += static_cast<char>(i);
    EXPECT_EQ(
        hmac_sha256_hex(block, "exactly one block"),
        "6a0b99c9142782e19009e62b6ac5c4261cad2dddfa6f6a369a1414208408abd3"
    );
    EXPECT_EQ(hmac_sha256_hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(PercentDecode, InvertsRfc3986EncodeForEveryByte)
{
    std::string all;
    for (int c = 0; c < 256; ++c)
        all.push_back(static_cast<char>(c));
    const auto encoded = rfc3986_encode(all);
    EXPECT_EQ(
        encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%"),
        std::string::npos
    );
    EXPECT_EQ(percent_decode(encoded), all);
}
