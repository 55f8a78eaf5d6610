#include "drsmon/core/url.hpp"

#include <gtest/gtest.h>

namespace drsmon::core {
namespace {

TEST(ParseUrl, ReadsHttpsOriginWithDefaultPortAndPath)
{
    auto u = parse_url("https://DRS.cn-north-4.myhuaweicloud.com");
    ASSERT_TRUE(u) << u.error().to_string();
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "drs.cn-north-4.myhuaweicloud.com");
    EXPECT_EQ(u->port, 443);
    EXPECT_EQ(u->path, "/");
    EXPECT_TRUE(u->is_tls());
}

TEST(ParseUrl, ReadsExplicitPortAndPathWithQuery)
{
    auto u = parse_url("HTTP://127.0.0.1:8080/v3/jobs?limit=10#frag");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "http");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->path, "/v3/jobs?limit=10");
    EXPECT_FALSE(u->is_tls());
}

TEST(ParseUrl, ReadsBracketedIpv6Literal)
{
    auto u = parse_url("https://[::1]:8443/x");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->path, "/x");
}

TEST(ParseUrl, RejectsOtherSchemesUserInfoAndBadPorts)
{
    for (const char* bad :
         {"ftp://host/",
          "host:80",
          "https://",
          "https://user:pw@host/",
          "https://host:0/",
          "https://host:65536/",
          "https://host:/",
          "https://host:12a/",
          "https://[::1/",
          "https://[nothost]:80/",
          "https://ho st/"})
    {
        auto u = parse_url(bad);
        ASSERT_FALSE(u) << bad;
        EXPECT_EQ(u.error().kind(), errc::config) << bad;
        EXPECT_EQ(u.error().where, "http");
    }
}

TEST(ParseOrigin, ReadsSchemeHostAndDefaultPort)
{
    auto u = parse_origin("https://DRS.ap-southeast-1.myhuaweicloud.com/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "drs.ap-southeast-1.myhuaweicloud.com");
    EXPECT_EQ(u->port, 443);
    EXPECT_FALSE(u->explicit_port);
    EXPECT_EQ(u->origin(), "https://drs.ap-southeast-1.myhuaweicloud.com");
    auto h = parse_origin("http://proxy");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->port, 80);
}

TEST(ParseOrigin, ReadsExplicitPortsAndIpv6Literals)
{
    auto u = parse_origin("https://127.0.0.1:8443");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->origin(), "https://127.0.0.1:8443");
    auto v6 = parse_origin("http://[::1]:3128");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 3128);
    EXPECT_EQ(v6->origin(), "http://[::1]:3128");
}

TEST(ParseOrigin, KeepsAnExplicitDefaultPort)
{
    EXPECT_EQ(parse_origin("https://example.com:443")->origin(), "https://example.com:443");
    EXPECT_EQ(parse_origin("https://example.com:443")->host_header(), "example.com");
}

TEST(ParseOrigin, RejectsAnythingButABareAuthority)
{
    for (const char* bad :
         {"",
          "drs.example.com",
          "ftp://x",
          "https://",
          "https://host/v3",
          "https://host?x=1",
          "https://host#f",
          "http://user:pw@host:1",
          "https://host:0",
          "https://host:65536",
          "https://host:",
          "https://host:8a",
          "https://-host",
          "https://ho_st",
          "https://[::1",
          "https://[zz]:1",
          "https://a..b"})
        EXPECT_FALSE(parse_origin(bad)) << bad;
}

TEST(UrlHostHeader, OmitsTheDefaultPort)
{
    EXPECT_EQ(parse_url("https://example.com:443/")->host_header(), "example.com");
    EXPECT_EQ(parse_url("http://example.com:80/")->host_header(), "example.com");
}

TEST(UrlHostHeader, IncludesANonDefaultPort)
{
    EXPECT_EQ(parse_url("https://example.com:8443/")->host_header(), "example.com:8443");
    EXPECT_EQ(parse_url("http://example.com:443/")->host_header(), "example.com:443");
}

TEST(UrlHostHeader, BracketsIpv6Literals)
{
    EXPECT_EQ(parse_url("https://[::1]/")->host_header(), "[::1]");
    EXPECT_EQ(parse_url("https://[::1]:8443/")->host_header(), "[::1]:8443");
    EXPECT_EQ(parse_url("https://[::1]/")->authority(), "[::1]:443");
}

TEST(UrlToString, RoundTripsTheOriginAndPath)
{
    EXPECT_EQ(parse_url("https://Example.com:8443/a?b=c")->to_string(), "https://example.com:8443/a?b=c");
}

TEST(UrlOrigin, NamesAPortThatIsNotTheDefaultEvenWhenBuiltByHand)
{
    EXPECT_EQ((url{"https", "127.0.0.1", 8443, "/"}).origin(), "https://127.0.0.1:8443");
    EXPECT_EQ((url{"https", "example.com", 443, "/"}).origin(), "https://example.com");
}

TEST(IsIpLiteral, RecognisesAddressesButNotNames)
{
    EXPECT_TRUE(is_ip_literal("127.0.0.1"));
    EXPECT_TRUE(is_ip_literal("::1"));
    EXPECT_FALSE(is_ip_literal("localhost"));
    EXPECT_FALSE(is_ip_literal("1.2.3.example"));
}

}  // namespace
}  // namespace drsmon::core
