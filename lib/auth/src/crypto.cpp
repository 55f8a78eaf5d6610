#include "drsmon/auth/signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

namespace drsmon::auth {

namespace {

std::string to_hex(const unsigned char* data, std::size_t n)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i)
    {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0f]);
    }
    return out;
}

constexpr std::size_t sha256_size = 32;
constexpr std::size_t sha256_block = 64;

std::string_view as_view(const unsigned char* p, std::size_t n)
{
    return {reinterpret_cast<const char*>(p), n};
}

// SHA-256 fetched once. EVP_sha256() and HMAC() make OpenSSL 3 look the algorithm up in its
// provider store on every call (a lock and a hash lookup) and HMAC() allocates a MAC context
// each time; with two digests and an HMAC per signed request that was most of the signing cost.
const EVP_MD* sha256_md()
{
    static EVP_MD* const md = [] {
        EVP_MD* m = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        if (!m)
            throw std::runtime_error("EVP_MD_fetch(SHA2-256) failed");
        return m;
    }();
    return md;
}

// One digest context per thread, reused.
EVP_MD_CTX* digest_context()
{
    struct holder
    {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        ~holder() { EVP_MD_CTX_free(ctx); }
    };
    thread_local holder h;
    if (!h.ctx)
        throw std::runtime_error("EVP_MD_CTX_new failed");
    return h.ctx;
}

// out (32 bytes) = SHA-256 of the parts, in order. OpenSSL fails here only on allocation
// failure: a bug-class condition.
void digest(std::initializer_list<std::string_view> parts, unsigned char* out)
{
    EVP_MD_CTX* ctx = digest_context();
    if (EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1)
        throw std::runtime_error("EVP_DigestInit_ex(SHA-256) failed");
    for (const auto part : parts)
        if (EVP_DigestUpdate(ctx, part.data(), part.size()) != 1)
            throw std::runtime_error("EVP_DigestUpdate(SHA-256) failed");
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != sha256_size)
        throw std::runtime_error("EVP_DigestFinal_ex(SHA-256) failed");
}

}  // namespace

std::string sha256_hex(std::string_view data)
{
    unsigned char md[sha256_size];
    digest({data}, md);
    return to_hex(md, sizeof md);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data)
{
    // RFC 2104 over the fetched digest: H((K ^ opad) || H((K ^ ipad) || data)), with K the key
    // (hashed first when longer than a block) zero-padded to one 64-byte block.
    unsigned char k[sha256_block]{};
    if (key.size() > sha256_block)
        digest({key}, k);
    else
        std::memcpy(k, key.data(), key.size());
    unsigned char ipad[sha256_block];
    unsigned char opad[sha256_block];
    for (std::size_t i = 0; i < sha256_block; ++i)
    {
        ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
        opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
    }
    unsigned char inner[sha256_size];
    digest({as_view(ipad, sizeof ipad), data}, inner);
    unsigned char md[sha256_size];
    digest({as_view(opad, sizeof opad), as_view(inner, sizeof inner)}, md);
    // The pads hold the secret key: do not leave it on the stack.
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(ipad, sizeof ipad);
    OPENSSL_cleanse(opad, sizeof opad);
    OPENSSL_cleanse(inner, sizeof inner);
    return to_hex(md, sizeof md);
}

}  // namespace drsmon::auth
