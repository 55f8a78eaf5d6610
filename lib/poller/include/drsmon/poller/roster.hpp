#pragma once

#include "drsmon/state/job_state.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace drsmon::poller {

// Which jobs one project polls, and where each came from: the configured IDs, the jobs listed
// under the configured async batches, the jobs discovery found, minus the jobs the API said do
// not exist: configured ones are "missing" (kept, re-checked by batch-detail until they exist),
// the others "gone" (until reload).
// Pure bookkeeping; the poller's shell owns one per project.
class job_roster
{
public:
    explicit job_roster(std::vector<std::string> configured);

    bool configured(std::string_view id) const;
    bool gone(std::string_view id) const;
    // Marks `id` as gone (not polled again until reload). False when it already was.
    bool mark_gone(const std::string& id);

    // A configured job the API said does not exist: left out of ids(), listed by missing_ids().
    // mark_missing is false when it already was missing, clear_missing when it was not.
    bool mark_missing(const std::string& id);
    bool clear_missing(std::string_view id);
    bool missing(std::string_view id) const { return missing_.contains(id); }
    // The missing jobs in ID order (batch-detail asks about them every detail_interval).
    std::vector<std::string> missing_ids() const;

    // True when a listing of a configured async batch names `id`.
    bool in_async_batch(std::string_view id) const { return async_.contains(id); }
    // Records that a listing of async batch `batch_id` names `id`.
    void add_async(const std::string& id, const std::string& batch_id);
    // Forgets the jobs that a complete listing of `batch_id` (`members`) no longer names, and
    // returns them in ID order.
    std::vector<std::string> retire_async(std::string_view batch_id, const std::set<std::string>& members);

    // Records that discovery found `id` (a child of `parent_id` when that is not empty).
    void add_discovered(const std::string& id, const std::string& parent_id);
    // Forgets a discovered job. False when discovery had not found it.
    bool remove_discovered(std::string_view id);
    bool discovered(std::string_view id) const { return discovered_.contains(id); }

    // Every job to poll: the configured ones in configuration order, then the async ones in ID
    // order, then the discovered ones in ID order; gone and missing ones left out, none twice.
    std::vector<std::string> ids() const;

    // The state a job starts with before any API has answered for it: its async batch and parent,
    // and as source `config` when it is configured (config wins), else `async_batch` when an async
    // batch lists it, else `discovery`.
    state::job_state new_job(const std::string& id) const;

private:
    std::vector<std::string> configured_order_;
    std::unordered_set<std::string> configured_;
    std::map<std::string, std::string, std::less<>> async_;       // job id -> async batch id
    std::map<std::string, std::string, std::less<>> discovered_;  // job id -> parent id
    std::set<std::string, std::less<>> gone_;
    std::set<std::string, std::less<>> missing_;
};

// What the monitor keeps of a configured job the API reports as not found (`code`): its identity
// (the stored metadata, if any, and source) and the API's code as its per-job error; no status,
// progress or other observation, which would describe a job that does not exist.
state::job_state missing_job(
    const job_roster& roster,
    const std::string& id,
    const state::job_state* stored,
    std::string_view code
);
// True when `stored` does not yet say that the API reported `code` for it: job_not_found is due.
bool newly_not_found(const state::job_state* stored, std::string_view code) noexcept;

}  // namespace drsmon::poller
