#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/models.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/state/job_state.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::poller {

// How each DRS answer becomes job state: pure functions of the stored state and the parsed item,
// executed by the poller's coroutine shell (which owns the store, the calls and the events).

// What one item of an answer means for the job it names.
enum class verdict
{
    ignore,   // nothing to do: the API needs a stored job and there is none
    drop,     // the API says the job does not exist: it leaves the monitor until reload
    refresh,  // it confirms the stored state: only last_refresh moves (when the store agrees)
    keep,     // it repeats the stored values: nothing to store
    apply,    // the job changes: apply() the item to the current state and store the result
};

struct judgement
{
    constexpr judgement(verdict k, std::string_view c = {}) noexcept : kind(k), code(c) {}
    verdict kind;
    std::string_view code;  // verdict::drop: the DRS code (or status) that said the job is gone
};

// One batch API as a row of the generic batch round: how to ask for a batch of job IDs and how to
// read the answer (its results[] items). What an item does to its job is the overload pair below
// for the item's type:
//  - judge(stored, item) decides from the stored state (nullptr: the job is not stored yet);
//  - apply_item(s, item, now) applies the item to `s` (the stored state, or a new job's) for
//    verdict::apply.
template <class Response>
struct batch_observation
{
    using item_type = typename decltype(Response::results)::value_type;
    drs_api::request_spec (*request)(std::string_view project_id, std::span<const std::string> job_ids);
    core::result<Response> (*parse)(std::string_view body);
};

// The job an item of a batch answer names (the APIs spell it `id` or `job_id`).
template <class Item>
auto& job_id_of(Item& item) noexcept
{
    if constexpr (requires { item.job_id; })
        return item.job_id;
    else
        return item.id;
}

// A per-item error as stored: the code ("unknown" when only a message came) and the message cut
// to 160 bytes (free text: never a label).
state::api_error_state to_api_error(const std::optional<drs_api::item_error>& e);

// ---- batch-status: creates jobs, drops unknown and DELETED ones, refreshes the rest
judgement judge(const state::job_state* stored, const drs_api::job_status& item);
void apply_item(state::job_state& s, const drs_api::job_status& item, core::wall_time now);

// ---- batch-progress: stored jobs only; progress equal to the stored values is kept. An answer
// that carries the job's status (transfer_status) also stands for a status observation: it moves
// the status, the per-item error and last_refresh (refresh when all repeat the stored values), and
// a DELETED status drops the job.
judgement judge(const state::job_state* stored, const drs_api::job_progress& item);
void apply_item(state::job_state& s, const drs_api::job_progress& item, core::wall_time now);
// True when apply_progress_snapshot(s, p) would leave s as it is.
bool same_progress(const state::job_state& s, const drs_api::progress_snapshot& p);
// Ratio, delay, remaining time and the completed phases. An unchanged phase map stays shared
// with the stored state (cheap to compare and to copy).
void apply_progress_snapshot(state::job_state& s, const drs_api::progress_snapshot& p);

// ---- batch-detail: names and metadata; drops unknown jobs
judgement judge(const state::job_state* stored, const drs_api::job_detail& item);
void apply_item(state::job_state& s, const drs_api::job_detail& item, core::wall_time now);

// ---- batch-precheck-result: stored jobs only; a per-item error replaces the result
judgement judge(const state::job_state* stored, const drs_api::job_precheck& item);
void apply_item(state::job_state& s, const drs_api::job_precheck& item, core::wall_time now);
// The API's `result` is false until the pre-check ends: while it runs, whether it passed is not
// known (absent), otherwise a running pre-check would show as failed.
void apply_precheck_summary(state::job_state& s, const drs_api::precheck_summary& p);

// ---- batch-struct-process: stored jobs only; object types lowercased
judgement judge(const state::job_state* stored, const drs_api::job_struct_process& item);
void apply_item(state::job_state& s, const drs_api::job_struct_process& item, core::wall_time now);

// ---- batch-struct-detail: object details of DR initialisation, paged across a batch of jobs

// Per job: how many listed objects are complete (progress 100%) and how many are not.
struct init_detail_counts
{
    std::int64_t complete = 0;
    std::int64_t in_progress = 0;
    friend bool operator==(const init_detail_counts&, const init_detail_counts&) = default;
};

// Tallies the pages of one object type for a batch of jobs. Paging counts items across the jobs
// of the batch: a job is done once it has listed total_record items or answered with an error;
// another page is needed while some job is not done and the last page listed anything.
class struct_detail_tally
{
public:
    static constexpr int per_page = 100;
    static constexpr int max_pages = 1000;

    explicit struct_detail_tally(std::span<const std::string> job_ids);

    // Counts one page (items of jobs outside the batch, or already done, are ignored). Returns
    // true when the next page should be read.
    bool add_page(const drs_api::batch_struct_detail_response& page);

    // Per job that answered without an error: its counts.
    std::map<std::string, init_detail_counts> result() const;

private:
    struct job_tally
    {
        init_detail_counts counts;
        std::int64_t seen = 0;
        bool done = false;
        bool failed = false;
    };
    std::map<std::string, job_tally, std::less<>> jobs_;
};

judgement judge_struct_detail(
    const state::job_state* stored,
    std::string_view type,
    const init_detail_counts& counts
);
void apply_struct_detail(state::job_state& s, std::string_view type, const init_detail_counts& counts);

// ---- v5 batch-async-jobs: jobs created together, each with its detail

// Fills what the v5 detail reports (an empty or absent field keeps the stored value) and the
// batch the job belongs to. Node utilisations arrive as ratios already.
void apply_v5(
    state::job_state& s,
    const drs_api::v5_job_detail& job,
    std::string_view async_job_id,
    core::wall_time now
);

// Paging through an offset/limit listing: until a page comes back empty, total_count is
// reached, or max_items were read (a bound against a listing that never ends).
class offset_pager
{
public:
    offset_pager(int limit, int max_items) : limit_(limit), max_items_(max_items) {}
    int offset() const noexcept { return offset_; }
    int limit() const noexcept { return limit_; }
    bool more() const noexcept { return more_; }
    void advance(std::size_t listed, std::optional<std::int64_t> total) noexcept;

private:
    int limit_;
    int max_items_;
    int offset_ = 0;
    bool more_ = true;
};

// ---- v5.1 db-objects collection

enum class collect_step
{
    none,    // not due
    poll,    // a collection is pending: read its status
    submit,  // due: start a new collection
};
// A pending collection with a query ID is followed first; otherwise a new one starts when due.
collect_step next_collect_step(const state::collect_state& c, bool due) noexcept;
void apply_collect_submit(
    state::job_state& s,
    const drs_api::collect_submit_response& r,
    core::wall_time now
);
void apply_collection_status(
    state::job_state& s,
    const drs_api::collection_status_response& r,
    core::wall_time now
);

}  // namespace drsmon::poller
