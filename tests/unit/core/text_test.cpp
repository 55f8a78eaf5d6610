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

TEST(Text, PopsTokensUpToAnySeparator)
{
    std::string_view rest = "a=1&&b=2";
    EXPECT_EQ(pop_token(rest, "&"), "a=1");
    EXPECT_EQ(pop_token(rest, "&"), "");
    EXPECT_EQ(pop_token(rest, "&"), "b=2");
    EXPECT_EQ(rest, "");
    std::string_view list = "x, y z";
    EXPECT_EQ(pop_token(list, ", "), "x");
    EXPECT_EQ(list, " y z");
}

TEST(Text, ParsesWholeNumbersOnly)
{
    EXPECT_EQ(parse_number<unsigned>("8443"), 8443u);
    EXPECT_EQ(parse_number<long long>("-5"), -5);
    EXPECT_EQ(parse_number<double>("0.25"), 0.25);
    EXPECT_FALSE(parse_number<unsigned>(""));
    EXPECT_FALSE(parse_number<unsigned>("12a"));
    EXPECT_FALSE(parse_number<unsigned>("+1"));
    EXPECT_FALSE(parse_number<unsigned>(" 1"));
    EXPECT_FALSE(parse_number<unsigned>("-1"));
    EXPECT_FALSE(parse_number<int>("99999999999"));
}

TEST(Text, ReadsHexDigitsOfEitherCase)
{
    EXPECT_EQ(hex_value('0'), 0);
    EXPECT_EQ(hex_value('a'), 10);
    EXPECT_EQ(hex_value('F'), 15);
    EXPECT_EQ(hex_value('g'), -1);
}

}  // namespace
}  // namespace drsmon::core
