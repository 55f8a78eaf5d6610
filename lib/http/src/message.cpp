#include "drsmon/core/text.hpp"
#include "drsmon/http/message.hpp"

#include <algorithm>

namespace drsmon::http {

namespace {

std::string_view find_header(const std::vector<header>& headers, std::string_view name) noexcept
{
    for (const auto& h : headers)
    {
        if (core::iequals(h.name, name))
            return h.value;
    }
    return {};
}

}  // namespace

std::string_view request::header_value(std::string_view name) const noexcept
{
    return find_header(headers, name);
}

std::string_view response::header_value(std::string_view name) const noexcept
{
    return find_header(headers, name);
}

core::result<std::string> serialize_request(
    const request& req,
    std::string_view target_prefix,
    const core::url& origin,
    std::string_view user_agent
)
{
    auto valid_name = [](std::string_view n) {
        return !n.empty() &&
               std::all_of(n.begin(), n.end(), [](unsigned char c) { return c > 32 && c < 127 && c != ':'; });
    };
    auto valid_value = [](std::string_view v) {
        return std::none_of(v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    };
    if (!valid_name(req.method) || req.target.empty() || !valid_value(req.target) ||
        req.target.find(' ') != std::string::npos)
        return core::make_error(core::errc::config, "http", "invalid request line");
    std::size_t size = req.method.size() + target_prefix.size() + req.target.size() + 64 + req.body.size() +
                       user_agent.size() + origin.host.size();
    for (const auto& h : req.headers)
        size += h.name.size() + h.value.size() + 4;
    std::string wire;
    wire.reserve(size);
    wire.append(req.method).append(" ").append(target_prefix).append(req.target).append(" HTTP/1.1\r\n");
    bool host = false, agent = false, encoding = false;
    for (const auto& h : req.headers)
    {
        // The header's value is not repeated: it may be a credential.
        if (!valid_name(h.name) || !valid_value(h.value))
            return core::make_error(
                core::errc::config,
                "http",
                "invalid header " + (valid_name(h.name) ? h.name : "name")
            );
        if (core::iequals(h.name, "Content-Length") || core::iequals(h.name, "Transfer-Encoding"))
            continue;
        host = host || core::iequals(h.name, "Host");
        agent = agent || core::iequals(h.name, "User-Agent");
        encoding = encoding || core::iequals(h.name, "Accept-Encoding");
        wire.append(h.name).append(": ").append(h.value).append("\r\n");
    }
    if (!host)
        wire.append("Host: ").append(origin.host_header()).append("\r\n");
    if (!agent && !user_agent.empty())
        wire.append("User-Agent: ").append(user_agent).append("\r\n");
    if (!encoding)
        wire.append("Accept-Encoding: gzip\r\n");
    // As Beast's prepare_payload: a body, or a method that defines one, is framed by its length.
    const bool bodiless_method = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS" ||
                                 req.method == "TRACE" || req.method == "CONNECT";
    if (!req.body.empty() || !bodiless_method)
        wire.append("Content-Length: ").append(std::to_string(req.body.size())).append("\r\n");
    wire.append("\r\n").append(req.body);
    return wire;
}

}  // namespace drsmon::http
