#include "drsmon/core/text.hpp"

#include "detail.hpp"

#include <charconv>

namespace drsmon::server::detail {

std::optional<endpoint_spec> parse_listen_address(std::string_view address, std::string* why)
{
    auto fail = [why](std::string reason) -> std::optional<endpoint_spec> {
        if (why)
            *why = std::move(reason);
        return std::nullopt;
    };
    endpoint_spec out;
    std::string_view port;
    if (address.starts_with('['))
    {
        const auto close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':')
            return fail("expected [address]:port");
        out.host = std::string(address.substr(1, close - 1));
        if (out.host.empty())
            return fail("empty IPv6 address in brackets");
        port = address.substr(close + 2);
    }
    else
    {
        const auto colon = address.rfind(':');
        if (colon == std::string_view::npos)
            return fail("expected host:port, [address]:port or :port");
        out.host = std::string(address.substr(0, colon));
        if (out.host.find(':') != std::string::npos)
            return fail("IPv6 addresses need brackets: [address]:port");
        port = address.substr(colon + 1);
    }
    const auto value = core::parse_number<unsigned>(port);
    if (!value || *value > 65535)
        return fail("port must be a number from 0 to 65535");
    out.port = static_cast<unsigned short>(*value);
    return out;
}

}  // namespace drsmon::server::detail
