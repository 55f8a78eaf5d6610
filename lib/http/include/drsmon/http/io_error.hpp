#pragma once

// How the HTTP client's I/O failures read: the project's error class and a detail naming the step
// that failed (where "http"). Pure: the client passes the codes its I/O returned.

#include "drsmon/core/error.hpp"

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string_view>

namespace drsmon::http {

// A failed step (resolve, connect, write, read, CONNECT): a body past limit bytes is too_large
// naming the limit; an aborted operation is cancelled; the peer closing the connection (a TLS
// stream truncated, a partial message, end of stream) is a network failure "connection closed by
// peer", not a TLS one; anything else is core::classify(ec) with the code's message.
core::error io_error(const boost::system::error_code& ec, std::string_view what, std::size_t limit = 0);

// A failed TLS handshake with authority: cancelled when aborted; otherwise core::classify(ec) with
// OpenSSL's reason when the peer's certificate was refused (verify_result is
// SSL_get_verify_result(), X509_V_OK when the certificate was not the reason).
core::error handshake_error(
    const boost::system::error_code& ec,
    long verify_result,
    std::string_view authority
);

}  // namespace drsmon::http
