#include "drsmon/client/retry.hpp"

#include <algorithm>
#include <cmath>

namespace drsmon::client {

bool is_retryable(const core::error& e) noexcept
{
    switch (e.kind())
    {
    case core::errc::network:
    case core::errc::timeout:
    case core::errc::throttled: return true;
    case core::errc::http_status: return e.http_status >= 500 || e.http_status == 429 || e.http_status == 408;
    default: return false;
    }
}

std::chrono::milliseconds backoff_delay(
    const retry_policy& p,
    unsigned attempt,
    double random01,
    std::optional<std::chrono::seconds> retry_after
) noexcept
{
    using std::chrono::milliseconds;
    if (retry_after)
    {
        // Clamp in seconds first: a server-sent value can be large enough to
        // overflow a conversion to milliseconds.
        const auto cap = std::chrono::duration_cast<std::chrono::seconds>(p.max_retry_after);
        if (*retry_after >= cap)
            return p.max_retry_after;
        return std::max<milliseconds>(*retry_after, milliseconds(0));
    }
    const unsigned shift = std::min(attempt == 0 ? 0u : attempt - 1, 30u);
    const double cap = std::min(
        static_cast<double>(p.max_backoff.count()),
        static_cast<double>(p.initial_backoff.count()) * std::ldexp(1.0, static_cast<int>(shift))
    );
    const double r = std::clamp(random01, 0.0, 1.0);
    return milliseconds(static_cast<milliseconds::rep>(cap * r));
}

}  // namespace drsmon::client
