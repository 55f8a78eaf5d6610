#include "drsmon/core/text.hpp"

#include <gtest/gtest.h>

namespace drsmon::core {
namespace {

TEST(Text, LowersAsciiLettersOnly)
{
    EXPECT_EQ(lower("Content-Type: ÄB"), "content-type: Äb");
    EXPECT_EQ(lower('Z'), 'z');
    EXPECT_EQ(lower('['), '[');
    static_assert(lower('A') == 'a');
}

TEST(Text, ComparesIgnoringAsciiCase)
{
    EXPECT_TRUE(iequals("X-Auth-Token", "x-auth-token"));
    EXPECT_FALSE(iequals("X-Auth-Token", "x-auth-tokens"));
    EXPECT_FALSE(iequals("@", "`"));  // 0x40 and 0x60 differ by the case bit but are not letters
    EXPECT_TRUE(iends_with("API.Example.COM", "example.com"));
    EXPECT_FALSE(iends_with("com", "example.com"));
}

TEST(Text, TrimsTheGivenCharacterSet)
{
    EXPECT_EQ(trim(" \t\r\n value \v\f"), "value");
    EXPECT_EQ(trim(" \t gzip \t", http_whitespace), "gzip");
    EXPECT_EQ(trim("\r\n12\n", http_whitespace), "\r\n12\n");
    EXPECT_EQ(trim("\r\n12\n", json_whitespace), "12");
    EXPECT_EQ(trim("   "), "");
    EXPECT_EQ(trim(""), "");
}

}  // namespace
}  // namespace drsmon::core
