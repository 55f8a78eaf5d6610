#pragma once

#include <string_view>

namespace drsmon::server {

// True when hash is a bcrypt hash ($2a$, $2b$ or $2y$, cost 04..31, 60 characters).
bool is_bcrypt_hash(std::string_view hash) noexcept;

// True when password matches the bcrypt hash (through libcrypt's crypt_rn). Comparison is in
// constant time; any malformed hash is a mismatch. Costs about 2^cost bcrypt rounds: callers cache.
bool verify_bcrypt(std::string_view password, std::string_view hash);

}  // namespace drsmon::server
