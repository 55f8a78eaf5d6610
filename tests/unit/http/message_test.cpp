#include "drsmon/http/message.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace drsmon::http
