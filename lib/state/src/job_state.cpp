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
    // Field by field, without copying: status_changed_at, status_changes, last_refresh,
    // last_change and stale are the monitor's bookkeeping and take no part.
    return !(
        a.metadata == b.metadata && a.status == b.status && a.progress_ratio == b.progress_ratio &&
        a.phases == b.phases && a.delay_seconds == b.delay_seconds &&
        a.remaining_seconds == b.remaining_seconds && a.precheck == b.precheck && a.init == b.init &&
        a.node == b.node && a.collect == b.collect && a.dr == b.dr && a.api_error == b.api_error &&
        a.listed_error == b.listed_error && a.source == b.source
    );
}

}  // namespace drsmon::state
