// Reproduces every reference vector of aksk_vectors.json byte for byte.
#include "drsmon/auth/signer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace json = boost::json;
using namespace drsmon::auth;

namespace {

json::value load_vectors()
{
    std::ifstream in(DRSMON_SHARED_DIR "/testdata/aksk_vectors.json", std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    return json::parse(buf.str());
}

const json::value& vectors_file()
{
    static const json::value v = load_vectors();
    return v;
}

// Query values in the file are strings, ints or bools; the SDK renders them with their string form.
std::optional<std::string> query_value(const json::value& v)
{
    if (v.is_string())
        return std::string(v.get_string());
    if (v.is_bool())
        return v.get_bool() ? "true" : "false";
    if (v.is_int64())
        return std::to_string(v.get_int64());
    if (v.is_uint64())
        return std::to_string(v.get_uint64());
    return std::nullopt;  // null: the SDK drops the parameter
}

std::vector<std::pair<std::string, std::string>> query_of(const json::array& arr)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : arr)
    {
        const auto& pair = p.get_array();
        if (auto v = query_value(pair.at(1)))
            out.emplace_back(std::string(pair.at(0).get_string()), *v);
    }
    return out;
}

// Boost.JSON objects keep insertion order, which is the order the SDK sends headers in.
std::vector<header> headers_of(const json::object& obj)
{
    std::vector<header> out;
    for (const auto& kv : obj)
        out.push_back({std::string(kv.key()), std::string(kv.value().get_string())});
    return out;
}

std::string body_of(const json::value& v)
{
    return v.is_string() ? std::string(v.get_string()) : std::string();
}

std::string str(const json::value& v, std::string_view key) { return std::string(v.at(key).get_string()); }

}  // namespace

TEST(SignerVectors, FileHasPythonAndGoVectors)
{
    EXPECT_EQ(vectors_file().at("vectors").get_array().size(), 4u);
    EXPECT_EQ(vectors_file().at("go_sdk_vectors").get_array().size(), 2u);
}

TEST(SignerVectors, ReproducesEveryPythonSdkVectorByteForByte)
{
    for (const auto& vec : vectors_file().at("vectors").get_array())
    {
        const auto& in = vec.at("input");
        const auto& exp = vec.at("expected");
        SCOPED_TRACE(str(vec, "name"));

        const std::string body = body_of(in.at("body"));
        sign_input si{
            str(in, "method"),
            str(in, "host"),
            str(in, "resource_path"),
            query_of(in.at("query_params_in_order_given").get_array()),
            headers_of(in.at("headers_before_signing").get_object()),
            body};
        credentials creds{str(in, "ak"), str(in, "sk"), {}};
        auto now = parse_sdk_date(str(in, "date"));
        ASSERT_TRUE(now);

        const sign_output out = sign(si, creds, *now);
        EXPECT_EQ(out.canonical_request, str(exp, "canonical_request"));
        EXPECT_EQ(out.string_to_sign, str(exp, "string_to_sign"));
        EXPECT_EQ(out.signed_headers, str(exp, "signed_headers"));
        EXPECT_EQ(out.signature, str(exp, "signature"));
        EXPECT_EQ(out.authorization, str(exp, "authorization"));
        EXPECT_EQ(out.target, str(exp, "request_uri_sent"));
        EXPECT_EQ(str(in, "scheme") + "://" + si.host + out.target, str(exp, "url_sent"));
        EXPECT_EQ(sha256_hex(body), str(in, "body_utf8_sha256"));

        const auto expected_headers = headers_of(exp.at("headers_sent").get_object());
        ASSERT_EQ(out.headers.size(), expected_headers.size());
        for (std::size_t i = 0; i < expected_headers.size(); ++i)
        {
            EXPECT_EQ(out.headers[i].name, expected_headers[i].name);
            EXPECT_EQ(out.headers[i].value, expected_headers[i].value);
        }
    }
}

TEST(SignerVectors, EveryPythonSdkVectorPassesVerification)
{
    for (const auto& vec : vectors_file().at("vectors").get_array())
    {
        const auto& in = vec.at("input");
        const auto& exp = vec.at("expected");
        SCOPED_TRACE(str(vec, "name"));
        const std::string body = body_of(in.at("body"));
        verify_input vi{
            str(in, "method"),
            str(exp, "request_uri_sent"),
            headers_of(exp.at("headers_sent").get_object()),
            body};
        const std::string ak = str(in, "ak");
        const std::string sk = str(in, "sk");
        auto secret_for = [&](std::string_view key) -> std::optional<std::string> {
            if (key == ak)
                return sk;
            return std::nullopt;
        };
        EXPECT_EQ(verify(vi, secret_for, *parse_sdk_date(str(in, "date"))), verify_status::ok);
    }
}

// The Go SDK signs every header except those with '_' and Content-Type, and adds no Host.
TEST(SignerVectors, ReproducesGoSdkVectorsWithItsHeaderSelection)
{
    for (const auto& vec : vectors_file().at("go_sdk_vectors").get_array())
    {
        const auto& in = vec.at("input");
        SCOPED_TRACE(str(vec, "name"));

        const std::string url = str(in, "url");
        const auto scheme_end = url.find("://");
        ASSERT_NE(scheme_end, std::string::npos);
        const auto path_start = url.find('/', scheme_end + 3);
        const std::string path = url.substr(path_start);

        const auto headers = headers_of(in.at("headers").get_object());
        std::vector<std::string> names;
        for (const auto& h : headers)
        {
            std::string lower;
            for (char c : h.name)
                lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            if (lower.find('_') == std::string::npos && lower != "content-type")
                names.push_back(lower);
        }
        std::sort(names.begin(), names.end());

        const std::string body = body_of(in.at("body"));
        const std::string query = canonical_query(query_of(in.at("query").get_array()));
        const auto parts = compute_signature(
            {str(in, "method"), path, query, headers, names, body},
            str(in, "sk")
        );
        EXPECT_EQ(parts.canonical_request, str(vec, "expected_canonical_request"));
        EXPECT_EQ(
            format_authorization(str(in, "ak"), "x-sdk-date", parts.signature),
            str(vec, "expected_authorization")
        );

        // The gateway-side check accepts what the Go SDK sent.
        auto sent = headers;
        sent.push_back({"Authorization", str(vec, "expected_authorization")});
        verify_input vi{str(in, "method"), path + "?" + query, sent, body};
        const std::string sk = str(in, "sk");
        auto secret_for = [&](std::string_view) -> std::optional<std::string> { return sk; };
        const auto date = parse_sdk_date(std::string(in.at("headers").at("X-Sdk-Date").get_string()));
        ASSERT_TRUE(date);
        EXPECT_EQ(verify(vi, secret_for, *date), verify_status::ok);
    }
}

// Vector 4 lists X-Security-Token among its headers; credentials carrying the token sign the same.
TEST(SignerVectors, SecurityTokenFromCredentialsSignsLikeTheTokenVector)
{
    const auto& vec = vectors_file().at("vectors").get_array().at(3);
    const auto& in = vec.at("input");
    auto headers = headers_of(in.at("headers_before_signing").get_object());
    std::string token;
    std::erase_if(headers, [&](const header& h) {
        if (h.name != "X-Security-Token")
            return false;
        token = h.value;
        return true;
    });
    ASSERT_FALSE(token.empty());
    sign_input si{
        str(in, "method"),
        str(in, "host"),
        str(in, "resource_path"),
        query_of(in.at("query_params_in_order_given").get_array()),
        headers,
        {}};
    const auto out = sign(
        si,
        credentials{str(in, "ak"), str(in, "sk"), token},
        *parse_sdk_date(str(in, "date"))
    );
    EXPECT_EQ(out.authorization, str(vec.at("expected"), "authorization"));
}
