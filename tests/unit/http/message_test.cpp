#include "drsmon/http/message.hpp"

#include <gtest/gtest.h>

#include <string>

namespace drsmon::http {
namespace {

TEST(ResponseHeaderValue, FindsHeadersCaseInsensitively)
{
    response r;
    r.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "r-1"}};
    EXPECT_EQ(r.header_value("content-type"), "application/json");
    EXPECT_EQ(r.header_value("X-REQUEST-ID"), "r-1");
}

TEST(ResponseHeaderValue, ReturnsEmptyForAbsentHeaders)
{
    response r;
    EXPECT_EQ(r.header_value("Retry-After"), "");
}

TEST(RequestHeaderValue, ReturnsTheFirstOfRepeatedHeaders)
{
    request q;
    q.headers = {{"Accept", "a"}, {"accept", "b"}};
    EXPECT_EQ(q.header_value("ACCEPT"), "a");
}

core::url origin(std::string text)
{
    auto u = core::parse_url(text);
    EXPECT_TRUE(u) << text;
    return u ? *u : core::url{};
}

TEST(SerializeRequest, WritesTheRequestLineDefaultHeadersAndTheBodyAsOneBuffer)
{
    request q;
    q.method = "POST";
    q.target = "/v3/p/jobs/batch-status";
    q.headers = {{"Content-Type", "application/json"}};
    q.body = R"({"jobs":["a"]})";
    auto wire = serialize_request(q, "", origin("https://drs.example.com"), "drs-monitor/1");
    ASSERT_TRUE(wire) << wire.error().to_string();
    EXPECT_EQ(
        *wire,
        "POST /v3/p/jobs/batch-status HTTP/1.1\r\n"
        "Content-Type: application/json\r\n"
        "Host: drs.example.com\r\n"
        "User-Agent: drs-monitor/1\r\n"
        "Accept-Encoding: gzip\r\n"
        "Content-Length: 14\r\n"
        "\r\n"
        R"({"jobs":["a"]})"
    );
}

TEST(SerializeRequest, KeepsTheCallersHostAgentAndEncodingAndNamesAPortThatIsNotTheDefault)
{
    request q;
    q.headers = {{"host", "h"}, {"user-agent", "x"}, {"ACCEPT-ENCODING", "identity"}};
    auto own = serialize_request(q, "", origin("https://a.example:8443"), "drs-monitor/1");
    ASSERT_TRUE(own);
    EXPECT_EQ(*own, "GET / HTTP/1.1\r\nhost: h\r\nuser-agent: x\r\nACCEPT-ENCODING: identity\r\n\r\n");

    request plain;
    auto added = serialize_request(plain, "", origin("https://a.example:8443"), "");
    ASSERT_TRUE(added);
    EXPECT_EQ(*added, "GET / HTTP/1.1\r\nHost: a.example:8443\r\nAccept-Encoding: gzip\r\n\r\n");
}

TEST(SerializeRequest, FramesBodiesByLengthOnlyAndNeverTrustsTheCallersFraming)
{
    request q;
    q.method = "PUT";
    q.headers = {{"Content-Length", "999"}, {"Transfer-Encoding", "chunked"}};
    auto empty_put = serialize_request(q, "", origin("http://127.0.0.1:9"), "");
    ASSERT_TRUE(empty_put);
    EXPECT_NE(empty_put->find("Content-Length: 0\r\n"), std::string::npos) << *empty_put;
    EXPECT_EQ(empty_put->find("999"), std::string::npos);
    EXPECT_EQ(empty_put->find("chunked"), std::string::npos);

    request head;
    head.method = "HEAD";
    auto h = serialize_request(head, "", origin("http://127.0.0.1:9"), "");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->find("Content-Length"), std::string::npos) << "a bodiless method without a body";
}

TEST(SerializeRequest, PutsAProxyPrefixBeforeTheTarget)
{
    request q;
    q.target = "/metrics?x=1";
    auto wire = serialize_request(q, "http://10.0.0.1:8080", origin("http://10.0.0.1:8080"), "");
    ASSERT_TRUE(wire);
    EXPECT_TRUE(wire->starts_with("GET http://10.0.0.1:8080/metrics?x=1 HTTP/1.1\r\n")) << *wire;
}

TEST(SerializeRequest, RefusesInjectionWithoutRepeatingAHeaderValue)
{
    const auto o = origin("https://drs.example.com");
    auto refused = [&](request q) {
        auto r = serialize_request(q, "", o, "");
        EXPECT_FALSE(r) << q.method << " " << q.target;
        return r ? std::string() : r.error().to_string();
    };
    request bad_method;
    bad_method.method = "GET /x HTTP/1.1\r\nX:";
    EXPECT_NE(refused(bad_method).find("invalid request line"), std::string::npos);
    request space_target;
    space_target.target = "/a b";
    EXPECT_NE(refused(space_target).find("invalid request line"), std::string::npos);
    request crlf_target;
    crlf_target.target = "/a\r\nX-Evil: 1";
    EXPECT_NE(refused(crlf_target).find("invalid request line"), std::string::npos);
    request empty_target;
    empty_target.target = "";
    refused(empty_target);

    request injected;
    injected.headers = {{"X-Auth-Token", "s3cr3t-token\r\nX-Evil: 1"}};
    const auto why = refused(injected);
    EXPECT_NE(why.find("invalid header X-Auth-Token"), std::string::npos) << why;
    EXPECT_EQ(why.find("s3cr3t"), std::string::npos) << "the value may be a credential";

    request bad_name;
    bad_name.headers = {{"X Evil:", "1"}};
    const auto named = refused(bad_name);
    EXPECT_NE(named.find("invalid header name"), std::string::npos) << named;
    request nul_value;
    nul_value.headers = {{"Accept", std::string("a\0b", 3)}};
    refused(nul_value);
}

}  // namespace
}  // namespace drsmon::http
