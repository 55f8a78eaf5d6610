#include "drsmon/state/job_state.hpp"

namespace drsmon::state {

std::size_t job_key_hash::operator()(const job_key& k) const noexcept
{
    const std::size_t h1 = std::hash<std::string>{}(k.project);
    const std::size_t h2 = std::hash<std::string>{}(k.job_id);
    // boost::hash_combine's mixing step, without pulling Boost.ContainerHash into the header.
    return h1 ^ (h2 + 0x9e3779b97f4a7c15ULL + (h1 << 6) + (h1 >> 2));
}

bool is_failed_status(std::string_view status) noexcept { return status.ends_with("_FAILED"); }

bool domain_differs(const job_state& a, const job_state& b)
{
    job_state x = a;
    // Align the bookkeeping fields so only domain fields take part in the comparison.
    x.status_changed_at = b.status_changed_at;
    x.status_changes = b.status_changes;
    x.last_refresh = b.last_refresh;
    x.last_change = b.last_change;
    x.stale = b.stale;
    return !(x == b);
}

}  // namespace drsmon::state
