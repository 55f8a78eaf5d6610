#include "drsmon/config/url.hpp"

#include <gtest/gtest.h>

using drsmon::config::no_proxy_matches;
using drsmon::config::parse_url;

TEST(ParseUrl, ReadsSchemeHostAndDefaultPort)
{
    auto u = parse_url("https://DRS.ap-southeast-1.myhuaweicloud.com/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "drs.ap-southeast-1.myhuaweicloud.com");
    EXPECT_EQ(u->port, 443);
    EXPECT_FALSE(u->explicit_port);
    EXPECT_EQ(u->to_string(), "https://drs.ap-southeast-1.myhuaweicloud.com");
    auto h = parse_url("http://proxy");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->port, 80);
}

TEST(ParseUrl, ReadsExplicitPortsAndIpv6Literals)
{
    auto u = parse_url("https://127.0.0.1:8443");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->to_string(), "https://127.0.0.1:8443");
    auto v6 = parse_url("http://[::1]:3128");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 3128);
    EXPECT_EQ(v6->to_string(), "http://[::1]:3128");
}

TEST(ParseUrl, RejectsAnythingButABareAuthority)
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
        EXPECT_FALSE(parse_url(bad)) << bad;
}

TEST(NoProxyMatches, MatchesHostsAndSubdomainsIgnoringCaseAndPorts)
{
    EXPECT_TRUE(no_proxy_matches("*", "anything"));
    EXPECT_TRUE(no_proxy_matches("example.com", "example.com"));
    EXPECT_TRUE(no_proxy_matches("example.com", "drs.EXAMPLE.com"));
    EXPECT_TRUE(no_proxy_matches(" localhost , .example.com:443", "iam.example.com"));
    EXPECT_TRUE(no_proxy_matches("10.0.0.1", "10.0.0.1"));
    EXPECT_TRUE(no_proxy_matches("[::1]", "::1"));
    EXPECT_FALSE(no_proxy_matches("example.com", "badexample.com"));
    EXPECT_FALSE(no_proxy_matches("", "example.com"));
    EXPECT_FALSE(no_proxy_matches("drs.example.com", "example.com"));
}
