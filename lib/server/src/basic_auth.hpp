#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>

namespace drsmon::server::detail {

// Basic-auth check against bcrypt hashes, with a cache of successful verifications keyed by a
// SHA-256 of user, password and stored hash (as exporter-toolkit does), so a scrape every few
// seconds does not pay a bcrypt each time. The cache never holds a password, only digests.
class basic_auth
{
public:
    explicit basic_auth(std::map<std::string, std::string> users);

    // True when no users are configured (every request passes).
    bool disabled() const noexcept { return users_.empty(); }

    // True when the Authorization header value carries a configured user and its password.
    bool check(std::string_view authorization);

    // Successful verifications currently cached (for tests).
    std::size_t cached() const noexcept { return cache_.size(); }

private:
    static constexpr std::size_t max_cached = 1024;

    std::map<std::string, std::string, std::less<>> users_;
    std::unordered_set<std::string> cache_;
};

}  // namespace drsmon::server::detail
