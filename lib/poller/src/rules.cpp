#include "drsmon/drs_api/errors.hpp"
#include "drsmon/poller/rules.hpp"
#include "drsmon/state/cadence.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace drsmon::poller {

bool wants_precheck(const state::job_state& s) noexcept
{
    if (s.status == "CONFIGURATION" || s.status == "CREATING")
        return true;
    return s.precheck.present && !s.precheck.complete;
}

bool wants_init(const state::job_state& s) noexcept
{
    if (s.metadata.db_use_type != "cloudDataGuard")
        return false;
    if (s.status.empty() || s.status == "CONFIGURATION" || s.status == "CREATING" ||
        drs_api::is_terminal_status(s.status))
        return false;
    if (s.init.empty())
        return true;
    return std::any_of(s.init.begin(), s.init.end(), [](const auto& kv) { return !kv.second.complete(); });
}

bool wants_progress(const state::job_state& s, bool was_transferring, bool never_read) noexcept
{
    const auto c = state::cadence_of(s);
    if (c == state::cadence::transfer || was_transferring)
        return true;
    return never_read && c == state::cadence::watch && !s.status.empty() && s.status != "CONFIGURATION" &&
           s.status != "CREATING";
}

bool status_due(
    const state::job_state& s,
    const round_clock& c,
    std::optional<core::wall_time> last_check
) noexcept
{
    const auto within = [&](std::optional<core::wall_time> at) {
        return at && c.now - *at < c.finished_interval - c.poll_interval / 2;
    };
    if (s.last_refresh && *s.last_refresh >= c.started && within(last_check))
        return false;
    if (state::cadence_of(s) == state::cadence::finished)
        return !within(s.last_refresh);
    return true;
}

std::optional<drs_api::struct_object_type> detail_type(std::string_view lowered) noexcept
{
    using t = drs_api::struct_object_type;
    // batch-struct-process reports TABLE_INDEX; the listing's path segment is table_indexs (sic).
    static constexpr std::array<std::pair<std::string_view, t>, 10> types{{
        {"database", t::database},
        {"schema", t::schema},
        {"table", t::table},
        {"view", t::view},
        {"procedure", t::procedure},
        {"trigger", t::trigger},
        {"index", t::index},
        {"table_index", t::table_indexs},
        {"table_indexs", t::table_indexs},
        {"table_structure", t::table_structure},
    }};
    for (const auto& [name, type] : types)
        if (name == lowered)
            return type;
    return std::nullopt;
}

}  // namespace drsmon::poller
