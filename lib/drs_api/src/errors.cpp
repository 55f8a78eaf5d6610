#include "drsmon/core/text.hpp"
#include "drsmon/drs_api/errors.hpp"

#include "json_read.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace drsmon::drs_api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_detail = 200;
constexpr int max_depth = 6;

std::string_view sv(const json::string& s) noexcept { return {s.data(), s.size()}; }

struct service_error
{
    std::string code;
    std::string message;
    std::string request_id;
};

// A code may arrive as a number in the code+message shape.
std::string code_text(const json::value* v)
{
    if (!v)
        return {};
    if (const json::string* s = v->if_string())
        return std::string(sv(*s));
    if (v->is_int64())
        return std::to_string(v->get_int64());
    return {};
}

void find_service_error(const json::value& v, service_error& out, int depth)
{
    if (depth > max_depth || !out.code.empty())
        return;
    if (const json::array* a = v.if_array())
    {
        if (!a->empty())
            find_service_error(a->front(), out, depth + 1);
        return;
    }
    const json::object* o = v.if_object();
    if (!o)
        return;
    if (out.request_id.empty())
        out.request_id = detail::reader::text(*o, "request_id");
    static constexpr std::array<std::array<std::string_view, 2>, 3> shapes{{
        {"error_code", "error_msg"},
        {"errorCode", "errorMsg"},
        {"code", "message"},
    }};
    for (const auto& [code_key, msg_key] : shapes)
    {
        const json::value* c = o->if_contains(json::string_view(code_key.data(), code_key.size()));
        std::string code = code_text(c);
        std::string message = detail::reader::text(*o, msg_key);
        if (message.empty() && code_key == "error_code")
            message = detail::reader::text(*o, "error_message");
        if (!code.empty())
        {
            out.code = std::move(code);
            out.message = std::move(message);
            return;
        }
        if (out.message.empty() && !message.empty())
            out.message = std::move(message);
    }
    // results[0] first (batch APIs), then any nested object ({"error":{...}}).
    if (const json::value* results = o->if_contains("results"))
        find_service_error(*results, out, depth + 1);
    for (const auto& kv : *o)
    {
        if (!out.code.empty())
            return;
        if (kv.value().is_object())
            find_service_error(kv.value(), out, depth + 1);
    }
}

bool ends_with(std::string_view s, std::string_view suffix) noexcept
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool is_gateway_code(std::string_view code, std::string_view number) noexcept
{
    return (starts_with(code, "APIG.") || starts_with(code, "APIGW.")) && ends_with(code, number) &&
           code.substr(code.find('.') + 1) == number;
}

core::errc classify_code(int status, std::string_view code) noexcept
{
    if (status == 429 || is_gateway_code(code, "0308") || code == "DRS.M01503")
        return core::errc::throttled;
    if (status == 401 || status == 403 || is_gateway_code(code, "0301") || is_gateway_code(code, "0302") ||
        code == "DRS.M00100" || code == "DRS.M00103")
        return core::errc::auth;
    if (status == 404 || is_gateway_code(code, "0101") || is_not_found_code(code))
        return core::errc::not_found;
    return core::errc::http_status;
}

// Appends s with control characters replaced, stopping at the detail bound.
void append_bounded(std::string& out, std::string_view s)
{
    for (char c : s)
    {
        if (out.size() >= max_detail)
        {
            out += "...";
            return;
        }
        const auto b = static_cast<unsigned char>(c);
        out.push_back(b < 0x20 || b == 0x7F ? ' ' : c);
    }
}

int month_index(std::string_view m) noexcept
{
    static constexpr std::array<std::string_view, 12>
        months{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    if (m.size() != 3)
        return 0;
    const char l[3] = {core::lower(m[0]), core::lower(m[1]), core::lower(m[2])};
    for (std::size_t i = 0; i < months.size(); ++i)
    {
        if (std::string_view(l, 3) == months[i])
            return static_cast<int>(i) + 1;
    }
    return 0;
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, core::wall_time now) noexcept
{
    value = core::trim(value, core::http_whitespace);
    if (value.empty())
        return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    {
        const auto secs = core::parse_number<long long>(value);
        return secs ? std::optional(std::chrono::seconds(*secs)) : std::nullopt;
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    if (value.size() != 29 || value[3] != ',' || value[4] != ' ' || value[7] != ' ' || value[11] != ' ' ||
        value[16] != ' ' || value[19] != ':' || value[22] != ':' || value.substr(25) != " GMT")
        return std::nullopt;
    const auto day = core::parse_number<int>(value.substr(5, 2));
    const auto year = core::parse_number<int>(value.substr(12, 4));
    const auto h = core::parse_number<int>(value.substr(17, 2));
    const auto m = core::parse_number<int>(value.substr(20, 2));
    const auto s = core::parse_number<int>(value.substr(23, 2));
    const int mon = month_index(value.substr(8, 3));
    if (!day || !year || !h || !m || !s || mon == 0)
        return std::nullopt;
    const std::chrono::year_month_day ymd{
        std::chrono::year(*year),
        std::chrono::month(static_cast<unsigned>(mon)),
        std::chrono::day(static_cast<unsigned>(*day))};
    if (!ymd.ok() || *h > 23 || *m > 59 || *s > 60)
        return std::nullopt;
    const auto at = std::chrono::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*m) +
                    std::chrono::seconds(*s);
    // In seconds: a date up to year 9999 fits, while converting it to now's nanoseconds would overflow.
    const auto delta = at - std::chrono::time_point_cast<std::chrono::seconds>(now);
    return std::max(delta, std::chrono::seconds(0));
}

core::error classify_failure(api which, const reply_view& r, core::wall_time now)
{
    service_error found;
    bool is_json = false;
    {
        unsigned char buffer[2048];
        json::monotonic_resource arena(buffer, sizeof(buffer));
        boost::system::error_code ec;
        const json::value doc = json::parse(json::string_view(r.body.data(), r.body.size()), ec, &arena);
        if (!ec)
        {
            is_json = true;
            find_service_error(doc, found, 0);
        }
    }

    std::string detail = "HTTP " + std::to_string(r.status);
    if (!found.code.empty())
    {
        detail += ' ';
        append_bounded(detail, found.code);
    }
    if (!found.message.empty())
    {
        detail += ": ";
        append_bounded(detail, found.message);
    }
    else if (!is_json && !core::trim(r.body, core::http_whitespace).empty())
    {
        // Gateways and proxies answer with HTML or plain text; a bounded snippet helps.
        detail += ": ";
        append_bounded(detail, core::trim(r.body, core::http_whitespace));
    }

    // The gateway's wording reads like a credentials problem; the cause is this host's clock,
    // which the signature's X-Sdk-Date carries (the gateway allows 15 minutes either way).
    if (found.message.find("signature expired") != std::string::npos)
        detail += " (clock skew: this host's clock differs from the API gateway's by more than 15 minutes;"
                  " check the time and NTP)";

    core::error e = core::make_error(classify_code(r.status, found.code), api_name(which), std::move(detail));
    e.http_status = r.status;
    e.service_code = std::move(found.code);
    if (e.service_code.size() > 64)
        e.service_code.resize(64);
    e.request_id = !r.request_id.empty() ? std::string(r.request_id) : std::move(found.request_id);
    if (e.request_id.size() > 128)
        e.request_id.resize(128);
    e.retry_after = parse_retry_after(r.retry_after, now);
    return e;
}

bool is_not_found_code(std::string_view code) noexcept
{
    return code == "DRS.M00289" || code == "DRS.M05003" || code == "DRS.M05004" || code == "DRS.10000010";
}

bool is_not_applicable_code(std::string_view code) noexcept { return code == "DRS.M00304"; }

std::optional<std::string> whole_batch_not_found(std::string_view body)
{
    unsigned char buffer[2048];
    json::monotonic_resource arena(buffer, sizeof(buffer));
    boost::system::error_code ec;
    const json::value doc = json::parse(json::string_view(body.data(), body.size()), ec, &arena);
    if (ec || !doc.is_object())
        return std::nullopt;
    const json::value* results = detail::reader::find(doc.get_object(), "results");
    if (!results || !results->is_array())
        return std::nullopt;
    for (const json::value& item : results->get_array())
    {
        const json::object* o = item.if_object();
        if (!o)
            continue;
        std::string code = detail::reader::text_any(*o, {"error_code", "errorCode"});
        if (is_not_found_code(code))
            return code;
    }
    return std::nullopt;
}

bool is_failed_status(std::string_view status) noexcept { return ends_with(status, "_FAILED"); }

bool is_terminal_status(std::string_view status) noexcept
{
    return status == "RELEASE_RESOURCE_COMPLETE" || status == "DELETED";
}

}  // namespace drsmon::drs_api
