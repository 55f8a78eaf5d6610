#include "drsmon/http/io_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace drsmon::http {
namespace {

namespace bhttp = boost::beast::http;
using boost::system::error_code;

// An OpenSSL failure as asio's SSL category reports it.
error_code openssl_code()
{
    return error_code(
        static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
        boost::asio::error::get_ssl_category()
    );
}

TEST(IoError, ABodyPastTheLimitIsTooLargeAndNamesTheLimit)
{
    const auto e = io_error(bhttp::error::body_limit, "read", 1024);
    EXPECT_EQ(e.kind(), core::errc::too_large);
    EXPECT_EQ(e.where, "http");
    EXPECT_EQ(e.detail, "response body exceeds 1024 bytes");
}

TEST(IoError, AnAbortedStepIsCancelled)
{
    const auto e = io_error(boost::asio::error::operation_aborted, "connect to 127.0.0.1:9");
    EXPECT_EQ(e.kind(), core::errc::cancelled);
    EXPECT_EQ(e.detail, "connect to 127.0.0.1:9: cancelled");
}

TEST(IoError, ThePeerClosingIsANetworkFailureEvenInsideTls)
{
    for (error_code ec :
         {error_code(boost::asio::ssl::error::stream_truncated),
          error_code(bhttp::error::partial_message),
          error_code(bhttp::error::end_of_stream)})
    {
        const auto e = io_error(ec, "read");
        EXPECT_EQ(e.kind(), core::errc::network) << ec.message();
        EXPECT_TRUE(e.detail.starts_with("read: connection closed by peer (")) << e.detail;
    }
    EXPECT_EQ(core::classify(boost::asio::ssl::error::stream_truncated), core::errc::tls)
        << "without the mapping a truncation would read as a TLS failure";
}

TEST(IoError, OtherCodesKeepTheirClassAndMessage)
{
    const auto refused = io_error(boost::asio::error::connection_refused, "connect to [::1]:9");
    EXPECT_EQ(refused.kind(), core::errc::network);
    EXPECT_TRUE(refused.detail.starts_with("connect to [::1]:9: ")) << refused.detail;
    EXPECT_EQ(io_error(boost::asio::error::timed_out, "read").kind(), core::errc::timeout);
    EXPECT_EQ(io_error(openssl_code(), "read").kind(), core::errc::tls);
}

TEST(HandshakeError, ARefusedCertificateSaysWhyInOpenSslsWords)
{
    const auto e = handshake_error(openssl_code(), X509_V_ERR_CERT_HAS_EXPIRED, "drs.example.com:443");
    EXPECT_EQ(e.kind(), core::errc::tls);
    EXPECT_EQ(
        e.detail,
        "TLS handshake with drs.example.com:443: certificate verify failed: certificate has expired"
    );
}

TEST(HandshakeError, WithoutAVerifyFailureTheCodesMessageIsTheReason)
{
    const auto reset = handshake_error(boost::asio::error::connection_reset, X509_V_OK, "127.0.0.1:8443");
    EXPECT_EQ(reset.kind(), core::errc::network);
    EXPECT_EQ(
        reset.detail,
        "TLS handshake with 127.0.0.1:8443: " + error_code(boost::asio::error::connection_reset).message()
    );
    const auto aborted = handshake_error(boost::asio::error::operation_aborted, X509_V_OK, "127.0.0.1:8443");
    EXPECT_EQ(aborted.kind(), core::errc::cancelled);
    EXPECT_EQ(aborted.detail, "TLS handshake with 127.0.0.1:8443: cancelled");
}

}  // namespace
}  // namespace drsmon::http
