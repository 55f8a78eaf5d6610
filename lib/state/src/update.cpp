#include "drsmon/state/cadence.hpp"
#include "drsmon/state/update.hpp"

namespace drsmon::state {

std::vector<event> apply_update(store& s, const job_key& key, job_state next, core::wall_time now)
{
    const job_state* before = s.find(key);
    if (!before)
    {
        next.status_changes = 0;
        next.status_changed_at = next.status.empty() ? std::nullopt : std::optional<core::wall_time>(now);
        next.last_change = now;
        next.stale = false;
    }
    else
    {
        const bool status_changed = next.status != before->status && !next.status.empty();
        next.status_changes = before->status_changes;
        next.status_changed_at = before->status_changed_at;
        if (status_changed)
        {
            if (!before->status.empty())
                ++next.status_changes;
            next.status_changed_at = now;
        }
        else if (next.status.empty())
        {
            // A partial observation without status keeps the known one.
            next.status = before->status;
        }
        next.last_change = domain_differs(next, *before) ? std::optional<core::wall_time>(now)
                                                         : before->last_change;
        next.stale = before->stale;
        if (next.stale && next.last_refresh &&
            (!before->last_refresh || *next.last_refresh > *before->last_refresh))
            next.stale = false;
    }
    auto events = diff(before, &next, key, now);
    s.upsert(key, std::move(next));
    return events;
}

bool confirms_status(const job_state& before, std::string_view status, const api_error_state& error) noexcept
{
    return !before.stale && (status.empty() || status == before.status) && before.api_error == error;
}

std::vector<event> remove_job(store& s, const job_key& key, core::wall_time now)
{
    const job_state* before = s.find(key);
    if (!before)
        return {};
    auto events = diff(before, nullptr, key, now);
    s.erase(key);
    return events;
}

std::vector<event> mark_stale(
    store& s,
    core::wall_time now,
    std::chrono::milliseconds max_staleness,
    std::chrono::milliseconds finished_interval
)
{
    // Runs after every status round: find the few jobs whose flag turns without copying every key.
    std::vector<job_key> turning;
    s.for_each([&](const job_key& key, const job_state& st) {
        if (st.last_refresh &&
            (now - *st.last_refresh > staleness_limit(st, max_staleness, finished_interval)) != st.stale)
            turning.push_back(key);
    });
    std::vector<event> events;
    for (const auto& key : turning)
    {
        const job_state* before = s.find(key);
        const bool should_be_stale = !before->stale;
        job_state next = *before;
        next.stale = should_be_stale;
        auto e = diff(before, &next, key, now);
        events.insert(events.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
        s.upsert(key, std::move(next));
    }
    return events;
}

}  // namespace drsmon::state
