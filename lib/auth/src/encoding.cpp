#include "drsmon/auth/signer.hpp"
#include "drsmon/core/clock.hpp"
#include "drsmon/core/text.hpp"

#include <algorithm>
#include <cstdio>

namespace drsmon::auth {

namespace {

bool is_unreserved(unsigned char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

// Decodes what can be decoded and keeps invalid escapes literally (canonical_uri's tolerance).
std::string lenient_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        if (s[i] == '%' && i + 2 < s.size())
        {
            int hi = core::hex_value(s[i + 1]);
            int lo = core::hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0)
            {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

int two_digits(std::string_view s, std::size_t pos) noexcept
{
    int hi = s[pos] - '0';
    int lo = s[pos + 1] - '0';
    if (hi < 0 || hi > 9 || lo < 0 || lo > 9)
        return -1;
    return hi * 10 + lo;
}

}  // namespace

std::string rfc3986_encode(std::string_view s)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char ch : s)
    {
        auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c))
        {
            out.push_back(ch);
        }
        else
        {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0x0f]);
        }
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        if (s[i] != '%')
        {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size())
            return std::nullopt;
        int hi = core::hex_value(s[i + 1]);
        int lo = core::hex_value(s[i + 2]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> pairs)
{
    // std::string compares through char_traits<char>, which orders like memcmp (unsigned bytes),
    // so UTF-8 sorts byte-wise as the SDKs do.
    std::sort(pairs.begin(), pairs.end());
    std::string out;
    for (const auto& [key, value] : pairs)
    {
        if (!out.empty())
            out.push_back('&');
        out += rfc3986_encode(key);
        out.push_back('=');
        out += rfc3986_encode(value);
    }
    return out;
}

std::string canonical_uri(std::string_view path)
{
    const std::string decoded = lenient_decode(path);
    std::string out;
    out.reserve(decoded.size() + 1);
    std::size_t start = 0;
    while (true)
    {
        auto slash = decoded.find('/', start);
        auto segment = std::string_view(decoded).substr(
            start,
            slash == std::string::npos ? std::string::npos : slash - start
        );
        out += rfc3986_encode(segment);
        if (slash == std::string::npos)
            break;
        out.push_back('/');
        start = slash + 1;
    }
    if (out.empty() || out.back() != '/')
        out.push_back('/');
    return out;
}

std::string format_sdk_date(core::wall_time t)
{
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss hms{secs - day};
    // Digits written by hand: this runs for every signed request, and snprintf was a visible
    // part of signing. Years outside 0..9999 cannot come from a real clock; they are clamped.
    std::string out(16, '0');
    auto put = [&out](std::size_t at, long value, int width) {
        for (int i = width - 1; i >= 0; --i)
        {
            out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, std::clamp(static_cast<long>(static_cast<int>(ymd.year())), 0L, 9999L), 4);
    put(4, static_cast<long>(static_cast<unsigned>(ymd.month())), 2);
    put(6, static_cast<long>(static_cast<unsigned>(ymd.day())), 2);
    out[8] = 'T';
    put(9, static_cast<long>(hms.hours().count()), 2);
    put(11, static_cast<long>(hms.minutes().count()), 2);
    put(13, static_cast<long>(hms.seconds().count()), 2);
    out[15] = 'Z';
    return out;
}

std::optional<core::wall_time> parse_sdk_date(std::string_view s)
{
    using namespace std::chrono;
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z')
        return std::nullopt;
    const int century = two_digits(s, 0);
    const int yy = two_digits(s, 2);
    const int mon = two_digits(s, 4);
    const int dd = two_digits(s, 6);
    const int hh = two_digits(s, 9);
    const int mi = two_digits(s, 11);
    const int ss = two_digits(s, 13);
    if (century < 0 || yy < 0 || mon < 0 || dd < 0 || hh < 0 || mi < 0 || ss < 0)
        return std::nullopt;
    if (hh > 23 || mi > 59 || ss > 59)
        return std::nullopt;
    const year_month_day ymd{
        year{century * 100 + yy},
        month{static_cast<unsigned>(mon)},
        day{static_cast<unsigned>(dd)}};
    // Years outside core::parsed_year_ok would overflow wall_time (int64 ns) or are not real times.
    if (!ymd.ok() || !core::parsed_year_ok(century * 100 + yy))
        return std::nullopt;
    return core::wall_time(sys_days{ymd} + hours{hh} + minutes{mi} + seconds{ss});
}

}  // namespace drsmon::auth
