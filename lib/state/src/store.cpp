#include "drsmon/state/store.hpp"

namespace drsmon::state {

store::store(const store& other) : jobs_(other.jobs_), generation_(other.generation_) { rebuild_index(); }

store& store::operator=(const store& other)
{
    if (this != &other)
    {
        jobs_ = other.jobs_;
        generation_ = other.generation_;
        rebuild_index();
    }
    return *this;
}

void store::rebuild_index()
{
    index_.clear();
    index_.reserve(jobs_.size());
    for (auto& [k, s] : jobs_)
        index_.emplace(key_ref{k.project, k.job_id}, &s);
}

store::key_ref::key_ref(std::string_view p, std::string_view j) noexcept : project(p), job_id(j)
{
    // As job_key_hash (std::hash of a string_view equals that of the std::string).
    const std::size_t h1 = std::hash<std::string_view>{}(p);
    const std::size_t h2 = std::hash<std::string_view>{}(j);
    hash = h1 ^ (h2 + 0x9e3779b97f4a7c15ULL + (h1 << 6) + (h1 >> 2));
}

bool store::upsert(const job_key& key, job_state state)
{
    auto found = index_.find(key_ref{key.project, key.job_id});
    if (found == index_.end())
    {
        auto it = jobs_.emplace(key, std::move(state)).first;
        // Views into the node's own key: valid as long as the node.
        index_.emplace(key_ref{it->first.project, it->first.job_id}, &it->second);
    }
    else
    {
        if (*found->second == state)
            return false;
        *found->second = std::move(state);
    }
    ++generation_;
    return true;
}

bool store::erase(const job_key& key)
{
    auto it = jobs_.find(key);
    if (it == jobs_.end())
        return false;
    index_.erase(key_ref{it->first.project, it->first.job_id});
    jobs_.erase(it);
    ++generation_;
    return true;
}

void store::clear()
{
    if (jobs_.empty())
        return;
    index_.clear();
    jobs_.clear();
    ++generation_;
}

job_state* store::lookup(std::string_view project, std::string_view job_id) const
{
    auto it = index_.find(key_ref{project, job_id});
    return it == index_.end() ? nullptr : it->second;
}

const job_state* store::find(std::string_view project, std::string_view job_id) const
{
    return lookup(project, job_id);
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
