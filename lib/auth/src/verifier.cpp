#include "drsmon/auth/signer.hpp"
#include "drsmon/core/names.hpp"

#include "find_header.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace drsmon::auth {

namespace {

// Splits "name=value" after stripping surrounding blanks; empty name or value yields nothing.
bool split_field(std::string_view field, std::string_view& name, std::string_view& value)
{
    field = core::trim(field);
    auto eq = field.find('=');
    if (eq == std::string_view::npos)
        return false;
    name = core::trim(field.substr(0, eq));
    value = core::trim(field.substr(eq + 1));
    return !name.empty() && !value.empty();
}

// The query of a raw target as (key, value) pairs, percent-decoded. nullopt on a bad escape.
std::optional<std::vector<std::pair<std::string, std::string>>> decode_query(std::string_view query)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!query.empty())
    {
        auto amp = query.find('&');
        auto item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty())
            continue;
        auto eq = item.find('=');
        auto key = percent_decode(item.substr(0, eq));
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
        if (!key || !value)
            return std::nullopt;
        pairs.emplace_back(std::move(*key), std::move(*value));
    }
    return pairs;
}

}  // namespace

const char* to_string(verify_status s) noexcept
{
    static constexpr auto names = core::names<verify_status>({
        {verify_status::ok, "ok"},
        {verify_status::missing, "missing"},
        {verify_status::malformed, "malformed"},
        {verify_status::unknown_key, "unknown_key"},
        {verify_status::bad_signature, "bad_signature"},
        {verify_status::clock_skew, "clock_skew"},
    });
    return names.name(s);
}

std::optional<parsed_authorization> parse_authorization(std::string_view value)
{
    value = core::trim(value);
    if (value.size() <= algorithm.size() || value.substr(0, algorithm.size()) != algorithm ||
        value[algorithm.size()] != ' ')
        return std::nullopt;
    value.remove_prefix(algorithm.size() + 1);

    parsed_authorization out;
    bool have_access = false, have_signed = false, have_signature = false;
    while (!value.empty())
    {
        auto comma = value.find(',');
        auto field = value.substr(0, comma);
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        std::string_view name, content;
        if (!split_field(field, name, content))
            return std::nullopt;
        if (name == "Access" && !have_access)
        {
            out.access_key = std::string(content);
            have_access = true;
        }
        else if (name == "SignedHeaders" && !have_signed)
        {
            while (!content.empty())
            {
                const auto item = core::trim(core::pop_token(content, ";"));
                if (item.empty())
                    return std::nullopt;
                out.signed_headers.push_back(core::lower(item));
            }
            have_signed = true;
        }
        else if (name == "Signature" && !have_signature)
        {
            out.signature = std::string(content);
            have_signature = true;
        }
        else
        {
            // Unknown or repeated fields: the gateway's grammar has exactly these three.
            return std::nullopt;
        }
    }
    if (!have_access || !have_signed || !have_signature)
        return std::nullopt;
    return out;
}

verify_status verify(
    const verify_input& in,
    const std::function<std::optional<std::string>(std::string_view access_key)>& secret_for,
    core::wall_time now,
    std::chrono::seconds max_skew
)
{
    const header* auth_header = detail::find_header(in.headers, "Authorization");
    if (!auth_header)
        return verify_status::missing;
    auto parsed = parse_authorization(auth_header->value);
    if (!parsed)
        return verify_status::malformed;

    // Without a signed date a captured request could be replayed forever.
    if (std::find(parsed->signed_headers.begin(), parsed->signed_headers.end(), "x-sdk-date") ==
        parsed->signed_headers.end())
        return verify_status::malformed;
    const header* date_header = detail::find_header(in.headers, "X-Sdk-Date");
    if (!date_header)
        return verify_status::malformed;
    auto date = parse_sdk_date(core::trim(date_header->value));
    if (!date)
        return verify_status::malformed;
    for (const auto& name : parsed->signed_headers)
    {
        if (!detail::find_header(in.headers, name))
            return verify_status::malformed;
    }

    auto query_pos = in.target.find('?');
    std::string_view path = std::string_view(in.target).substr(0, query_pos);
    std::string_view raw_query = query_pos == std::string::npos
                                     ? std::string_view{}
                                     : std::string_view(in.target).substr(query_pos + 1);
    auto pairs = decode_query(raw_query);
    if (!pairs || path.empty())
        return verify_status::malformed;

    auto secret = secret_for(parsed->access_key);
    if (!secret)
        return verify_status::unknown_key;

    // Signers list names sorted; recompute over them in the order given, as the gateway does.
    const std::string query = canonical_query(std::move(*pairs));
    auto parts = compute_signature(
        {in.method, path, query, in.headers, parsed->signed_headers, in.body},
        *secret
    );
    if (parts.signature.size() != parsed->signature.size() ||
        CRYPTO_memcmp(parts.signature.data(), parsed->signature.data(), parts.signature.size()) != 0)
        return verify_status::bad_signature;

    const auto skew = *date > now ? *date - now : now - *date;
    if (skew > max_skew)
        return verify_status::clock_skew;
    return verify_status::ok;
}

}  // namespace drsmon::auth
