#include "drsmon/core/text.hpp"
#include "drsmon/state/event_log.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace drsmon::state {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// The active file of the sink in `dir`; rotated files add ".1" ... ".N".
std::string active_file(const std::string& dir) { return (fs::path(dir) / "events.jsonl").string(); }

}  // namespace

event_log::event_log(event_log_options options, std::uint64_t next_seq)
    : options_(std::move(options)), next_seq_(next_seq == 0 ? 1 : next_seq)
{
    if (options_.capacity == 0)
        options_.capacity = 1;
}

std::string event_log::file_path() const
{
    if (options_.state_dir.empty())
        return {};
    return active_file(options_.state_dir);
}

core::result<void> event_log::append(std::vector<event>& events)
{
    for (auto& e : events)
    {
        e.seq = next_seq_++;
        ++counts_[{e.project, e.kind}];
        ring_.push_back(e);
        if (ring_.size() > options_.capacity)
            ring_.pop_front();
    }
    if (options_.state_dir.empty() || events.empty())
        return {};
    return write_file(events);
}

core::result<void> event_log::write_file(const std::vector<event>& events)
{
    std::string lines;
    for (const auto& e : events)
    {
        lines += to_json_line(e);
        lines += '\n';
    }

    const fs::path path = file_path();
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    bool created = static_cast<bool>(ec);
    // Rotate before the file would pass the limit; an empty file is never rotated, so a single
    // oversized batch still lands somewhere.
    if (!ec && size > 0 && size + lines.size() > options_.max_file_bytes)
    {
        auto numbered = [&](unsigned i) { return fs::path(path.string() + "." + std::to_string(i)); };
        if (options_.max_files == 0)
        {
            fs::remove(path, ec);
        }
        else
        {
            fs::remove(numbered(options_.max_files), ec);
            for (unsigned i = options_.max_files; i > 1; --i)
            {
                if (fs::exists(numbered(i - 1), ec))
                    fs::rename(numbered(i - 1), numbered(i), ec);
            }
            fs::rename(path, numbered(1), ec);
        }
        if (ec)
            return core::make_error(core::errc::io, path.string(), "cannot rotate: " + ec.message());
        created = true;
    }

    std::ofstream out(path, std::ios::app | std::ios::binary);
    if (!out)
        return core::make_error(core::errc::io, path.string(), "cannot open for appending");
    out << lines;
    out.flush();
    if (!out)
        return core::make_error(core::errc::io, path.string(), "write failed");
    out.close();
    if (options_.durable)
        return options_.durable->appended(path.string(), created);
    return {};
}

core::result<std::size_t> event_log::restore_from_file()
{
    if (options_.state_dir.empty())
        return std::size_t{0};
    const std::string active = file_path();
    std::deque<event> restored;
    for (const std::string& path : {active + ".1", active})
    {
        std::error_code ec;
        if (!fs::exists(path, ec))
            continue;
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return core::make_error(core::errc::io, path, "cannot open for reading");
        for (std::string line; std::getline(in, line);)
        {
            auto e = from_json_line(line);
            // A line cut short by a crash, or events from a newer seq space, are not restored.
            if (!e || e->seq >= next_seq_ || (!restored.empty() && e->seq <= restored.back().seq))
                continue;
            restored.push_back(std::move(*e));
            if (restored.size() > options_.capacity)
                restored.pop_front();
        }
        if (in.bad())
            return core::make_error(core::errc::io, path, "read failed");
    }
    ring_ = std::move(restored);
    return ring_.size();
}

std::uint64_t next_seq_after_files(const event_log_options& options, std::uint64_t at_least)
{
    if (options.state_dir.empty())
        return at_least;
    const auto active = active_file(options.state_dir);
    std::uint64_t next = at_least;
    for (const auto& path : {active + ".1", active})
    {
        std::ifstream in(path, std::ios::binary);
        for (std::string line; std::getline(in, line);)
            if (auto e = from_json_line(line); e && e->seq >= next)
                next = e->seq + 1;
    }
    return next;
}

std::vector<event> event_log::since(std::uint64_t after_seq, std::size_t limit) const
{
    std::vector<event> out;
    for (const auto& e : ring_)
    {
        if (out.size() >= limit)
            break;
        if (e.seq > after_seq)
            out.push_back(e);
    }
    return out;
}

std::string format_rfc3339(core::wall_time t)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const int millis = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(
        buf,
        sizeof buf,
        "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        millis
    );
    return buf;
}

namespace {

std::optional<core::wall_time> parse_rfc3339(std::string_view s)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    char z = 0;
    const std::string str(s);
    if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &sec, &ms, &z) != 8 ||
        z != 'Z')
        return std::nullopt;
    // Field ranges checked here rather than normalised (timegm would turn month 13 into January),
    // and years outside core::parsed_year_ok rejected: they would overflow wall_time (int64 ns).
    using namespace std::chrono;
    if (!core::parsed_year_ok(y) || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 59 || ms < 0 || ms > 999)
        return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        return std::nullopt;
    const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms};
    return core::from_unix_millis(t.time_since_epoch().count());
}

bool needs_quotes(std::string_view v)
{
    if (v.empty())
        return true;
    for (char c : v)
        if (c == ' ' || c == '=' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
            return true;
    return false;
}

void append_logfmt(std::string& out, std::string_view key, std::string_view value)
{
    if (!out.empty())
        out += ' ';
    out += key;
    out += '=';
    if (!needs_quotes(value))
    {
        out += value;
        return;
    }
    out += '"';
    core::append_escaped(out, value, [](char c) -> std::string_view {
        switch (c)
        {
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '\n': return "\\n";
        case '\r': return "\\r";
        case '\t': return "\\t";
        default: return static_cast<unsigned char>(c) < 0x20 ? "?" : std::string_view();
        }
    });
    out += '"';
}

}  // namespace

void write_json(core::json_writer& w, const event& e)
{
    const std::pair<std::string_view, std::string_view> texts[] = {
        {"project", e.project},
        {"job_id", e.job_id},
        {"job_name", e.job_name},
        {"kind", to_string(e.kind)},
        {"from", e.from},
        {"to", e.to},
        {"detail", e.detail},
    };
    w.begin_object();
    w.key("seq");
    w.uint64(e.seq);
    w.key("time");
    w.string(format_rfc3339(e.time));
    for (const auto& [k, v] : texts)
    {
        w.key(k);
        w.string(v);
    }
    w.key("after_restart");
    w.boolean(e.after_restart);
    w.end_object();
}

std::string to_json_line(const event& e)
{
    std::string line;
    core::json_writer w(line);
    write_json(w, e);
    w.finish();
    return line;
}

core::result<event> from_json_line(std::string_view line)
{
    auto bad = [](std::string detail) {
        return core::make_error(core::errc::bad_response, "events.jsonl", std::move(detail));
    };
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object())
        return bad("not a JSON object");
    const auto& o = v.as_object();
    auto str = [&](const char* k) -> std::optional<std::string> {
        auto* p = o.if_contains(k);
        if (!p || !p->is_string())
            return std::nullopt;
        return std::string(p->as_string());
    };
    event e;
    auto* seq = o.if_contains("seq");
    if (!seq || !seq->is_number())
        return bad("missing seq");
    e.seq = seq->to_number<std::uint64_t>(ec);
    if (ec)
        return bad("bad seq");
    auto time = str("time");
    auto t = time ? parse_rfc3339(*time) : std::nullopt;
    if (!t)
        return bad("bad time");
    e.time = *t;
    auto kind = str("kind");
    auto k = kind ? event_kind_from_string(*kind) : std::nullopt;
    if (!k)
        return bad("unknown kind");
    e.kind = *k;
    e.project = str("project").value_or("");
    e.job_id = str("job_id").value_or("");
    e.job_name = str("job_name").value_or("");
    e.from = str("from").value_or("");
    e.to = str("to").value_or("");
    e.detail = str("detail").value_or("");
    if (auto* r = o.if_contains("after_restart"); r && r->is_bool())
        e.after_restart = r->as_bool();
    return e;
}

std::string to_logfmt(const event& e)
{
    std::string out;
    append_logfmt(out, "seq", std::to_string(e.seq));
    append_logfmt(out, "time", format_rfc3339(e.time));
    append_logfmt(out, "project", e.project);
    append_logfmt(out, "job_id", e.job_id);
    append_logfmt(out, "job_name", e.job_name);
    append_logfmt(out, "kind", to_string(e.kind));
    append_logfmt(out, "from", e.from);
    append_logfmt(out, "to", e.to);
    append_logfmt(out, "detail", e.detail);
    append_logfmt(out, "after_restart", e.after_restart ? "true" : "false");
    return out;
}

}  // namespace drsmon::state
