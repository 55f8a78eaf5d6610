#include "drsmon/core/text.hpp"
#include "drsmon/http/message.hpp"

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

}  // namespace drsmon::http
