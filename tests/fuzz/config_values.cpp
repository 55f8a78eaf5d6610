// The small value parsers of the config module. Input: byte 0 picks the parser, the rest is
// its text. Properties checked: parse_duration(format_duration(d)) == d (duration.hpp), and
// parse_origin(u.origin()) gives u back (core/url.hpp), as the config loader relies on.

#include "drsmon/config/cli.hpp"
#include "drsmon/config/duration.hpp"
#include "drsmon/core/no_proxy.hpp"
#include "drsmon/core/url.hpp"

#include "fuzz_common.hpp"

#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace cfg = drsmon::config;
    if (size < 1)
        return 0;
    const auto text = drsmon::fuzz::as_view(data + 1, size - 1);
    switch (data[0] % 5)
    {
    case 0:
        if (const auto d = cfg::parse_duration(text))
        {
            DRSMON_FUZZ_CHECK(d->count() >= 0);
            const auto again = cfg::parse_duration(cfg::format_duration(*d));
            DRSMON_FUZZ_CHECK(again && *again == *d);
        }
        break;
    case 1: (void)cfg::parse_size(text); break;
    case 2:
        // "scheme://host[:port]" from origin() reads back as the same URL.
        if (const auto u = drsmon::core::parse_origin(text))
        {
            const auto again = drsmon::core::parse_origin(u->origin());
            DRSMON_FUZZ_CHECK(again.has_value());
            DRSMON_FUZZ_CHECK(again->scheme == u->scheme && again->host == u->host && again->port == u->port);
        }
        break;
    case 3:
    {
        const auto parts = drsmon::fuzz::split(text, '\0', 2);
        (void)drsmon::core::no_proxy_matches(drsmon::fuzz::field(parts, 0), drsmon::fuzz::field(parts, 1));
        break;
    }
    default:
    {
        // Command-line arguments, NUL-separated.
        const auto args = drsmon::fuzz::split(text, '\0', 64);
        (void)cfg::parse_cli(args);
        break;
    }
    }
    return 0;
}
