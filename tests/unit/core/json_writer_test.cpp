#include "drsmon/core/json_writer.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace drsmon::core {
namespace {

std::string written(double d, double_style style)
{
    std::string out;
    json_writer w(out, style);
    w.dbl(d);
    w.finish();
    return out;
}

TEST(JsonWriter, WritesDoublesForPeopleAsPlainDecimals)
{
    // What /api/v1/jobs showed as 0E0, 5E-1 and 1E0 (issue 17), and the edges of the plain range.
    const std::pair<double, const char*> cases[] = {
        {0.0, "0"},
        {-0.0, "-0"},
        {0.5, "0.5"},
        {1.0, "1"},
        {0.31, "0.31"},
        {12.5, "12.5"},
        {1500.0, "1500"},
        {1e6, "1000000"},
        {-3.25, "-3.25"},
        {1.0 / 3.0, "0.3333333333333333"},
        {1e-6, "0.000001"},
        {1e-7, "1e-07"},
        {1e20, "100000000000000000000"},
        {1e21, "1e+21"},
        {5e-324, "5e-324"},
        {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
    };
    for (const auto& [d, text] : cases)
        EXPECT_EQ(written(d, double_style::plain), text) << text;
}

TEST(JsonWriter, WritesDoublesForTheStateFileAsBoostJsonDoes)
{
    // boost::json::serialize's text for the same values.
    const std::pair<double, const char*> cases[] = {
        {0.0, "0E0"},
        {0.5, "5E-1"},
        {1.0, "1E0"},
        {0.97, "9.7E-1"},
        {125.0, "1.25E2"},
        {1e21, "1E21"},
        {5e-324, "5E-324"},
        {-1e-7, "-1E-7"},
    };
    for (const auto& [d, text] : cases)
        EXPECT_EQ(written(d, double_style::boost_json), text) << text;
}

TEST(JsonWriter, PlainDoublesReadBackExactly)
{
    std::mt19937_64 rng(17);
    for (int i = 0; i < 20'000; ++i)
    {
        std::uint64_t bits = rng();
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d))
            continue;
        // Also values in the plain range, where most of what people see lies.
        for (double v : {d, std::ldexp(static_cast<double>(bits >> 11), -53) * 1000})
        {
            const auto text = written(v, double_style::plain);
            double back = 0;
            const auto r = std::from_chars(text.data(), text.data() + text.size(), back);
            ASSERT_EQ(r.ec, std::errc{}) << text;
            ASSERT_EQ(r.ptr, text.data() + text.size()) << text;
            ASSERT_EQ(back, v) << text;
        }
    }
}

TEST(JsonWriter, WritesNullAmongOtherValues)
{
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.key("a");
    w.null();
    w.key("b");
    w.begin_array();
    w.dbl(0.5);
    w.boolean(true);
    w.int64(-3);
    w.string("x\"y");
    w.end_array();
    w.end_object();
    w.finish();
    EXPECT_EQ(out, R"({"a":null,"b":[0.5,true,-3,"x\"y"]})");
}

}  // namespace
}  // namespace drsmon::core
