#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <system_error>

namespace drsmon::core {

// The project's own error conditions. Expected failures are values of these,
// never exceptions. Values are stable: they are used as metric label values
// through to_label().
enum class errc
{
    ok = 0,
    network = 1,      // resolve, connect, read or write failed
    timeout,          // a deadline expired
    tls,              // handshake or certificate verification failed
    http_status,      // non-success HTTP status without a more precise class
    throttled,        // 429 APIG(W).0308 or 400 DRS.M01503
    auth,             // 401/403, signature rejected, token invalid
    bad_response,     // the body is not what the API documents
    not_found,        // the job (or API) does not exist
    too_large,        // a response body over the configured limit
    proxy,            // the outbound proxy refused the CONNECT
    cancelled,        // the operation was cancelled (shutdown, reload)
    config,           // invalid configuration
    io,               // local file I/O failed
    budget_exhausted  // a round's retry budget was used up
};

const boost::system::error_category& drsmon_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), drsmon_category()};
}

// A short, bounded label for metrics ("network", "timeout", ...).
const char* to_label(errc e) noexcept;

// Maps any error_code (Asio, SSL, Beast, ours) onto the project's classes.
errc classify(const boost::system::error_code& ec) noexcept;

// An expected failure with everything a log line or an API consumer needs.
// It never carries a secret: producers put only non-secret text in it.
struct error
{
    boost::system::error_code code;  // errc in drsmon_category(), or the original system/asio code
    std::string where;               // what failed: an API name ("batch-status"), a file, a component
    std::string path;                // JSON path inside a response ("$.results[2].status"), or empty
    std::string detail;              // human-readable reason
    int http_status = 0;             // 0 when no HTTP response was received
    std::string service_code;        // DRS / gateway error code ("DRS.M01503", "APIGW.0308"), or empty
    std::string request_id;          // X-Request-Id of the failed call, or empty
    std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header

    // The project's class of this error (classify(code)).
    errc kind() const noexcept { return classify(code); }

    // "where: detail (path=…, http=…, code=…, request_id=…)" for logs and CLI output.
    std::string to_string() const;
};

// Convenience constructor for the common case.
error make_error(errc e, std::string where, std::string detail, std::string path = {});

template <class T>
using result = boost::system::result<T, error>;

// Called by result<T>::value() when it holds an error: throws std::runtime_error
// with to_string(). Only reached through programming errors.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

}  // namespace drsmon::core

namespace boost::system {
template <>
struct is_error_code_enum<drsmon::core::errc> : std::true_type
{
};
}  // namespace boost::system
