#include "drsmon/core/text.hpp"

#include "json_read.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>

namespace drsmon::drs_api::detail {

namespace {

std::string_view sv(const json::string& s) noexcept { return {s.data(), s.size()}; }

// Objects up to this size are searched by one linear pass (see reader::find).
constexpr std::size_t linear_find_max = 16;

// Reads exactly n digits at s[pos].
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept
{
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i)
    {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

std::optional<core::wall_time> from_millis(double ms) noexcept
{
    // Unset (0) or past core::max_parsed_year: no timestamp rather than an overflowed one.
    if (!(ms > 0) || !(ms < static_cast<double>(core::parsed_unix_millis_end)))
        return std::nullopt;
    return core::from_unix_millis(static_cast<long long>(ms));
}

std::optional<core::wall_time> parse_iso8601(std::string_view s) noexcept
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
        s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
        return std::nullopt;
    const std::chrono::year_month_day ymd{
        std::chrono::year(y),
        std::chrono::month(static_cast<unsigned>(mo)),
        std::chrono::day(static_cast<unsigned>(d))};
    // Years outside core::parsed_year_ok would not fit wall_time (int64 ns) or are not real timestamps.
    if (!ymd.ok() || !core::parsed_year_ok(y) || h > 23 || mi > 59 || se > 60)
        return std::nullopt;
    std::size_t pos = 19;
    std::chrono::nanoseconds frac{0};
    if (pos < s.size() && s[pos] == '.')
    {
        ++pos;
        long long scale = 100'000'000;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
        {
            frac += std::chrono::nanoseconds((s[pos] - '0') * scale);
            scale /= 10;
            ++pos;
        }
        if (pos == start)
            return std::nullopt;
    }
    std::chrono::minutes offset{0};
    if (pos < s.size())
    {
        const char c = s[pos];
        if ((c == 'Z' || c == 'z') && pos + 1 == s.size())
        {
        }
        else if (c == '+' || c == '-')
        {
            int oh = 0, om = 0;
            if (!digits(s, pos + 1, 2, oh))
                return std::nullopt;
            std::size_t mpos = pos + 3;
            if (mpos < s.size() && s[mpos] == ':')
                ++mpos;
            if (!digits(s, mpos, 2, om) || mpos + 2 != s.size())
                return std::nullopt;
            offset = std::chrono::minutes(oh * 60 + om);
            if (c == '-')
                offset = -offset;
        }
        else
        {
            return std::nullopt;
        }
    }
    const auto t = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                   std::chrono::seconds(se) + frac - offset;
    return std::chrono::time_point_cast<core::wall_time::duration>(t);
}

}  // namespace

std::string jpath::str() const
{
    // Collect the frames root-first; paths are a handful of frames deep.
    const jpath* frames[64];
    std::size_t n = 0;
    for (const jpath* p = this; p && n < 64; p = p->parent)
        frames[n++] = p;
    std::string out = "$";
    for (std::size_t i = n; i-- > 0;)
    {
        const jpath& f = *frames[i];
        if (f.index != no_index)
        {
            out += '[';
            out += std::to_string(f.index);
            out += ']';
        }
        else if (!f.key.empty())
        {
            out += '.';
            out += f.key;
        }
    }
    return out;
}

std::optional<double> parse_number_text(std::string_view s) noexcept
{
    s = core::trim(s, core::json_whitespace);
    if (!s.empty() && s.back() == '%')
    {
        s.remove_suffix(1);
        s = core::trim(s, core::json_whitespace);
    }
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return std::nullopt;
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<double> to_number(const json::value& v) noexcept
{
    switch (v.kind())
    {
    case json::kind::int64: return static_cast<double>(v.get_int64());
    case json::kind::uint64: return static_cast<double>(v.get_uint64());
    case json::kind::double_:
        if (std::isfinite(v.get_double()))
            return v.get_double();
        return std::nullopt;
    case json::kind::string: return parse_number_text(sv(v.get_string()));
    default: return std::nullopt;
    }
}

std::optional<core::wall_time> to_time(const json::value& v) noexcept
{
    if (v.is_string())
    {
        const std::string_view s = core::trim(sv(v.get_string()), core::json_whitespace);
        if (s.empty())
            return std::nullopt;
        if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        {
            const auto ms = core::parse_number<long long>(s);
            return ms ? from_millis(static_cast<double>(*ms)) : std::nullopt;
        }
        return parse_iso8601(s);
    }
    if (v.is_number())
    {
        const auto n = to_number(v);
        return n ? from_millis(*n) : std::nullopt;
    }
    return std::nullopt;
}

void reader::fail(const jpath& at, std::string_view detail)
{
    if (error_)
        return;
    error_ = core::make_error(core::errc::bad_response, api_name(which_), std::string(detail), at.str());
}

core::error reader::take_error()
{
    if (!error_)
        return core::make_error(core::errc::bad_response, api_name(which_), "unknown parse failure", "$");
    return std::move(*error_);
}

core::error invalid_json_error(api which, const boost::system::error_code& ec)
{
    return core::make_error(core::errc::bad_response, api_name(which), "invalid JSON: " + ec.message(), "$");
}

const json::value* reader::find(const json::object& o, std::string_view key) noexcept
{
    // Boost.JSON finds a key of a small object by a linear scan anyway, so one pass finds the exact
    // match or else the first case-insensitive one; most keys are absent, and only keys of the same
    // length are compared. Large objects are hashed: look the exact key up first.
    if (o.size() > linear_find_max)
    {
        if (const json::value* v = o.if_contains(json::string_view(key.data(), key.size())))
            return v;
        for (const auto& kv : o)
        {
            if (core::iequals(std::string_view(kv.key().data(), kv.key().size()), key))
                return &kv.value();
        }
        return nullptr;
    }
    const json::value* folded = nullptr;
    for (const auto& kv : o)
    {
        const std::string_view k(kv.key().data(), kv.key().size());
        // Same length and first letter (ignoring case) before comparing the whole key.
        if (k.size() != key.size() || (!k.empty() && core::lower(k.front()) != core::lower(key.front())))
            continue;
        if (k == key)
            return &kv.value();  // keys of an object are unique
        if (!folded && core::iequals(k, key))
            folded = &kv.value();
    }
    return folded;
}

const json::value* reader::find_any(
    const json::object& o,
    std::initializer_list<std::string_view> keys
) noexcept
{
    for (auto k : keys)
    {
        const json::value* v = find(o, k);
        if (v && !v->is_null())
            return v;
    }
    return nullptr;
}

const json::object* reader::root(const json::value& v)
{
    if (const json::object* o = v.if_object())
        return o;
    fail(root_path, "expected a JSON object at the top level");
    return nullptr;
}

const json::array* reader::required_array(const json::object& o, std::string_view key, const jpath& at)
{
    static const json::array empty;
    if (ok() && !find(o, key))
    {
        fail(at.child(key), "missing required array");
        return nullptr;
    }
    // A null list is an empty one.
    const json::array* a = optional_array(o, key, at);
    return a || !ok() ? a : &empty;
}

const json::value* reader::optional_member(
    const json::object& o,
    std::string_view key,
    const jpath& at,
    json::kind kind,
    std::string_view failure
)
{
    if (!ok())
        return nullptr;
    const json::value* v = find(o, key);
    if (!v || v->is_null())
        return nullptr;
    if (v->kind() == kind)
        return v;
    fail(at.child(key), failure);
    return nullptr;
}

const json::array* reader::optional_array(const json::object& o, std::string_view key, const jpath& at)
{
    const json::value* v = optional_member(o, key, at, json::kind::array, "expected an array");
    return v ? &v->get_array() : nullptr;
}

const json::object* reader::optional_object(const json::object& o, std::string_view key, const jpath& at)
{
    const json::value* v = optional_member(o, key, at, json::kind::object, "expected an object");
    return v ? &v->get_object() : nullptr;
}

const json::object* reader::element(const json::value& v, const jpath& at)
{
    if (!ok())
        return nullptr;
    if (const json::object* o = v.if_object())
        return o;
    fail(at, "expected an object");
    return nullptr;
}

std::string reader::strict_text(const json::object& o, std::string_view key, const jpath& at)
{
    const json::value* v = find(o, key);
    if (!v || v->is_null())
        return {};
    if (const json::string* s = v->if_string())
        return std::string(sv(*s));
    fail(at.child(key), "expected a string");
    return {};
}

std::string reader::text(const json::object& o, std::string_view key)
{
    const json::value* v = find(o, key);
    if (v)
    {
        if (const json::string* s = v->if_string())
            return std::string(sv(*s));
    }
    return {};
}

std::string reader::text_any(const json::object& o, std::initializer_list<std::string_view> keys)
{
    for (auto k : keys)
    {
        const json::value* v = find(o, k);
        if (v)
        {
            if (const json::string* s = v->if_string())
                return std::string(sv(*s));
        }
    }
    return {};
}

std::optional<double> reader::number(const json::object& o, std::string_view key) noexcept
{
    const json::value* v = find(o, key);
    return v ? to_number(*v) : std::nullopt;
}

std::optional<std::int64_t> reader::integer(const json::object& o, std::string_view key) noexcept
{
    const json::value* v = find(o, key);
    if (!v)
        return std::nullopt;
    if (v->is_int64())
        return v->get_int64();
    if (v->is_uint64())
    {
        if (v->get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(v->get_uint64());
    }
    const auto n = to_number(*v);
    // Only integral values inside the int64 range; "1.5" objects are not a count.
    if (!n || std::trunc(*n) != *n || std::fabs(*n) > 9.0e18)
        return std::nullopt;
    return static_cast<std::int64_t>(*n);
}

std::optional<double> reader::ratio(const json::object& o, std::string_view key) noexcept
{
    const auto n = number(o, key);
    if (!n || *n < 0 || *n > 100)
        return std::nullopt;
    return *n / 100.0;
}

std::optional<double> reader::seconds(const json::object& o, std::string_view key) noexcept
{
    const auto n = number(o, key);
    if (!n || *n < 0)
        return std::nullopt;
    return *n;
}

std::optional<core::wall_time> reader::time(const json::object& o, std::string_view key) noexcept
{
    const json::value* v = find(o, key);
    return v ? to_time(*v) : std::nullopt;
}

std::optional<bool> reader::boolean(const json::object& o, std::string_view key) noexcept
{
    const json::value* v = find(o, key);
    if (!v)
        return std::nullopt;
    if (v->is_bool())
        return v->get_bool();
    if (const json::string* s = v->if_string())
    {
        const std::string_view t = core::trim(sv(*s), core::json_whitespace);
        if (core::iequals(t, "true"))
            return true;
        if (core::iequals(t, "false"))
            return false;
    }
    return std::nullopt;
}

std::optional<item_error> reader::item_err(const json::object& o)
{
    item_error e{
        text_any(o, {"error_code", "errorCode"}),
        text_any(o, {"error_message", "error_msg", "errorMsg"})};
    if (e.code.empty() && e.message.empty())
        return std::nullopt;
    return e;
}

std::string reader::item_id(
    const json::object& o,
    std::initializer_list<std::string_view> keys,
    const std::optional<item_error>& err,
    const jpath& at
)
{
    for (auto k : keys)
    {
        const json::value* v = find(o, k);
        if (!v || v->is_null())
            continue;
        if (const json::string* s = v->if_string())
            return std::string(sv(*s));
        fail(at.child(k), "expected a string");
        return {};
    }
    if (!err || err->code.empty())
        fail(at.child(*keys.begin()), "missing required string");
    return {};
}

}  // namespace drsmon::drs_api::detail
