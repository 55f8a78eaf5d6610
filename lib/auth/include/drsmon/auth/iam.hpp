#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"

#include <optional>
#include <string>
#include <string_view>

// IAM password tokens (drs-api.md §5.1): the request body, the response parser and the
// refresh decisions for a cached token. Pure: the HTTP call itself belongs to the client.
namespace drsmon::auth {

// The JSON body of POST /v3/auth/tokens for a project-scoped password token:
// {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":..,"password":..,
// "domain":{"name":..}}}},"scope":{"project":{"id":..}}}}. All strings are JSON-escaped.
// The result contains the password: send it, never log it.
std::string iam_password_token_body(
    std::string_view user,
    std::string_view password,
    std::string_view domain,
    std::string_view project_id
);

struct iam_token
{
    std::string token;  // the X-Subject-Token value, sent as X-Auth-Token
    core::wall_time issued_at;
    core::wall_time expires_at;
};

// Parses an ISO 8601 UTC time as IAM writes it: "2020-01-04T09:05:22.701000Z", also without the
// fraction and with a "+HH:MM"/"-HH:MM" offset instead of 'Z'. nullopt for anything else.
std::optional<core::wall_time> parse_iam_time(std::string_view s);

// Interprets the response to the token request. Errors (where = "iam-token", http_status set):
//   - status other than 200/201: errc::auth for 4xx (errc::throttled for 429, errc::http_status
//     for 5xx and others), detail and service_code taken from the error body when it has
//     {"error":{"code","message","title"}} or {"error_code","error_msg"};
//   - empty X-Subject-Token: errc::bad_response, path "X-Subject-Token";
//   - body not JSON, or $.token.expires_at missing/unparseable: errc::bad_response with that path;
//   - $.token.issued_at present but unparseable, or not before expires_at: errc::bad_response.
// A missing issued_at is taken as expires_at - 24 h (the documented validity).
// No error text ever contains the token.
core::result<iam_token> parse_iam_token_response(
    int http_status,
    std::string_view x_subject_token,
    std::string_view body
);

// Pure refresh decisions for a cached token.
class token_policy
{
public:
    // Refresh at issued + 80% of the life, or 1 h before expiry, whichever is earlier
    // (never before issued).
    static core::wall_time refresh_at(const iam_token& t);
    // now >= refresh_at(t).
    static bool needs_refresh(const iam_token& t, core::wall_time now);
    // now >= expires_at: the token must not be sent any more.
    static bool expired(const iam_token& t, core::wall_time now);
};

}  // namespace drsmon::auth
