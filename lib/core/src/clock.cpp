#include "drsmon/core/clock.hpp"

namespace drsmon::core {

const clock& system_clock() noexcept
{
    static const system_clock_source instance;
    return instance;
}

double to_unix_seconds(wall_time t) noexcept
{
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

wall_time from_unix_millis(long long ms) noexcept
{
    return wall_time(std::chrono::duration_cast<wall_time::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace drsmon::core
