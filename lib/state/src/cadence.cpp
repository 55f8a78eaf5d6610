#include "drsmon/state/cadence.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace drsmon::state {

namespace {

// Phases in which neither progress nor delay can move; the job waits for an operator or a
// schedule. Failed statuses (ending in _FAILED) belong here too.
constexpr std::array<std::string_view, 6> waiting{
    "CREATING",
    "CONFIGURATION",
    "WAITING_FOR_START",
    "PAUSING",
    "PAUSEING",  // the spelling of one documentation page
    "CHILD_TRANSFER_COMPLETE",
};

constexpr std::array<std::string_view, 3> ended{
    "RELEASE_RESOURCE_COMPLETE",
    "DELETED",
    "RELEASE_CHILD_TRANSFER_COMPLETE",
};

bool one_of(std::string_view s, const auto& set) noexcept
{
    return std::find(set.begin(), set.end(), s) != set.end();
}

}  // namespace

cadence cadence_of(const job_state& s) noexcept
{
    if (one_of(s.status, ended))
        return cadence::finished;
    // A full-only migration ends when its full phase completes; others go on to incremental.
    if (s.status == "FULL_TRANSFER_COMPLETE" && s.metadata.task_type == "FULL_TRANS")
        return cadence::finished;
    if (s.status.empty() || one_of(s.status, waiting) || is_failed_status(s.status))
        return cadence::watch;
    return cadence::transfer;
}

const char* to_string(cadence c) noexcept
{
    static constexpr std::array<const char*, cadence_count> names{"transfer", "watch", "finished"};
    const auto i = static_cast<std::size_t>(c);
    return i < names.size() ? names[i] : names[0];
}

std::chrono::milliseconds staleness_limit(
    const job_state& s,
    std::chrono::milliseconds max_staleness,
    std::chrono::milliseconds finished_interval
) noexcept
{
    return cadence_of(s) == cadence::finished ? max_staleness + finished_interval : max_staleness;
}

}  // namespace drsmon::state
