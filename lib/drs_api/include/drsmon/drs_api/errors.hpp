#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/api.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace drsmon::drs_api {

// What the HTTP layer received for a call that did not succeed. Views only: nothing is
// kept after classify_failure returns.
struct reply_view
{
    int status = 0;                // HTTP status code
    std::string_view body;         // response body (any content type)
    std::string_view request_id;   // X-Request-Id header, or empty
    std::string_view retry_after;  // Retry-After header, or empty
};

// Turns a non-2xx reply into an error value. The service code and message are looked up
// as error_code+error_msg, errorCode+errorMsg, then code+message, recursing into nested
// objects and results[0]; a body that is not JSON simply has no code. Classes:
//   throttled  429, APIG.0308 / APIGW.0308, DRS.M01503
//   auth       401, 403, APIG(W).0301 / 0302, DRS.M00100, DRS.M00103
//   not_found  404, APIG(W).0101 (API not published), is_not_found_code()
//   http_status everything else (5xx, other 4xx)
// Fills where (api_name), http_status, service_code, request_id (header, else the
// body's request_id) and retry_after (delta-seconds or an HTTP-date relative to now).
// detail is bounded to about 200 characters; a gateway message saying the signature
// "expired" gets a clock-skew hint appended (the host's clock is off by more than 15 min).
core::error classify_failure(api which, const reply_view& r, core::wall_time now);

// True for the codes that mean "this job does not exist (any more)":
// DRS.M00289, DRS.M05003, DRS.M05004, DRS.10000010.
bool is_not_found_code(std::string_view code) noexcept;

// True for the code that means "this API does not apply to the job in its current state":
// DRS.M00304 ("This API cannot be called in the current task status"), as the DR reads
// (RPO/RTO, DR monitoring, increment components) answer for jobs that are not DR jobs or not in
// an incremental phase, whether as an item's error_code or as the service code of a 4xx reply.
bool is_not_applicable_code(std::string_view code) noexcept;

// For a 4xx batch reply whose results[] carry a not-found code (the whole batch failed
// because of one unknown or deleted job): that code. Nullopt otherwise, and for any body
// that is not such a JSON document.
std::optional<std::string> whole_batch_not_found(std::string_view body);

// Parses a Retry-After value: delta-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2015 07:28:00 GMT"); a date in the past gives 0 s. Nullopt when
// unparseable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, core::wall_time now) noexcept;

// True when the job status ends with "_FAILED" (CREATE_FAILED, INCRE_TRANSFER_FAILED, ...).
bool is_failed_status(std::string_view status) noexcept;

// True for statuses after which a job never changes: RELEASE_RESOURCE_COMPLETE, DELETED.
bool is_terminal_status(std::string_view status) noexcept;

}  // namespace drsmon::drs_api
