#include "drsmon/sim/faults.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace drsmon::sim {

namespace {

struct kind_name
{
    fault_kind kind;
    const char* name;
};

constexpr kind_name kind_names[] = {
    {fault_kind::server_error, "5xx"},
    {fault_kind::throttle, "429"},
    {fault_kind::drs_throttle, "drs-throttle"},
    {fault_kind::latency, "latency"},
    {fault_kind::reset, "reset"},
    {fault_kind::stall, "stall"},
    {fault_kind::truncated, "truncated"},
    {fault_kind::malformed, "malformed"},
    {fault_kind::wrong_shape, "wrong-shape"},
    {fault_kind::huge, "huge"},
    {fault_kind::clock_offset, "clock-offset"},
    {fault_kind::token_expiry, "token-expiry"},
};

template <class T>
bool parse_number(std::string_view s, T& out)
{
    if constexpr (std::is_floating_point_v<T>)
    {
        try
        {
            std::size_t used = 0;
            std::string str(s);
            out = static_cast<T>(std::stod(str, &used));
            return used == str.size();
        }
        catch (const std::exception&)
        {
            return false;
        }
    }
    else
    {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size();
    }
}

bool fail(std::string* error, std::string msg)
{
    if (error)
        *error = std::move(msg);
    return false;
}

// Applies one key of a spec or a JSON object to f.
bool apply_key(fault& f, std::string_view key, std::string_view value, std::string* error)
{
    auto bad = [&] { return fail(error, "bad value for " + std::string(key) + ": " + std::string(value)); };
    if (key == "status")
    {
        if (!parse_number(value, f.status) || f.status < 100 || f.status > 599)
            return bad();
    }
    else if (key == "retry_after")
    {
        int v = 0;
        if (!parse_number(value, v) || v < 0)
            return bad();
        f.retry_after = v;
    }
    else if (key == "ms")
    {
        long long v = 0;
        if (!parse_number(value, v) || v < 0)
            return bad();
        f.delay = std::chrono::milliseconds(v);
    }
    else if (key == "mb")
    {
        if (!parse_number(value, f.mb) || f.mb <= 0 || f.mb > 1024)
            return bad();
    }
    else if (key == "seconds")
    {
        long long v = 0;
        if (!parse_number(value, v))
            return bad();
        f.offset = std::chrono::seconds(v);
    }
    else if (key == "count")
    {
        int v = 0;
        if (!parse_number(value, v) || v < 1)
            return bad();
        f.count = v;
    }
    else if (key == "api")
        f.api = std::string(value);
    else if (key == "p" || key == "probability")
    {
        if (!parse_number(value, f.probability) || f.probability < 0 || f.probability > 1)
            return bad();
    }
    else
        return fail(error, "unknown fault parameter: " + std::string(key));
    return true;
}

}  // namespace

const char* to_string(fault_kind k) noexcept
{
    for (const auto& kn : kind_names)
        if (kn.kind == k)
            return kn.name;
    return "unknown";
}

std::optional<fault_kind> parse_fault_kind(std::string_view s)
{
    for (const auto& kn : kind_names)
        if (s == kn.name)
            return kn.kind;
    // Friendly aliases.
    if (s == "5xx" || s == "server-error" || s == "500" || s == "502" || s == "503" || s == "504")
        return fault_kind::server_error;
    if (s == "throttle")
        return fault_kind::throttle;
    return std::nullopt;
}

std::optional<fault> parse_fault_spec(std::string_view spec, std::string* error)
{
    auto colon = spec.find(':');
    std::string_view kind = spec.substr(0, colon);
    auto k = parse_fault_kind(kind);
    if (!k)
    {
        fail(error, "unknown fault kind: " + std::string(kind));
        return std::nullopt;
    }
    fault f;
    f.kind = *k;
    if (f.kind == fault_kind::server_error && kind.size() == 3 && kind[0] == '5' && kind != "5xx")
        parse_number(kind, f.status);
    if (colon == std::string_view::npos)
        return f;
    std::string_view rest = spec.substr(colon + 1);
    while (!rest.empty())
    {
        auto comma = rest.find(',');
        std::string_view kv = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        auto eq = kv.find('=');
        if (eq == std::string_view::npos)
        {
            fail(error, "expected key=value: " + std::string(kv));
            return std::nullopt;
        }
        if (!apply_key(f, kv.substr(0, eq), kv.substr(eq + 1), error))
            return std::nullopt;
    }
    return f;
}

std::optional<fault> parse_fault_json(const boost::json::value& v, std::string* error)
{
    const auto* obj = v.if_object();
    if (!obj)
    {
        fail(error, "a fault must be a JSON object");
        return std::nullopt;
    }
    if (const auto* spec = obj->if_contains("spec"); spec && spec->is_string())
        return parse_fault_spec(spec->as_string(), error);
    const auto* kind = obj->if_contains("kind");
    if (!kind || !kind->is_string())
    {
        fail(error, "missing \"kind\"");
        return std::nullopt;
    }
    auto f = parse_fault_spec(kind->as_string(), error);
    if (!f)
        return std::nullopt;
    for (const auto& [key, val] : *obj)
    {
        if (key == "kind")
            continue;
        std::string text;
        if (val.is_string())
            text = val.as_string();
        else if (val.is_int64())
            text = std::to_string(val.as_int64());
        else if (val.is_uint64())
            text = std::to_string(val.as_uint64());
        else if (val.is_double())
            text = std::to_string(val.as_double());
        else
        {
            fail(error, "bad value for " + std::string(key));
            return std::nullopt;
        }
        if (!apply_key(*f, key, text, error))
            return std::nullopt;
    }
    return f;
}

boost::json::value to_json(const fault& f)
{
    boost::json::object o;
    o["kind"] = to_string(f.kind);
    switch (f.kind)
    {
    case fault_kind::server_error: o["status"] = f.status; break;
    case fault_kind::throttle:
        if (f.retry_after)
            o["retry_after"] = *f.retry_after;
        break;
    case fault_kind::latency:
    case fault_kind::stall: o["ms"] = f.delay.count(); break;
    case fault_kind::huge: o["mb"] = f.mb; break;
    case fault_kind::clock_offset: o["seconds"] = f.offset.count(); break;
    default: break;
    }
    if (f.count)
        o["count"] = *f.count;
    if (!f.api.empty())
        o["api"] = f.api;
    o["probability"] = f.probability;
    o["hits"] = f.hits;
    return o;
}

void fault_set::add(fault f) { faults_.push_back(std::move(f)); }

namespace {

// `apis` is empty (every API) or names separated by '|' ("batch-status|batch-progress").
bool applies_to(std::string_view apis, std::string_view api)
{
    if (apis.empty())
        return true;
    while (!apis.empty())
    {
        const auto bar = apis.find('|');
        if (apis.substr(0, bar) == api)
            return true;
        apis = bar == std::string_view::npos ? std::string_view() : apis.substr(bar + 1);
    }
    return false;
}

}  // namespace

std::optional<fault> fault_set::pick(std::string_view api, bool rejected)
{
    for (auto it = faults_.begin(); it != faults_.end(); ++it)
    {
        if (it->kind == fault_kind::clock_offset || it->kind == fault_kind::token_expiry)
            continue;
        if (rejected && it->kind != fault_kind::latency)
            continue;
        if (!applies_to(it->api, api))
            continue;
        if (it->probability < 1.0)
        {
            // splitmix64: a private, seeded stream so runs repeat exactly.
            std::uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            z ^= z >> 31;
            if (static_cast<double>(z >> 11) * 0x1.0p-53 >= it->probability)
                continue;
        }
        ++it->hits;
        fault hit = *it;
        if (it->count && --*it->count <= 0)
            faults_.erase(it);
        return hit;
    }
    return std::nullopt;
}

std::chrono::seconds fault_set::clock_offset() const
{
    std::chrono::seconds total{0};
    for (const auto& f : faults_)
        if (f.kind == fault_kind::clock_offset)
            total += f.offset;
    return total;
}

}  // namespace drsmon::sim
