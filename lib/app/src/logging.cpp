#include "drsmon/app/logging.hpp"
#include "drsmon/state/event_log.hpp"

#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace drsmon::app {

namespace {

void json_escape(std::string& out, std::string_view s)
{
    for (char c : s)
    {
        switch (c)
        {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
            {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
            else
                out += c;
        }
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
        std::string line = "{\"ts\":\"" + timestamp(msg) + "\",\"level\":\"" + level_name(msg.level) + "\"";
        auto fields = logfmt_to_json_fields(std::string_view(msg.payload.data(), msg.payload.size()));
        if (!fields.empty())
            line += "," + fields;
        line += "}\n";
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<formatter> clone() const override { return std::make_unique<json_formatter>(); }
};

}  // namespace

std::string logfmt_to_json_fields(std::string_view s)
{
    std::string out;
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
        out += out.empty() ? "\"" : ",\"";
        json_escape(out, k);
        out += "\":\"";
        json_escape(out, value);
        out += '"';
    }
    if (!loose.empty())
    {
        std::string m = "\"msg\":\"";
        json_escape(m, loose);
        m += '"';
        out = out.empty() ? m : m + "," + out;
    }
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
