#pragma once

#include "drsmon/auth/signer.hpp"

#include <string>
#include <string_view>
#include <vector>

// Small text helpers shared by the signer and the verifier (not part of the public API).
namespace drsmon::auth::detail {

inline char ascii_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string to_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = ascii_lower(c);
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    }
    return true;
}

// Leading and trailing spaces, tabs, CR and LF, as Python's str.strip() does for header values.
inline std::string_view trim(std::string_view s) noexcept
{
    constexpr std::string_view ws = " \t\r\n\v\f";
    auto first = s.find_first_not_of(ws);
    if (first == std::string_view::npos)
        return {};
    auto last = s.find_last_not_of(ws);
    return s.substr(first, last - first + 1);
}

// First header with that name (case-insensitive), or nullptr.
inline const header* find_header(const std::vector<header>& headers, std::string_view name) noexcept
{
    for (const auto& h : headers)
    {
        if (iequals(h.name, name))
            return &h;
    }
    return nullptr;
}

}  // namespace drsmon::auth::detail
