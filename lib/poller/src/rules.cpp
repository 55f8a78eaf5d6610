#include "drsmon/core/text.hpp"
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

std::string applicability_key(const state::job_state& s)
{
    return s.metadata.db_use_type + '|' + s.metadata.task_type + '|' + s.status;
}

bool same_applicability(const state::job_state& s, std::string_view key) noexcept
{
    // applicability_key(s) == key, piece by piece at the key's fixed offsets.
    const std::string_view parts[] = {s.metadata.db_use_type, s.metadata.task_type, s.status};
    std::size_t at = 0;
    for (std::size_t i = 0; i < std::size(parts); ++i)
    {
        if (i > 0)
        {
            if (at >= key.size() || key[at] != '|')
                return false;
            ++at;
        }
        if (key.substr(at, parts[i].size()) != parts[i])
            return false;
        at += parts[i].size();
    }
    return at == key.size();
}

bool is_dr_job(const state::job_state& s) noexcept
{
    return s.metadata.db_use_type == "cloudDataGuard" || core::iequals(s.metadata.task_type, "DR");
}

namespace {

// Before or during DR initialisation, or released: RPO and DR monitoring have nothing to say.
bool before_or_after_dr(std::string_view status) noexcept
{
    static constexpr std::string_view early[] = {
        "",
        "CREATING",
        "CREATE_FAILED",
        "CONFIGURATION",
        "STARTJOBING",
        "WAITING_FOR_START",
        "START_JOB_FAILED",
        "FULL_TRANSFER_STARTED",
        "FULL_TRANSFER_FAILED",
    };
    for (auto e : early)
    {
        if (status == e)
            return true;
    }
    return status.starts_with("RELEASE_RESOURCE_") || drs_api::is_terminal_status(status);
}

bool paused(std::string_view status) noexcept { return status == "PAUSING" || status == "PAUSEING"; }

}  // namespace

bool wants_dr(const state::job_state& s) noexcept
{
    if (!is_dr_job(s) || before_or_after_dr(s.status))
        return false;
    return s.dr.dr_not_applicable.empty() || !same_applicability(s, s.dr.dr_not_applicable);
}

bool wants_components(const state::job_state& s) noexcept
{
    const bool incremental = s.status == "INCRE_TRANSFER_STARTED" || s.status == "INCRE_TRANSFER_FAILED" ||
                             (paused(s.status) && s.delay_seconds.has_value());
    if (!incremental)
        return false;
    return s.dr.components_not_applicable.empty() || !same_applicability(s, s.dr.components_not_applicable);
}

bool wants_actions(const state::job_state& s) noexcept
{
    if (!s.dr.current_action.empty())
        return true;
    return is_dr_job(s) && !s.status.empty() && s.status != "CONFIGURATION" && s.status != "CREATING" &&
           !drs_api::is_terminal_status(s.status) && !s.status.starts_with("RELEASE_RESOURCE_");
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
