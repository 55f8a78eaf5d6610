#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// The names of a closed enum in one table: to_string, parsing (config keys, flags, state files)
// and the list of choices in an error message all read it, so they cannot disagree.
namespace drsmon::core {

template <class E, std::size_t N>
struct name_table
{
    std::array<std::pair<E, const char*>, N> entries;

    // The name of e; "unknown" for a value the table does not list (an integer cast to E).
    constexpr const char* name(E e) const noexcept
    {
        for (const auto& [value, text] : entries)
            if (value == e)
                return text;
        return "unknown";
    }

    // The value named s (exact, case-sensitive), or nullopt.
    constexpr std::optional<E> parse(std::string_view s) const noexcept
    {
        for (const auto& [value, text] : entries)
            if (s == text)
                return value;
        return std::nullopt;
    }

    // "a, b, c": the names in table order, for "must be one of ..." messages.
    std::string choices() const
    {
        std::string out;
        for (const auto& entry : entries)
        {
            if (!out.empty())
                out += ", ";
            out += entry.second;
        }
        return out;
    }
};

// names<E>({{E::a, "a"}, {E::b, "b"}}): the table, its size taken from the list.
template <class E, std::size_t N>
constexpr name_table<E, N> names(const std::pair<E, const char*> (&entries)[N]) noexcept
{
    name_table<E, N> t{};
    for (std::size_t i = 0; i < N; ++i)
        t.entries[i] = entries[i];
    return t;
}

}  // namespace drsmon::core
