#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace drsmon::drs_api::test {

// The text of tests/data/drs_api/<name>.
inline std::string fixture(const std::string& name)
{
    const std::string path = std::string(DRSMON_TEST_DATA_DIR) + "/drs_api/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("missing fixture " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline core::wall_time at_millis(long long ms) { return core::from_unix_millis(ms); }

// Asserts a bad_response error naming the API (`where`) and the JSON path.
template <class R>
void expect_error_at(const R& r, const char* where, const char* path)
{
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error().kind(), core::errc::bad_response);
    EXPECT_EQ(r.error().where, where);
    EXPECT_EQ(r.error().path, path);
}

}  // namespace drsmon::drs_api::test
