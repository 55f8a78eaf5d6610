// The server-side AK/SK check, as the simulator and any gateway-like peer use it.
// Input: "method \n target \n body \n name: value \n name: value ...". The Authorization header
// (if any) is also parsed on its own. With byte-exact secret lookups, verify must never crash
// and must only answer "ok" for a request whose signature it recomputes.
// Property checked: sign() output verifies as ok against the same secret (round trip) whenever
// the fuzzed request is signed with it.

#include "drsmon/auth/signer.hpp"

#include "fuzz_common.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

bool all_of(std::string_view s, bool (*pred)(unsigned char))
{
    return std::all_of(s.begin(), s.end(), [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}
bool path_char(unsigned char c)
{
    return std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
}
bool token_char(unsigned char c) { return std::isalnum(c) || c == '-'; }
bool printable(unsigned char c) { return c >= 0x20 && c < 0x7f; }
bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Signs the fuzzed request (when it is one a client could send) and checks that the verifier
// accepts exactly what the signer produced.
void check_round_trip(const drsmon::auth::verify_input& in, drsmon::core::wall_time now)
{
    namespace auth = drsmon::auth;
    if (in.method != "GET" && in.method != "POST" && in.method != "PUT" && in.method != "DELETE")
        return;
    const std::string_view target = in.target;
    const auto q = target.find('?');
    const auto path = target.substr(0, q);
    if (path.empty() || path[0] != '/' || !all_of(path, path_char))
        return;

    auth::sign_input s;
    s.method = in.method;
    s.host = "127.0.0.1:8443";
    s.path = std::string(path);
    if (q != std::string_view::npos)
    {
        // Raw (undecoded) pairs: the signer encodes them, so any bytes are fine.
        for (const auto pair : drsmon::fuzz::split(target.substr(q + 1), '&', 16))
        {
            const auto kv = drsmon::fuzz::split(pair, '=', 2);
            s.query.emplace_back(std::string(kv[0]), std::string(drsmon::fuzz::field(kv, 1)));
        }
    }
    for (const auto& h : in.headers)
    {
        if (h.name.empty() || !all_of(h.name, token_char) || !all_of(h.value, printable))
            continue;
        if (iequals(h.name, "Authorization") || iequals(h.name, "Host") || iequals(h.name, "X-Sdk-Date") ||
            iequals(h.name, "X-Security-Token") || iequals(h.name, "X-Sdk-Content-Sha256"))
            continue;
        const bool dup = std::any_of(s.headers.begin(), s.headers.end(), [&](const auth::header& o) {
            return iequals(o.name, h.name);
        });
        if (!dup)
            s.headers.push_back(h);
    }
    s.body = in.body;
    const auth::credentials creds{"FUZZACCESSKEY0000001", "fuzz-secret", ""};
    const auto out = auth::sign(s, creds, now);

    auth::verify_input v;
    v.method = s.method;
    v.target = out.target;
    v.headers = out.headers;
    v.body = s.body;
    const auto secret_for = [](std::string_view ak) -> std::optional<std::string> {
        if (ak == "FUZZACCESSKEY0000001")
            return std::string("fuzz-secret");
        return std::nullopt;
    };
    const auto status = auth::verify(v, secret_for, now);
    if (status != auth::verify_status::ok)
    {
        std::fprintf(stderr, "verify: %s\ntarget: %s\n", auth::to_string(status), out.target.c_str());
        drsmon::fuzz::fail("a request signed by sign() does not verify");
    }
    const auto parsed = auth::parse_authorization(out.authorization);
    DRSMON_FUZZ_CHECK(parsed && parsed->access_key == creds.access_key && parsed->signature == out.signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace auth = drsmon::auth;
    const auto lines = drsmon::fuzz::split(drsmon::fuzz::as_view(data, size), '\n', 32);

    auth::verify_input in;
    in.method = std::string(drsmon::fuzz::field(lines, 0));
    in.target = std::string(drsmon::fuzz::field(lines, 1));
    in.body = drsmon::fuzz::field(lines, 2);
    for (std::size_t i = 3; i < lines.size(); ++i)
    {
        const auto colon = lines[i].find(':');
        auth::header h;
        h.name = std::string(lines[i].substr(0, colon));
        if (colon != std::string_view::npos)
            h.value = std::string(lines[i].substr(colon + 1));
        if (h.name == "Authorization" || h.name == "authorization")
        {
            if (const auto p = auth::parse_authorization(h.value))
            {
                DRSMON_FUZZ_CHECK(
                    !p->access_key.empty() && !p->signature.empty() && !p->signed_headers.empty()
                );
                for (const auto& name : p->signed_headers)
                    for (const char c : name)
                        DRSMON_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
            }
        }
        in.headers.push_back(std::move(h));
    }

    const drsmon::core::wall_time now{std::chrono::seconds(1'700'000'000)};
    const auto secret_for = [](std::string_view ak) -> std::optional<std::string> {
        if (ak == "FUZZACCESSKEY0000001")
            return std::string("fuzz-secret");
        return std::nullopt;
    };
    (void)auth::to_string(auth::verify(in, secret_for, now));
    check_round_trip(in, now);
    (void)auth::parse_sdk_date(drsmon::fuzz::field(lines, 0));
    (void)auth::percent_decode(in.target);
    (void)auth::canonical_uri(in.target);
    return 0;
}
