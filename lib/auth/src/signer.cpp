#include "drsmon/auth/signer.hpp"

#include "find_header.hpp"

#include <algorithm>

namespace drsmon::auth {

std::string format_authorization(
    std::string_view access_key,
    std::string_view signed_headers,
    std::string_view signature
)
{
    std::string out;
    out.reserve(algorithm.size() + access_key.size() + signed_headers.size() + signature.size() + 40);
    out += algorithm;
    out += " Access=";
    out += access_key;
    out += ", SignedHeaders=";
    out += signed_headers;
    out += ", Signature=";
    out += signature;
    return out;
}

signature_parts compute_signature(const signature_input& in, std::string_view secret_key)
{
    std::string canonical_headers;
    std::string signed_list;
    for (const auto& name : in.signed_header_names)
    {
        const header* h = detail::find_header(in.headers, name);
        canonical_headers += name;
        canonical_headers.push_back(':');
        if (h)
            canonical_headers += core::trim(h->value);
        canonical_headers.push_back('\n');
        if (!signed_list.empty())
            signed_list.push_back(';');
        signed_list += name;
    }

    std::string payload_hash;
    if (in.body.empty())
        payload_hash = empty_payload_hash;
    else if (const header* h = detail::find_header(in.headers, "X-Sdk-Content-Sha256"))
        payload_hash = core::trim(h->value);
    else
        payload_hash = sha256_hex(in.body);

    signature_parts parts;
    std::string& creq = parts.canonical_request;
    for (char c : in.method)
        creq.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
    creq.push_back('\n');
    creq += canonical_uri(in.path);
    creq.push_back('\n');
    creq += in.canonical_query;
    creq.push_back('\n');
    creq += canonical_headers;
    creq.push_back('\n');
    creq += signed_list;
    creq.push_back('\n');
    creq += payload_hash;

    const header* date = detail::find_header(in.headers, "X-Sdk-Date");
    parts.string_to_sign = std::string(algorithm) + "\n" + std::string(date ? core::trim(date->value) : "") +
                           "\n" + sha256_hex(creq);
    parts.signature = hmac_sha256_hex(secret_key, parts.string_to_sign);
    return parts;
}

sign_output sign(const sign_input& in, const credentials& creds, core::wall_time now)
{
    sign_output out;
    out.headers.reserve(in.headers.size() + 4);
    // An Authorization left over from an earlier attempt would otherwise be signed and sent twice.
    for (const auto& h : in.headers)
    {
        if (!core::iequals(h.name, "Authorization"))
            out.headers.push_back({h.name, std::string(core::trim(h.value))});
    }
    if (!detail::find_header(out.headers, "X-Sdk-Date"))
        out.headers.push_back({"X-Sdk-Date", format_sdk_date(now)});
    if (!detail::find_header(out.headers, "Host"))
        out.headers.push_back({"Host", in.host});
    if (!creds.security_token.empty() && !detail::find_header(out.headers, "X-Security-Token"))
        out.headers.push_back({"X-Security-Token", creds.security_token});

    // Gateways in front of the API drop header names with '_', so the SDK leaves them unsigned.
    std::vector<std::string> names;
    names.reserve(out.headers.size());
    for (const auto& h : out.headers)
    {
        if (h.name.find('_') == std::string::npos)
            names.push_back(core::lower(h.name));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());

    const std::string query = canonical_query(in.query);
    auto parts = compute_signature(
        {in.method, in.path, query, out.headers, names, in.body},
        creds.secret_key
    );

    for (const auto& n : names)
    {
        if (!out.signed_headers.empty())
            out.signed_headers.push_back(';');
        out.signed_headers += n;
    }
    out.canonical_request = std::move(parts.canonical_request);
    out.string_to_sign = std::move(parts.string_to_sign);
    out.signature = std::move(parts.signature);
    out.authorization = format_authorization(creds.access_key, out.signed_headers, out.signature);
    out.headers.push_back({"Authorization", out.authorization});
    // The wire query is exactly the canonical one; the path stays as given (no trailing '/').
    out.target = in.path;
    if (!query.empty())
    {
        out.target.push_back('?');
        out.target += query;
    }
    return out;
}

}  // namespace drsmon::auth
