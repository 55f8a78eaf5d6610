#include "drsmon/core/no_proxy.hpp"

#include <gtest/gtest.h>

namespace drsmon::core {
namespace {

TEST(NoProxy, MatchesExactHostCaseInsensitively)
{
    EXPECT_TRUE(no_proxy_matches("Example.COM", "example.com"));
    EXPECT_FALSE(no_proxy_matches("example.com", "example.org"));
}

TEST(NoProxy, MatchesDomainSuffixesOnLabelBoundaries)
{
    EXPECT_TRUE(no_proxy_matches("example.com", "api.example.com"));
    EXPECT_TRUE(no_proxy_matches(".example.com", "api.example.com"));
    EXPECT_TRUE(no_proxy_matches(".example.com", "example.com"));
    EXPECT_TRUE(no_proxy_matches("*.example.com", "a.b.example.com"));
    EXPECT_FALSE(no_proxy_matches("example.com", "badexample.com"));
}

TEST(NoProxy, MatchesAStarForEveryHost)
{
    EXPECT_TRUE(no_proxy_matches("*", "anything.example"));
    EXPECT_TRUE(no_proxy_matches("foo, *", "anything.example"));
}

TEST(NoProxy, ReadsCommaAndSpaceSeparatedListsAndIgnoresPorts)
{
    const char* list = " localhost , 10.0.0.1:8080,.internal  myhuaweicloud.com:443";
    EXPECT_TRUE(no_proxy_matches(list, "localhost"));
    EXPECT_TRUE(no_proxy_matches(list, "10.0.0.1"));
    EXPECT_TRUE(no_proxy_matches(list, "svc.internal"));
    EXPECT_TRUE(no_proxy_matches(list, "drs.cn-north-4.myhuaweicloud.com"));
    EXPECT_FALSE(no_proxy_matches(list, "10.0.0.2"));
    EXPECT_FALSE(no_proxy_matches("", "localhost"));
    EXPECT_FALSE(no_proxy_matches(",,", "localhost"));
}

TEST(NoProxy, MatchesIpv6LiteralsWithOrWithoutBrackets)
{
    EXPECT_TRUE(no_proxy_matches("::1", "::1"));
    EXPECT_TRUE(no_proxy_matches("[::1]:8443", "::1"));
    EXPECT_FALSE(no_proxy_matches("::2", "::1"));
}

TEST(NoProxy, MatchesHostsAndSubdomainsIgnoringCaseAndPorts)
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

TEST(NoProxy, MatchesAddressesInsideACidrRange)
{
    EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.20.30.40"));
    EXPECT_TRUE(no_proxy_matches("192.168.1.0/24", "192.168.1.255"));
    EXPECT_FALSE(no_proxy_matches("192.168.1.0/24", "192.168.2.1"));
    EXPECT_TRUE(no_proxy_matches("192.168.0.0/23", "192.168.1.7"));
    EXPECT_TRUE(no_proxy_matches("fd00::/8", "fd12:3456::1"));
    EXPECT_TRUE(no_proxy_matches("[fd00::]/8", "[fd12::1]"));
    EXPECT_FALSE(no_proxy_matches("fd00::/8", "fe80::1"));
    EXPECT_FALSE(no_proxy_matches("10.0.0.0/33", "10.0.0.0"));
    EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "10.example.com"));
}

TEST(NoProxy, KeepsNamesAndAddressesApart)
{
    // curl compares an IP host with IP entries only: a name suffix never matches an address.
    EXPECT_FALSE(no_proxy_matches("0.0.1", "10.0.0.1"));
    EXPECT_FALSE(no_proxy_matches("localhost", "127.0.0.1"));
    EXPECT_FALSE(no_proxy_matches("::1", "127.0.0.1"));
}

TEST(NoProxy, IgnoresTrailingDots)
{
    EXPECT_TRUE(no_proxy_matches("example.com.", "api.example.com"));
    EXPECT_TRUE(no_proxy_matches("example.com", "api.example.com."));
    EXPECT_FALSE(no_proxy_matches(".", "example.com"));
}

}  // namespace
}  // namespace drsmon::core
