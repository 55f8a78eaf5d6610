#include "drsmon/poller/roster.hpp"

#include <algorithm>

namespace drsmon::poller {

namespace {

// Erases `key` from an ordered container with a transparent comparator; true when it was there.
template <class Container>
bool erase_key(Container& c, std::string_view key)
{
    const auto it = c.find(key);
    if (it == c.end())
        return false;
    c.erase(it);
    return true;
}

}  // namespace

job_roster::job_roster(std::vector<std::string> configured)
    : configured_(configured.begin(), configured.end())
{
    configured_order_.reserve(configured.size());
    for (auto& id : configured)
        if (std::find(configured_order_.begin(), configured_order_.end(), id) == configured_order_.end())
            configured_order_.push_back(std::move(id));
}

bool job_roster::configured(std::string_view id) const { return configured_.contains(std::string(id)); }

bool job_roster::gone(std::string_view id) const { return gone_.contains(id); }

bool job_roster::mark_gone(const std::string& id) { return gone_.insert(id).second; }

bool job_roster::mark_missing(const std::string& id) { return missing_.insert(id).second; }

bool job_roster::clear_missing(std::string_view id) { return erase_key(missing_, id); }

std::vector<std::string> job_roster::missing_ids() const { return {missing_.begin(), missing_.end()}; }

void job_roster::add_async(const std::string& id, const std::string& batch_id) { async_[id] = batch_id; }

std::vector<std::string> job_roster::retire_async(
    std::string_view batch_id,
    const std::set<std::string>& members
)
{
    std::vector<std::string> out;
    for (auto it = async_.begin(); it != async_.end();)
    {
        if (it->second == batch_id && !members.contains(it->first))
        {
            out.push_back(it->first);
            it = async_.erase(it);
        }
        else
            ++it;
    }
    return out;
}

void job_roster::add_discovered(const std::string& id, const std::string& parent_id)
{
    discovered_[id] = parent_id;
}

bool job_roster::remove_discovered(std::string_view id) { return erase_key(discovered_, id); }

std::vector<std::string> job_roster::ids() const
{
    std::vector<std::string> out;
    out.reserve(configured_order_.size() + async_.size() + discovered_.size());
    for (const auto& id : configured_order_)
        if (!gone_.contains(id) && !missing_.contains(id))
            out.push_back(id);
    for (const auto& [id, batch] : async_)
        if (!gone_.contains(id) && !configured_.contains(id))
            out.push_back(id);
    for (const auto& [id, parent] : discovered_)
        if (!gone_.contains(id) && !configured_.contains(id) && !async_.contains(id))
            out.push_back(id);
    return out;
}

state::job_state job_roster::new_job(const std::string& id) const
{
    state::job_state s;
    const auto it = async_.find(id);
    if (it != async_.end())
    {
        s.metadata.async_job_id = it->second;
        if (!configured_.contains(id))
            s.source = std::string(state::source_async_batch);
    }
    const auto d = discovered_.find(id);
    if (d != discovered_.end())
    {
        s.metadata.parent_id = d->second;
        if (!configured_.contains(id) && it == async_.end())
            s.source = std::string(state::source_discovery);
    }
    return s;
}

state::job_state missing_job(
    const job_roster& roster,
    const std::string& id,
    const state::job_state* stored,
    std::string_view code
)
{
    state::job_state s = roster.new_job(id);
    if (stored)
        s.metadata = stored->metadata;
    s.api_error.code = std::string(code);
    s.api_error.message_short = "job not found by the API";
    return s;
}

bool newly_not_found(const state::job_state* stored, std::string_view code) noexcept
{
    return !stored || stored->api_error.code != code;
}

}  // namespace drsmon::poller
