#include "drsmon/auth/iam.hpp"
#include "drsmon/core/clock.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace drsmon::auth {

namespace json = boost::json;

namespace {

constexpr std::string_view where = "iam-token";
constexpr std::size_t max_detail = 256;

// Reads n digits at pos; -1 if any is not a digit.
int digits(std::string_view s, std::size_t pos, std::size_t n) noexcept
{
    if (pos + n > s.size())
        return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        char c = s[pos + i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string string_of(const json::value* v)
{
    if (!v)
        return {};
    if (v->is_string())
        return std::string(v->get_string());
    if (v->is_int64())
        return std::to_string(v->get_int64());
    if (v->is_uint64())
        return std::to_string(v->get_uint64());
    return {};
}

// Error bodies echo user input at most; bound them so a huge page never fills a log line.
std::string bounded(std::string s)
{
    if (s.size() > max_detail)
    {
        s.resize(max_detail);
        s += "...";
    }
    return s;
}

// Fills detail and service code from IAM's two error body shapes; false if neither matches.
bool describe_error_body(std::string_view body, std::string& detail, std::string& code)
{
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object())
        return false;
    const auto& obj = v.get_object();
    if (const auto* err = obj.if_contains("error"); err && err->is_object())
    {
        const auto& e = err->get_object();
        std::string title = string_of(e.if_contains("title"));
        std::string message = string_of(e.if_contains("message"));
        code = string_of(e.if_contains("code"));
        detail = title.empty() ? message : (message.empty() ? title : title + ": " + message);
        return !detail.empty() || !code.empty();
    }
    code = string_of(obj.if_contains("error_code"));
    detail = string_of(obj.if_contains("error_msg"));
    return !detail.empty() || !code.empty();
}

core::errc class_of_status(int status) noexcept
{
    if (status == 429)
        return core::errc::throttled;
    if (status >= 400 && status < 500)
        return core::errc::auth;
    return core::errc::http_status;
}

core::error bad_response(std::string detail, std::string path, int status)
{
    auto e = core::make_error(
        core::errc::bad_response,
        std::string(where),
        std::move(detail),
        std::move(path)
    );
    e.http_status = status;
    return e;
}

}  // namespace

std::string iam_password_token_body(
    std::string_view user,
    std::string_view password,
    std::string_view domain,
    std::string_view project_id
)
{
    json::object user_obj;
    user_obj["name"] = user;
    user_obj["password"] = password;
    user_obj["domain"] = json::object{{"name", domain}};

    json::object identity;
    identity["methods"] = json::array{"password"};
    identity["password"] = json::object{{"user", std::move(user_obj)}};

    json::object auth;
    auth["identity"] = std::move(identity);
    auth["scope"] = json::object{{"project", json::object{{"id", project_id}}}};
    return json::serialize(json::object{{"auth", std::move(auth)}});
}

std::optional<core::wall_time> parse_iam_time(std::string_view s)
{
    using namespace std::chrono;
    // "YYYY-MM-DDTHH:MM:SS" is the fixed part.
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return std::nullopt;
    const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    const int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59)
        return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    // Years outside core::parsed_year_ok would overflow wall_time (int64 ns) or are not real times.
    if (!ymd.ok() || !core::parsed_year_ok(y))
        return std::nullopt;
    auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};

    std::size_t pos = 19;
    nanoseconds frac{0};
    if (pos < s.size() && s[pos] == '.')
    {
        ++pos;
        long long scale = 100'000'000;
        std::size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
        {
            // Digits past nanoseconds are ignored rather than rejected.
            if (n < 9)
            {
                frac += nanoseconds{(s[pos] - '0') * scale};
                scale /= 10;
            }
            ++n;
            ++pos;
        }
        if (n == 0)
            return std::nullopt;
    }

    auto zone = s.substr(pos);
    if (zone == "Z" || zone == "z")
        return time_point_cast<core::wall_time::duration>(t + frac);
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':')
    {
        const int oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59)
            return std::nullopt;
        const minutes offset{oh * 60 + om};
        // Local time = UTC + offset, so UTC = local - offset.
        const auto utc = zone[0] == '+' ? t - offset : t + offset;
        return time_point_cast<core::wall_time::duration>(utc + frac);
    }
    return std::nullopt;
}

core::result<iam_token> parse_iam_token_response(
    int http_status,
    std::string_view x_subject_token,
    std::string_view body
)
{
    if (http_status != 201 && http_status != 200)
    {
        std::string detail, code;
        if (!describe_error_body(body, detail, code) || detail.empty())
            detail = "token request failed with HTTP " + std::to_string(http_status);
        auto e = core::make_error(
            class_of_status(http_status),
            std::string(where),
            bounded(std::move(detail))
        );
        e.http_status = http_status;
        e.service_code = bounded(std::move(code));
        return e;
    }
    if (x_subject_token.empty())
        return bad_response("response has no X-Subject-Token header", "X-Subject-Token", http_status);

    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec)
        return bad_response("body is not JSON: " + ec.message(), "$", http_status);
    const json::object* root = v.if_object();
    const json::value* token = root ? root->if_contains("token") : nullptr;
    if (!token || !token->is_object())
        return bad_response("expected an object", "$.token", http_status);
    const auto& tok = token->get_object();

    const json::value* expires = tok.if_contains("expires_at");
    if (!expires || !expires->is_string())
        return bad_response("expected a time string", "$.token.expires_at", http_status);
    auto expires_at = parse_iam_time(expires->get_string());
    if (!expires_at)
        return bad_response("unparseable time", "$.token.expires_at", http_status);

    core::wall_time issued_at = *expires_at - std::chrono::hours(24);
    if (const json::value* issued = tok.if_contains("issued_at"); issued && !issued->is_null())
    {
        auto parsed = issued->is_string() ? parse_iam_time(issued->get_string()) : std::nullopt;
        if (!parsed)
            return bad_response("unparseable time", "$.token.issued_at", http_status);
        if (*parsed >= *expires_at)
            return bad_response("issued_at is not before expires_at", "$.token.issued_at", http_status);
        issued_at = *parsed;
    }
    return iam_token{std::string(x_subject_token), issued_at, *expires_at};
}

core::wall_time token_policy::refresh_at(const iam_token& t)
{
    const auto life = t.expires_at - t.issued_at;
    const auto at_80 = t.issued_at + life * 4 / 5;
    const auto hour_before = t.expires_at - std::chrono::hours(1);
    return std::max(t.issued_at, std::min(at_80, hour_before));
}

bool token_policy::needs_refresh(const iam_token& t, core::wall_time now) { return now >= refresh_at(t); }

bool token_policy::expired(const iam_token& t, core::wall_time now) { return now >= t.expires_at; }

}  // namespace drsmon::auth
