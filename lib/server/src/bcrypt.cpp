#include "drsmon/server/bcrypt.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <cstring>
#include <memory>
#include <string>

namespace drsmon::server {

bool is_bcrypt_hash(std::string_view hash) noexcept
{
    // $2b$10$ + 22 salt characters + 31 hash characters.
    if (hash.size() != 60 ||
        !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")))
        return false;
    if (hash[6] != '$' || hash[4] < '0' || hash[4] > '3' || hash[5] < '0' || hash[5] > '9')
        return false;
    const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
    if (cost < 4 || cost > 31)
        return false;
    for (char c : hash.substr(7))
    {
        const bool alphabet = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                              c == '.' || c == '/';
        if (!alphabet)
            return false;
    }
    return true;
}

bool verify_bcrypt(std::string_view password, std::string_view hash)
{
    // crypt() takes C strings: an embedded NUL would silently truncate the password.
    if (!is_bcrypt_hash(hash) || password.find('\0') != std::string_view::npos)
        return false;
    const std::string pw(password);
    const std::string setting(hash);
    // crypt_data is about 32 KiB: keep it off the coroutine's stack.
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
    bool ok = out != nullptr && out[0] != '*' && std::strlen(out) == hash.size() &&
              CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
    // The buffer held material derived from the password.
    OPENSSL_cleanse(data.get(), sizeof(crypt_data));
    return ok;
}

}  // namespace drsmon::server
