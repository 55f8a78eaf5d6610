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
    using std::chrono::milliseconds;
    constexpr long long lowest = std::chrono::duration_cast<milliseconds>(wall_time::duration::min()).count();
    constexpr long long highest = std::chrono::duration_cast<milliseconds>(wall_time::duration::max())
                                      .count();
    if (ms <= lowest)
        return wall_time::min();
    if (ms >= highest)
        return wall_time::max();
    return wall_time(std::chrono::duration_cast<wall_time::duration>(milliseconds(ms)));
}

}  // namespace drsmon::core
