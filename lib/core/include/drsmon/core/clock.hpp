#pragma once

#include <atomic>
#include <chrono>

namespace drsmon::core {

using wall_time = std::chrono::system_clock::time_point;
using mono_time = std::chrono::steady_clock::time_point;

// The injected clock of the pure core. Production code uses system_clock_source;
// tests use manual_clock and move time by hand, so nothing in a unit test sleeps.
class clock
{
public:
    virtual ~clock() = default;
    // Wall-clock time: timestamps in metrics, events and signatures.
    virtual wall_time now() const = 0;
    // Monotonic time: deadlines, intervals, back-off.
    virtual mono_time mono_now() const = 0;
};

class system_clock_source final : public clock
{
public:
    wall_time now() const override { return std::chrono::system_clock::now(); }
    mono_time mono_now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to. Both time lines advance together.
class manual_clock final : public clock
{
public:
    explicit manual_clock(wall_time start = wall_time(std::chrono::seconds(1'700'000'000)))
        : wall_(start.time_since_epoch().count())
    {
    }
    wall_time now() const override { return wall_time(wall_time::duration(wall_.load())); }
    mono_time mono_now() const override { return mono_time(mono_time::duration(mono_.load())); }
    void advance(std::chrono::nanoseconds d)
    {
        wall_ += std::chrono::duration_cast<wall_time::duration>(d).count();
        mono_ += std::chrono::duration_cast<mono_time::duration>(d).count();
    }
    void set_wall(wall_time t) { wall_ = t.time_since_epoch().count(); }

private:
    std::atomic<wall_time::rep> wall_;
    std::atomic<mono_time::rep> mono_{0};
};

// The process-wide real clock.
const clock& system_clock() noexcept;

// Seconds since the Unix epoch as a double (for *_timestamp_seconds metrics).
double to_unix_seconds(wall_time t) noexcept;

// Milliseconds since the Unix epoch to wall_time. wall_time counts int64 nanoseconds, so it spans
// only about 1677-09-21 to 2262-04-11; values beyond either end saturate to the nearest end instead
// of overflowing.
wall_time from_unix_millis(long long ms) noexcept;

// The calendar years the timestamp parsers accept (API bodies, headers, state files). Anything
// outside is treated as malformed input: it is far from any real timestamp, and years past 2261
// (or before 1678) do not fit wall_time at all.
inline constexpr int min_parsed_year = 1970;
inline constexpr int max_parsed_year = 2200;

constexpr bool parsed_year_ok(int year) noexcept
{
    return year >= min_parsed_year && year <= max_parsed_year;
}

// Milliseconds since the Unix epoch of 2201-01-01T00:00:00Z, the first instant after
// max_parsed_year: millisecond timestamps must be below it.
inline constexpr long long parsed_unix_millis_end = 7'289'654'400'000;

}  // namespace drsmon::core
