// The IAM token response parser. Input: bytes 0-1 the HTTP status (100..599), then
// "X-Subject-Token \n body". Also parse_iam_time on the token field.
// Contract checked (iam.hpp): never throws; errors have where "iam-token" and the status; no
// error text depends on the token; a parsed token has issued_at < expires_at.

#include "drsmon/auth/iam.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace auth = drsmon::auth;
    if (size < 2)
        return 0;
    const int status = 100 + ((data[0] << 8) | data[1]) % 500;
    const auto parts = drsmon::fuzz::split(drsmon::fuzz::as_view(data + 2, size - 2), '\n', 2);
    const auto token = drsmon::fuzz::field(parts, 0);
    const auto body = drsmon::fuzz::field(parts, 1);

    const auto r = auth::parse_iam_token_response(status, token, body);
    if (r.has_value())
    {
        DRSMON_FUZZ_CHECK(status == 200 || status == 201);
        DRSMON_FUZZ_CHECK(r->token == token);
        DRSMON_FUZZ_CHECK(r->issued_at < r->expires_at);
    }
    else
    {
        const auto& e = r.error();
        DRSMON_FUZZ_CHECK(e.where == "iam-token");
        DRSMON_FUZZ_CHECK(e.http_status == status);
        // The error must not depend on the token's value: the same reply with another non-empty
        // token gives the same error text (a substring test alone would flag tokens that happen
        // to spell part of the fixed message).
        if (!token.empty())
        {
            const auto other = auth::parse_iam_token_response(status, "other-token-value", body);
            DRSMON_FUZZ_CHECK(!other.has_value());
            DRSMON_FUZZ_CHECK(other.error().detail == e.detail);
            DRSMON_FUZZ_CHECK(other.error().to_string() == e.to_string());
        }
    }
    (void)auth::parse_iam_time(token);
    return 0;
}
