#pragma once

// Helpers shared by the libFuzzer targets: splitting one input into several fields and a
// check that reports a violated property as a crash (libFuzzer keeps the input).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace drsmon::fuzz {

inline std::string_view as_view(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// Splits at every `sep` byte into at most `max_parts` fields (the last keeps the rest).
inline std::vector<std::string_view> split(std::string_view in, char sep, std::size_t max_parts)
{
    std::vector<std::string_view> out;
    while (out.size() + 1 < max_parts)
    {
        const auto pos = in.find(sep);
        if (pos == std::string_view::npos)
            break;
        out.push_back(in.substr(0, pos));
        in.remove_prefix(pos + 1);
    }
    out.push_back(in);
    return out;
}

// The field at index i, or "" when the input had fewer fields.
inline std::string_view field(const std::vector<std::string_view>& parts, std::size_t i)
{
    return i < parts.size() ? parts[i] : std::string_view{};
}

// A violated property: print what and abort, so libFuzzer records the input as a crash.
[[noreturn]] inline void fail(const char* what)
{
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
}

#define DRSMON_FUZZ_CHECK(cond)                            \
    do                                                     \
    {                                                      \
        if (!(cond))                                       \
            ::drsmon::fuzz::fail(#cond " (" __FILE__ ")"); \
    } while (false)

}  // namespace drsmon::fuzz
