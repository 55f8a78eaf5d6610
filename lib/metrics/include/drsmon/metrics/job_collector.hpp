#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/store.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace drsmon::metrics {

struct job_collector_options
{
    // When non-zero, a job whose last refresh is older than this at scrape time is rendered
    // as stale even before state::mark_stale has flagged it. Zero: only the stored flag counts.
    std::chrono::milliseconds max_staleness{0};
    // Finished jobs are polled this much less often: their limit is max_staleness plus this
    // (state::staleness_limit).
    std::chrono::milliseconds finished_interval{0};
};

// Renders the state store at scrape time as Prometheus text (exposition format 0.0.4): the
// drs_job_*, drs_async_batch_jobs and drs_monitor_jobs families, built from the current contents,
// so erased jobs disappear and absent values are simply not emitted (never NaN). A stale job
// keeps only drs_job_info, drs_job_stale (1) and drs_job_last_refresh_timestamp_seconds.
//
// The text is written directly (no prometheus::MetricFamily objects): at 10,000 jobs the
// exposition is tens of megabytes and building it through the client library's object model
// cost seconds. A rendering can be spread over several steps (pass) so that the thread owning
// the store can do other work in between. Must be used on the thread that owns the store.
class job_collector
{
public:
    job_collector(const state::store& store, const core::clock& clock, job_collector_options options = {});

    void set_options(job_collector_options options) { options_ = options; }

    // The number of families a pass can produce (one entry of pass::take per non-empty one).
    static constexpr std::size_t family_count = 53;

    // One rendering of the store. Each step renders the next jobs in key order after the last
    // one rendered, so the store may change between steps: a job erased before its turn is left
    // out, a job added behind the cursor waits for the next pass; every job's lines come from one
    // state. The pass refers to its collector and the store, which must outlive it.
    class pass
    {
    public:
        // Renders up to max_jobs more jobs (at least one). Returns true when every job is done.
        bool step(std::size_t max_jobs);

        // After step returned true: the exposition text of every non-empty family, HELP and
        // TYPE lines included, in exposition order. Leaves the pass empty.
        std::vector<std::string> take();

        // store::generation() when the pass started.
        std::uint64_t generation() const noexcept { return generation_; }

        // The clock's time the pass renders for (staleness at scrape time is judged against it).
        core::wall_time rendered_at() const noexcept { return now_; }

        // The earliest time after which max_staleness would turn a job rendered as fresh stale
        // (the text of an unchanged store is valid until then); nullopt when that cannot happen.
        std::optional<core::wall_time> valid_until() const noexcept { return valid_until_; }

    private:
        friend class job_collector;
        explicit pass(const job_collector& owner);
        void render_job(const state::job_key& key, const state::job_state& s);
        // The DR health families of the job being rendered (job_collector_dr.cpp).
        void render_dr(const state::dr_state& d);
        // Starts a sample line of family `fam` (its header first when it is the family's first
        // line): the name, '{' and the job's identity labels. The caller adds labels and the end.
        std::string& line(std::size_t fam);

        const job_collector* owner_;
        std::uint64_t generation_;
        core::wall_time now_;
        std::optional<core::wall_time> valid_until_;
        std::optional<state::job_key> last_;
        bool done_ = false;
        std::array<std::string, family_count> samples_;
        std::string id_;  // `project="…",job_id="…"` of the job being rendered, escaped
        std::map<std::pair<std::string, std::string>, std::size_t> async_batches_;
        std::map<std::pair<std::string, std::string>, std::size_t> by_source_;
        std::map<std::pair<std::string, std::string>, std::size_t> by_cadence_;
    };

    // Starts a pass over the store as it is now.
    pass start() const { return pass(*this); }

    // Renders every job at once and returns the text of every non-empty family, concatenated.
    std::string render() const;

    // Hands back the strings a pass produced once they are no longer needed, so the next pass
    // writes into memory that is already mapped instead of faulting in tens of megabytes again.
    void recycle(std::vector<std::string> buffers) const;

private:
    const state::store& store_;
    const core::clock& clock_;
    job_collector_options options_;
    // Bytes per family of the previous pass, to reserve the buffers of the next one.
    mutable std::array<std::size_t, family_count> last_sizes_{};
    mutable std::vector<std::string> spare_;  // recycled buffers, emptied, capacity kept
};

}  // namespace drsmon::metrics
