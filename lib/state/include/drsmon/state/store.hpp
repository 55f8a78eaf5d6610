#pragma once

#include "drsmon/state/job_state.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace drsmon::state {

// All known jobs, keyed and ordered by job_key. Not thread-safe: it lives on the single
// io_context thread, and the metrics renderer runs on that thread too.
class store
{
public:
    using entry = std::pair<job_key, job_state>;

    store() = default;
    store(const store& other);
    store& operator=(const store& other);
    store(store&&) noexcept = default;
    store& operator=(store&&) noexcept = default;

    // Inserts or replaces the state of `key`. Returns true (and bumps generation()) when
    // the stored value changed.
    bool upsert(const job_key& key, job_state state);

    // Moves the last_refresh of a stored job to `at` in place (bumps generation() when it moved)
    // when pred(const job_state&) holds: the one in-place change, for observations that confirm
    // the stored state. False, changing nothing, when the job is unknown or pred is false.
    template <class Pred>
    bool refresh_if(std::string_view project, std::string_view job_id, core::wall_time at, Pred&& pred)
    {
        job_state* s = lookup(project, job_id);
        if (!s || !pred(static_cast<const job_state&>(*s)))
            return false;
        if (s->last_refresh != at)
        {
            s->last_refresh = at;
            ++generation_;
        }
        return true;
    }

    // Removes `key`. Returns true (and bumps generation()) when it was present.
    bool erase(const job_key& key);

    // Removes every job. Bumps generation() when anything was removed.
    void clear();

    // The state of `key`, or nullptr. The pointer is valid until the next upsert/erase.
    const job_state* find(const job_key& key) const { return find(key.project, key.job_id); }
    // The same without building a job_key (a hash lookup, no allocation).
    const job_state* find(std::string_view project, std::string_view job_id) const;

    // Calls f(const job_key&, const job_state&) for every job, in key order.
    template <class F>
    void for_each(F&& f) const
    {
        for (const auto& [k, s] : jobs_)
            f(k, s);
    }

    // Calls f(const job_key&, const job_state&) for at most max_jobs jobs whose key comes after
    // `after` (from the first job when null), in key order. Returns how many were visited, so a
    // caller can walk the store in slices and let it change in between.
    template <class F>
    std::size_t for_each_after(const job_key* after, std::size_t max_jobs, F&& f) const
    {
        auto it = after ? jobs_.upper_bound(*after) : jobs_.begin();
        std::size_t n = 0;
        for (; it != jobs_.end() && n < max_jobs; ++it, ++n)
            f(it->first, it->second);
        return n;
    }

    // A copy of every job, sorted by key.
    std::vector<entry> snapshot() const;

    std::vector<job_key> keys() const;
    std::size_t size() const noexcept { return jobs_.size(); }
    bool empty() const noexcept { return jobs_.empty(); }

    // Number of jobs per project.
    std::map<std::string, std::size_t> count_by_project() const;

    // Number of jobs per (project, source).
    std::map<std::pair<std::string, std::string>, std::size_t> count_by_project_and_source() const;

    // Incremented on every change; cheap to compare for "anything new?".
    std::uint64_t generation() const noexcept { return generation_; }

private:
    // The ordered map keeps the key order of for_each/snapshot/keys; lookups go through a hash
    // index of views into its (node-stable) keys.
    //
    // A key as the index sees it: views into the map node's key (or the caller's strings for a
    // lookup) and their hash, computed once. The table walks a bucket by the stored hashes and
    // compares strings only on a hash match, so a lookup reads no other job's key (each read is a
    // cache miss at 10,000 jobs).
    struct key_ref
    {
        key_ref(std::string_view p, std::string_view j) noexcept;

        std::string_view project;
        std::string_view job_id;
        std::size_t hash;

        friend bool operator==(const key_ref& a, const key_ref& b) noexcept
        {
            return a.hash == b.hash && a.job_id == b.job_id && a.project == b.project;
        }
    };
    struct key_ref_hash
    {
        std::size_t operator()(const key_ref& k) const noexcept { return k.hash; }
    };

    job_state* lookup(std::string_view project, std::string_view job_id) const;
    void rebuild_index();

    std::map<job_key, job_state> jobs_;
    std::unordered_map<key_ref, job_state*, key_ref_hash> index_;
    std::uint64_t generation_ = 0;
};

}  // namespace drsmon::state
