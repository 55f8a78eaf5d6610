#pragma once

#include "drsmon/core/clock.hpp"

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

}  // namespace drsmon::drs_api::test
