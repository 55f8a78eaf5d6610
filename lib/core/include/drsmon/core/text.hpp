#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// ASCII text helpers for protocol text (header names, URL schemes and hosts, config keywords).
// Deliberately locale-free: std::tolower depends on the C locale and on the signedness of char,
// and protocol tokens are ASCII by definition. Header-only so every module, pure or not, can use
// them without a link dependency beyond drsmon::core.
namespace drsmon::core {

// The character sets trim() is given. HTTP's optional white space (RFC 9110, 5.6.3) is space and
// tab only; JSON's insignificant white space (RFC 8259) adds CR and LF; ASCII white space (what
// C's isspace and Python's str.strip() take in the "C" locale) adds VT and FF.
inline constexpr std::string_view http_whitespace = " \t";
inline constexpr std::string_view json_whitespace = " \t\r\n";
inline constexpr std::string_view ascii_whitespace = " \t\r\n\v\f";

// c with A-Z mapped to a-z; every other byte unchanged.
constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// s with A-Z mapped to a-z.
inline std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = lower(c);
    return out;
}

// True when a and b are equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// True when s ends with suffix, ignoring ASCII case.
constexpr bool iends_with(std::string_view s, std::string_view suffix) noexcept
{
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// The value of a hexadecimal digit (either case), or -1 for any other character.
constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// s without leading and trailing characters from chars (ASCII white space unless told).
constexpr std::string_view trim(std::string_view s, std::string_view chars = ascii_whitespace) noexcept
{
    const auto first = s.find_first_not_of(chars);
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

// Removes from rest the text up to and including the first of separators, and returns that text
// without the separator (all of rest when there is none). Empty tokens are returned too.
constexpr std::string_view pop_token(std::string_view& rest, std::string_view separators) noexcept
{
    const auto at = rest.find_first_of(separators);
    const std::string_view token = rest.substr(0, at);
    rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
    return token;
}

// Appends s to out with every character c for which escape(c) gives a non-empty text replaced by
// that text: the one loop behind each format's quoting (logfmt, Prometheus labels, HTML), which
// differ only in what they replace.
template <class Escape>
void append_escaped(std::string& out, std::string_view s, Escape&& escape)
{
    std::size_t from = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        const std::string_view replacement = escape(s[i]);
        if (replacement.empty())
            continue;
        out.append(s.data() + from, i - from);
        out += replacement;
        from = i + 1;
    }
    out.append(s.data() + from, s.size() - from);
}

// The whole of s as a number of type T (std::from_chars' syntax: no leading '+' or white space),
// or nullopt when s is empty, has anything after the number, or is out of T's range.
template <class T>
std::optional<T> parse_number(std::string_view s) noexcept
{
    T value{};
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, value);
    if (s.empty() || ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

}  // namespace drsmon::core
