#include "drsmon/state/store.hpp"

namespace drsmon::state {

bool store::upsert(const job_key& key, job_state state)
{
    auto it = jobs_.find(key);
    if (it == jobs_.end())
    {
        jobs_.emplace(key, std::move(state));
    }
    else
    {
        if (it->second == state)
            return false;
        it->second = std::move(state);
    }
    ++generation_;
    return true;
}

bool store::erase(const job_key& key)
{
    if (jobs_.erase(key) == 0)
        return false;
    ++generation_;
    return true;
}

void store::clear()
{
    if (jobs_.empty())
        return;
    jobs_.clear();
    ++generation_;
}

const job_state* store::find(const job_key& key) const
{
    auto it = jobs_.find(key);
    return it == jobs_.end() ? nullptr : &it->second;
}

std::vector<store::entry> store::snapshot() const { return {jobs_.begin(), jobs_.end()}; }

std::vector<job_key> store::keys() const
{
    std::vector<job_key> out;
    out.reserve(jobs_.size());
    for (const auto& kv : jobs_)
        out.push_back(kv.first);
    return out;
}

std::map<std::string, std::size_t> store::count_by_project() const
{
    std::map<std::string, std::size_t> out;
    for (const auto& kv : jobs_)
        ++out[kv.first.project];
    return out;
}

std::map<std::pair<std::string, std::string>, std::size_t> store::count_by_project_and_source() const
{
    std::map<std::pair<std::string, std::string>, std::size_t> out;
    for (const auto& [k, s] : jobs_)
        ++out[{k.project, s.source}];
    return out;
}

}  // namespace drsmon::state
