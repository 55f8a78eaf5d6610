#include "drsmon/config/duration.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace drsmon::config {

namespace {

struct unit
{
    std::string_view suffix;
    std::uint64_t millis;
};

// Descending order; Prometheus requires groups in this order, each at most once.
constexpr std::array<unit, 7> duration_units{{
    {"y", 365ull * 86'400'000},
    {"w", 7ull * 86'400'000},
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

// Reads leading decimal digits into value; returns how many characters were used (0 = none
// or overflow).
std::size_t read_digits(std::string_view text, std::uint64_t& value) noexcept
{
    std::size_t n = 0;
    while (n < text.size() && text[n] >= '0' && text[n] <= '9')
        ++n;
    if (n == 0)
        return 0;
    const auto res = std::from_chars(text.data(), text.data() + n, value);
    return res.ec == std::errc() ? n : 0;
}

bool mul_add(std::uint64_t& total, std::uint64_t value, std::uint64_t factor) noexcept
{
    if (value != 0 && factor > std::numeric_limits<std::uint64_t>::max() / value)
        return false;
    const std::uint64_t part = value * factor;
    if (total > std::numeric_limits<std::uint64_t>::max() - part)
        return false;
    total += part;
    return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept
{
    if (text == "0")
        return std::chrono::milliseconds(0);
    if (text.empty())
        return std::nullopt;
    std::uint64_t total = 0;
    std::size_t next_unit = 0;  // index of the smallest unit still allowed
    while (!text.empty())
    {
        std::uint64_t value = 0;
        const std::size_t used = read_digits(text, value);
        if (used == 0)
            return std::nullopt;
        text.remove_prefix(used);
        // "ms" must win over "m" followed by garbage, so try the longest suffix first.
        std::size_t matched = duration_units.size();
        for (std::size_t i = next_unit; i < duration_units.size(); ++i)
        {
            const auto suffix = duration_units[i].suffix;
            if (text.starts_with(suffix) &&
                (matched == duration_units.size() || suffix.size() > duration_units[matched].suffix.size()))
                matched = i;
        }
        if (matched == duration_units.size())
            return std::nullopt;
        if (!mul_add(total, value, duration_units[matched].millis))
            return std::nullopt;
        text.remove_prefix(duration_units[matched].suffix.size());
        next_unit = matched + 1;
    }
    using rep = std::chrono::milliseconds::rep;
    if (total > static_cast<std::uint64_t>(std::numeric_limits<rep>::max()))
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<rep>(total));
}

std::string format_duration(std::chrono::milliseconds d)
{
    if (d.count() == 0)
        return "0s";
    if (d.count() < 0)
    {
        // Appended rather than "-" + ...: GCC 12 at -O3 reports a false -Wrestrict for the insert.
        std::string negative = "-";
        negative += format_duration(-d);
        return negative;
    }
    auto left = static_cast<std::uint64_t>(d.count());
    std::string out;
    // Weeks and years are left out: "14d" reads better than "2w" in a config file.
    for (const auto& u : duration_units)
    {
        if (u.suffix == "y" || u.suffix == "w")
            continue;
        if (left >= u.millis)
        {
            out += std::to_string(left / u.millis);
            out += u.suffix;
            left %= u.millis;
        }
    }
    return out;
}

std::optional<std::uint64_t> parse_size(std::string_view text) noexcept
{
    static constexpr std::array<unit, 10> size_units{{
        {"B", 1},
        {"kB", 1000},
        {"KB", 1000},
        {"MB", 1000ull * 1000},
        {"GB", 1000ull * 1000 * 1000},
        {"TB", 1000ull * 1000 * 1000 * 1000},
        {"KiB", 1ull << 10},
        {"MiB", 1ull << 20},
        {"GiB", 1ull << 30},
        {"TiB", 1ull << 40},
    }};
    std::uint64_t value = 0;
    const std::size_t used = read_digits(text, value);
    if (used == 0)
        return std::nullopt;
    text.remove_prefix(used);
    if (text.empty())
        return value;
    for (const auto& u : size_units)
    {
        if (text == u.suffix)
        {
            std::uint64_t total = 0;
            if (!mul_add(total, value, u.millis))
                return std::nullopt;
            return total;
        }
    }
    return std::nullopt;
}

}  // namespace drsmon::config
