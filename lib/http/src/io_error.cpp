#include "drsmon/http/io_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

#include <openssl/x509.h>

#include <string>

namespace drsmon::http {

namespace {

core::error make(core::errc e, std::string detail) { return core::make_error(e, "http", std::move(detail)); }

}  // namespace

core::error io_error(const boost::system::error_code& ec, std::string_view what, std::size_t limit)
{
    namespace bhttp = boost::beast::http;
    if (ec == bhttp::error::body_limit)
        return make(core::errc::too_large, "response body exceeds " + std::to_string(limit) + " bytes");
    if (ec == boost::asio::error::operation_aborted)
        return make(core::errc::cancelled, std::string(what) + ": cancelled");
    if (ec == boost::asio::ssl::error::stream_truncated || ec == bhttp::error::partial_message ||
        ec == bhttp::error::end_of_stream)
        return make(
            core::errc::network,
            std::string(what) + ": connection closed by peer (" + ec.message() + ")"
        );
    return make(core::classify(ec), std::string(what) + ": " + ec.message());
}

core::error handshake_error(
    const boost::system::error_code& ec,
    long verify_result,
    std::string_view authority
)
{
    const std::string step = "TLS handshake with " + std::string(authority);
    if (ec == boost::asio::error::operation_aborted)
        return make(core::errc::cancelled, step + ": cancelled");
    const std::string reason = verify_result != X509_V_OK ? std::string("certificate verify failed: ") +
                                                                X509_verify_cert_error_string(verify_result)
                                                          : ec.message();
    return make(core::classify(ec), step + ": " + reason);
}

}  // namespace drsmon::http
