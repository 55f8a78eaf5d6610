#pragma once

#include "drsmon/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drsmon::config {

// Parses a Prometheus-style duration: one or more <integer><unit> groups with units in
// descending order, each at most once: y (365d), w, d, h, m, s, ms. "0" alone is zero.
// Examples: "30s", "1m30s", "500ms", "1d". Returns nullopt for anything else (negative,
// fractional, unknown unit, units out of order, overflow). Zero is accepted here; callers
// that need a positive value check it.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept;

// The shortest Prometheus-style text for d (d, h, m, s, ms groups): 90000ms -> "1m30s",
// 0 -> "0s". parse_duration(format_duration(d)) == d for every d >= 0.
std::string format_duration(std::chrono::milliseconds d);

// Parses a byte size: plain bytes ("1048576") or an integer with a unit: B, kB/KB, MB, GB, TB
// (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024). Returns nullopt for anything else,
// including fractions, negative numbers and overflow.
std::optional<std::uint64_t> parse_size(std::string_view text) noexcept;

}  // namespace drsmon::config
