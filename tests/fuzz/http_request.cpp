// The metrics server's request path up to the handlers: Beast's request parser with the server's
// header and body limits (server_options defaults), then what the server derives from a parsed
// request: the split target (parse_target), basic-auth credentials and gzip negotiation.
// Also the --web.listen-address parser on the request target.
// Property checked: parse_target's path starts with '/' (request.hpp).

#include "drsmon/server/http_server.hpp"  // server_options: the limits
#include "drsmon/server/request.hpp"

#include "detail.hpp"  // lib/server/src: parse_basic_auth, accepts_gzip, parse_listen_address
#include "fuzz_common.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace http = boost::beast::http;
    namespace server = drsmon::server;
    const server::server_options opts;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(opts.max_header_bytes, std::numeric_limits<std::uint32_t>::max())
    ));
    parser.body_limit(opts.max_body_bytes);
    parser.eager(true);

    // Feed the bytes in two reads, as the server's async_read does: after need_more the parser
    // is called again only once more data has arrived, with the unconsumed bytes kept in front.
    boost::system::error_code ec;
    const auto raw_in = drsmon::fuzz::as_view(data, size);
    const std::string_view reads[] = {raw_in.substr(0, size / 2), raw_in.substr(size / 2)};
    std::string buf;
    for (const auto piece : reads)
    {
        buf.append(piece);
        while (!buf.empty() && !ec && !parser.is_done())
        {
            const auto n = parser.put(boost::asio::buffer(buf), ec);
            buf.erase(0, n);
            if (ec == http::error::need_more)
            {
                ec = {};
                break;
            }
            if (n == 0)
                break;
        }
        if (ec || parser.is_done())
            break;
    }
    // End of stream, as a closed connection reports it (Beast requires some input first).
    if (!ec && !parser.is_done() && parser.got_some())
        parser.put_eof(ec);

    const auto& msg = parser.get();
    const std::string_view target(msg.target().data(), msg.target().size());
    if (const auto t = server::parse_target(target))
        DRSMON_FUZZ_CHECK(!t->path.empty() && t->path.front() == '/');
    if (parser.is_header_done())
    {
        const auto auth = msg[http::field::authorization];
        (void)server::detail::parse_basic_auth(std::string_view(auth.data(), auth.size()));
        const auto enc = msg[http::field::accept_encoding];
        (void)server::detail::accepts_gzip(std::string_view(enc.data(), enc.size()));
    }
    // The raw input also goes straight to the target and basic-auth parsers, so they are fuzzed
    // even when the bytes are not an HTTP request.
    if (const auto t = server::parse_target(raw_in))
        DRSMON_FUZZ_CHECK(!t->path.empty() && t->path.front() == '/');
    (void)server::detail::parse_basic_auth(raw_in);
    std::string why;
    (void)server::detail::parse_listen_address(raw_in, &why);
    return 0;
}
