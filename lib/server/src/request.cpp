#include "drsmon/core/text.hpp"
#include "drsmon/server/request.hpp"

namespace drsmon::server {

namespace {

// Percent-decodes; in query components '+' also means a space (HTML forms).
std::optional<std::string> decode(std::string_view in, bool plus_is_space)
{
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
    {
        const char c = in[i];
        if (c == '%')
        {
            if (i + 2 >= in.size())
                return std::nullopt;
            const int hi = core::hex_value(in[i + 1]);
            const int lo = core::hex_value(in[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        else if (c == '+' && plus_is_space)
            out += ' ';
        else
            out += c;
    }
    return out;
}

}  // namespace

std::string request::header(std::string_view name) const
{
    for (const auto& [key, value] : headers)
    {
        if (core::iequals(key, name))
            return value;
    }
    return {};
}

std::optional<std::string> request::query_param(std::string_view name) const
{
    for (const auto& [key, value] : query)
    {
        if (key == name)
            return value;
    }
    return std::nullopt;
}

std::optional<split_target> parse_target(std::string_view target)
{
    const auto q = target.find('?');
    const std::string_view raw_path = target.substr(0, q);
    if (raw_path.empty() || raw_path.front() != '/')
        return std::nullopt;
    split_target out;
    auto path = decode(raw_path, false);
    if (!path)
        return std::nullopt;
    out.path = std::move(*path);
    if (q == std::string_view::npos)
        return out;

    std::string_view rest = target.substr(q + 1);
    // A fragment never reaches a server, but ignore one defensively.
    rest = rest.substr(0, rest.find('#'));
    while (!rest.empty())
    {
        const std::string_view pair = core::pop_token(rest, "&");
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        auto key = decode(pair.substr(0, eq), true);
        auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                  : decode(pair.substr(eq + 1), true);
        if (!key || !value)
            return std::nullopt;
        out.query.emplace_back(std::move(*key), std::move(*value));
    }
    return out;
}

}  // namespace drsmon::server
