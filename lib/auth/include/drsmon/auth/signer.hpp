#pragma once

#include "drsmon/core/clock.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// "SDK-HMAC-SHA256" request signing as Huawei Cloud's SDK core and API gateway implement it
// (drs-api.md §5.2), and the matching server-side verification. Everything here is pure:
// no I/O, no logging, time is passed in.
namespace drsmon::auth {

struct header
{
    std::string name;
    std::string value;
};

// Secrets: never copied into any output other than the signature itself (the security token
// is sent as a header, because the gateway needs it).
struct credentials
{
    std::string access_key;
    std::string secret_key;
    std::string security_token;  // empty = none
};

struct sign_input
{
    std::string method;  // "GET", "POST"
    std::string host;    // host[:port] as in the URL (port only when non-default)
    std::string path;    // resource path as sent on the wire, e.g. "/v3/<pid>/jobs/batch-status"
    std::vector<std::pair<std::string, std::string>> query;  // any order, keys may repeat
    std::vector<header> headers;  // Content-Type, User-Agent, X-Project-Id, X-Language, maybe X-Sdk-Date
    std::string_view body;
};

struct sign_output
{
    // All headers to send: input (values trimmed, any Authorization dropped) + X-Sdk-Date (if absent)
    // + Host (if absent) + X-Security-Token (if set and absent) + Authorization.
    std::vector<header> headers;
    std::string target;  // path + ("?" + canonical query): the exact request-line target to send
    std::string canonical_request;
    std::string string_to_sign;
    std::string signed_headers;  // "content-type;host;..."
    std::string signature;       // lowercase hex
    std::string authorization;   // the Authorization header value
};

// The algorithm name that starts string-to-sign and the Authorization value.
inline constexpr std::string_view algorithm = "SDK-HMAC-SHA256";

// SHA-256 of the empty string, the payload hash of every request without a body.
inline constexpr std::string_view
    empty_payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// "YYYYMMDDTHHMMSSZ" in UTC, truncated to whole seconds.
std::string format_sdk_date(core::wall_time t);

// Parses exactly "YYYYMMDDTHHMMSSZ"; nullopt for anything else (wrong length, bad field ranges).
std::optional<core::wall_time> parse_sdk_date(std::string_view s);

// Keeps A-Za-z0-9-_.~ and encodes every other byte as %XX (uppercase hex). Space is %20, never '+'.
std::string rfc3986_encode(std::string_view s);

// Decodes %XX escapes ('+' stays '+'). nullopt on a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view s);

// Sorts pairs by key, then value (byte order on the raw strings), encodes both with
// rfc3986_encode and joins "k=v" with '&'. Empty values stay "k=". Empty input gives "".
std::string canonical_query(std::vector<std::pair<std::string, std::string>> pairs);

// Percent-decodes the path, re-encodes every '/'-separated segment and makes sure the result
// ends with '/'. Invalid escapes are kept literally (and so encoded as %25).
std::string canonical_uri(std::string_view path);

// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);

// Lowercase hex HMAC-SHA256 with the raw key.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// "SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<h1;h2>, Signature=<hex>"
std::string format_authorization(
    std::string_view access_key,
    std::string_view signed_headers,
    std::string_view signature
);

// The parts of a signature computed over an explicit list of signed header names.
struct signature_parts
{
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
};

// The core of both sign() and verify(): signs exactly the (lowercase, sorted) header names given,
// looking each one up case-insensitively in headers (first match, value trimmed; a missing header
// signs as an empty value). The date in the string to sign is the X-Sdk-Date header's value.
// The payload hash is SHA-256 of "" for an empty body, else the X-Sdk-Content-Sha256 header if
// present, else SHA-256 of body. Exposed so callers can reproduce signers that choose other
// header sets (the Go SDK signs neither Host nor Content-Type).
struct signature_input
{
    std::string_view method;
    std::string_view path;             // not yet canonical
    std::string_view canonical_query;  // canonical_query() of the pairs
    const std::vector<header>& headers;
    const std::vector<std::string>& signed_header_names;  // lowercase, in the order to sign
    std::string_view body;
};
signature_parts compute_signature(const signature_input& in, std::string_view secret_key);

// Signs a request like the Python SDK: adds X-Sdk-Date (from now) and Host when absent,
// adds X-Security-Token when creds carry one, trims header values, signs every header whose name
// has no '_' and returns the headers and target to send. Never fails.
sign_output sign(const sign_input& in, const credentials& creds, core::wall_time now);

// ---- Server side: checks a request the way the API gateway does. ----

struct parsed_authorization
{
    std::string access_key;
    std::vector<std::string> signed_headers;  // as listed, lowercased
    std::string signature;
};

// Parses "SDK-HMAC-SHA256 Access=..., SignedHeaders=a;b, Signature=hex". Separators may be "," or
// ", ". nullopt when the algorithm differs or any of the three fields is missing or empty.
std::optional<parsed_authorization> parse_authorization(std::string_view value);

enum class verify_status
{
    ok,
    missing,        // no Authorization header
    malformed,      // unparseable Authorization, no/bad X-Sdk-Date, a signed header absent, bad query escape
    unknown_key,    // secret_for() does not know the access key
    bad_signature,  // the recomputed signature differs
    clock_skew      // signature fine, but X-Sdk-Date is more than max_skew away from now
};

// "ok", "missing", "malformed", "unknown_key", "bad_signature", "clock_skew".
const char* to_string(verify_status s) noexcept;

struct verify_input
{
    std::string method;
    std::string target;           // raw request-line target, path?query
    std::vector<header> headers;  // as received
    std::string_view body;
};

// Recomputes the signature over exactly the headers listed in SignedHeaders (which must include
// x-sdk-date), with the query percent-decoded into pairs and re-canonicalised, and compares it in
// constant time. The signature is checked before the clock, so clock_skew is only reported for
// requests that are otherwise authentic.
verify_status verify(
    const verify_input& in,
    const std::function<std::optional<std::string>(std::string_view access_key)>& secret_for,
    core::wall_time now,
    std::chrono::seconds max_skew = std::chrono::minutes(15)
);

}  // namespace drsmon::auth
