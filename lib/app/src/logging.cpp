#include "drsmon/app/logging.hpp"
#include "drsmon/core/json_writer.hpp"
#include "drsmon/state/event_log.hpp"

#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace drsmon::app {

namespace {

// The pairs of a logfmt message as members of the object being written; bare words (free text)
// become "msg", written first.
void write_logfmt_fields(core::json_writer& w, std::string_view s)
{
    std::vector<std::pair<std::string_view, std::string>> fields;
    std::string loose;
    std::size_t i = 0;
    auto skip_spaces = [&] {
        while (i < s.size() && s[i] == ' ')
            ++i;
    };
    while (true)
    {
        skip_spaces();
        if (i >= s.size())
            break;
        const std::size_t start = i;
        while (i < s.size() && s[i] != '=' && s[i] != ' ')
            ++i;
        if (i >= s.size() || s[i] == ' ')
        {
            // A bare word: part of a free-text message.
            loose += loose.empty() ? "" : " ";
            loose.append(s.substr(start, i - start));
            continue;
        }
        const auto k = s.substr(start, i - start);
        ++i;  // '='
        std::string value;
        if (i < s.size() && s[i] == '"')
        {
            ++i;
            while (i < s.size() && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.size())
                    ++i;
                value += s[i++];
            }
            ++i;  // closing quote
        }
        else
        {
            while (i < s.size() && s[i] != ' ')
                value += s[i++];
        }
        fields.emplace_back(k, std::move(value));
    }
    if (!loose.empty())
    {
        w.key("msg");
        w.string(loose);
    }
    for (const auto& [k, v] : fields)
    {
        w.key(k);
        w.string(v);
    }
}

// RFC 3339 UTC with milliseconds, the same form as event times.
std::string timestamp(const spdlog::details::log_msg& msg) { return state::format_rfc3339(msg.time); }

const char* level_name(spdlog::level::level_enum l)
{
    switch (l)
    {
    case spdlog::level::trace:
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    default: return "error";
    }
}

class logfmt_formatter final : public spdlog::formatter
{
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override
    {
        std::string line = "ts=" + timestamp(msg) + " level=" + level_name(msg.level) + " ";
        line.append(msg.payload.data(), msg.payload.size());
        line += '\n';
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<formatter> clone() const override { return std::make_unique<logfmt_formatter>(); }
};

class json_formatter final : public spdlog::formatter
{
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override
    {
        std::string line;
        core::json_writer w(line);
        w.begin_object();
        w.key("ts");
        w.string(timestamp(msg));
        w.key("level");
        w.string(level_name(msg.level));
        write_logfmt_fields(w, std::string_view(msg.payload.data(), msg.payload.size()));
        w.end_object();
        w.finish();
        line += '\n';
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<formatter> clone() const override { return std::make_unique<json_formatter>(); }
};

}  // namespace

std::string logfmt_to_json_fields(std::string_view s)
{
    std::string out;
    core::json_writer w(out);
    write_logfmt_fields(w, s);
    w.finish();
    return out;
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& format, const std::string& level)
{
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto log = std::make_shared<spdlog::logger>("drs-monitor", sink);
    if (format == "json")
        log->set_formatter(std::make_unique<json_formatter>());
    else
        log->set_formatter(std::make_unique<logfmt_formatter>());
    if (level == "debug")
        log->set_level(spdlog::level::debug);
    else if (level == "warn")
        log->set_level(spdlog::level::warn);
    else if (level == "error")
        log->set_level(spdlog::level::err);
    else
        log->set_level(spdlog::level::info);
    log->flush_on(spdlog::level::trace);
    return log;
}

}  // namespace drsmon::app
