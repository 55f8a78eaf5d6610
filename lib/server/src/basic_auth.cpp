#include "drsmon/core/text.hpp"
#include "drsmon/server/bcrypt.hpp"

#include "basic_auth.hpp"
#include "detail.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>

namespace drsmon::server::detail {

namespace {

std::string cache_key(std::string_view user, std::string_view password, std::string_view hash)
{
    std::string material;
    material.reserve(user.size() + password.size() + hash.size() + 2);
    material.append(user).append(1, '\0').append(password).append(1, '\0').append(hash);
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest.data());
    OPENSSL_cleanse(material.data(), material.size());
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace

basic_auth::basic_auth(std::map<std::string, std::string> users) : users_(users.begin(), users.end()) {}

bool basic_auth::check(std::string_view authorization)
{
    auto credentials = parse_basic_auth(authorization);
    if (!credentials)
        return false;
    auto& [user, password] = *credentials;
    const auto it = users_.find(user);
    // An unknown user still pays one bcrypt against a configured hash, so response times do
    // not reveal which user names exist.
    const std::string& hash = it != users_.end() ? it->second : users_.begin()->second;
    const std::string key = cache_key(user, password, hash);
    bool ok = false;
    if (it != users_.end() && cache_.contains(key))
        ok = true;
    else
    {
        ok = verify_bcrypt(password, hash) && it != users_.end();
        if (ok)
        {
            if (cache_.size() >= max_cached)
                cache_.clear();
            cache_.insert(key);
        }
    }
    OPENSSL_cleanse(password.data(), password.size());
    return ok;
}

std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view authorization)
{
    constexpr std::string_view scheme = "basic ";
    if (authorization.size() <= scheme.size() ||
        !core::iequals(authorization.substr(0, scheme.size()), scheme))
        return std::nullopt;
    const std::string_view encoded = core::trim(authorization.substr(scheme.size()), " ");
    if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096)
        return std::nullopt;

    std::string decoded(encoded.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(
        reinterpret_cast<unsigned char*>(decoded.data()),
        reinterpret_cast<const unsigned char*>(encoded.data()),
        static_cast<int>(encoded.size())
    );
    if (n < 0)
        return std::nullopt;
    // EVP_DecodeBlock keeps the bytes that padding stands for: drop one per '='.
    std::size_t size = static_cast<std::size_t>(n);
    if (encoded.ends_with("=="))
        size -= 2;
    else if (encoded.ends_with("="))
        size -= 1;
    decoded.resize(size);
    const auto colon = decoded.find(':');
    if (colon == std::string::npos)
    {
        OPENSSL_cleanse(decoded.data(), decoded.size());
        return std::nullopt;
    }
    std::pair<std::string, std::string> out{decoded.substr(0, colon), decoded.substr(colon + 1)};
    OPENSSL_cleanse(decoded.data(), decoded.size());
    return out;
}

}  // namespace drsmon::server::detail
