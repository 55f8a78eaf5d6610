#pragma once

#include "drsmon/core/clock.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The simulated DRS account: jobs with scripted or generated life cycles evaluated on a virtual
// time line. Pure: no I/O, no threads; time comes from an injected core::clock scaled by a speed
// factor plus explicit advance() calls. Not thread-safe on its own (the router holds a mutex).
namespace drsmon::sim {

// The 9 object types of DR initialisation (the {type} of batch-struct-detail), in the order
// the initialisation processes them.
inline constexpr std::array<std::string_view, 9> object_types = {
    "database",
    "schema",
    "table_structure",
    "table",
    "index",
    "table_indexs",
    "view",
    "procedure",
    "trigger",
};

// One pre-check item as batch-precheck-result reports it.
struct precheck_item
{
    std::string item;
    std::string group;
    std::string result;  // PASSED, ALARM, FAILED
    std::string failed_reason;
    std::string data;
};

// A point on a job's time line: from `at` (simulated seconds) on, the given fields hold.
// Fields left empty keep their earlier value. Progress moves linearly from one keyframe's
// value to the next keyframe's value while the status is FULL_TRANSFER_STARTED.
struct keyframe
{
    double at = 0;
    std::optional<std::string> status;
    std::optional<double> progress;      // 0..100, the full-phase progress
    std::optional<double> delay;         // incremental delay in seconds; < 0 means "-1" (not applicable)
    std::optional<double> delay_jitter;  // +- seconds of deterministic noise on top of delay
    std::optional<std::string> error_code;
    std::optional<std::string> error_message;  // "" clears
};

struct job_spec
{
    std::string id;
    std::string name;
    std::string db_use_type = "migration";  // migration, sync, cloudDataGuard
    // A child of a multi-task job: the job list shows it only under its parent's children[];
    // the batch APIs answer for it like for any job.
    std::string parent_id;
    std::string engine_type = "mysql";
    std::string task_type = "FULL_INCR_TRANS";  // FULL_TRANS, INCR_TRANS, FULL_INCR_TRANS
    std::string job_direction = "up";
    std::string net_type = "eip";
    std::string description;
    double created_at = 0;  // simulated seconds (may be negative: created before the simulation started)
    std::vector<keyframe> timeline;  // sorted by at
    // Pre-check: runs from precheck_start for precheck_duration simulated seconds.
    std::vector<precheck_item> precheck_items;
    std::optional<double> precheck_start;  // nullopt: never run (pre-check results stay empty)
    double precheck_duration = 60;
    // DR initialisation: number of source objects per object_types entry.
    std::array<int, object_types.size()> object_counts{};
    std::string db_password;  // returned in v5 endpoints, as the real service does
};

// The state of one job at one instant.
struct job_snapshot
{
    std::string status;
    double progress = 0;          // full-phase progress 0..100
    std::optional<double> delay;  // nullopt: "-1"
    std::string error_code;
    std::string error_message;
    int precheck_process = 0;          // 0..100
    std::optional<double> full_start;  // when the full phase (DR: initialisation) started
    std::optional<double> full_end;    // when it completed
    std::optional<double> incr_start;  // when the incremental phase started
    std::optional<double> started;     // first STARTJOBING
    double updated = 0;                // time of the last keyframe applied
    std::optional<double> remaining;   // simulated seconds until the full phase ends, while it runs
};

// One DR object type's initialisation state (batch-struct-process).
struct struct_progress
{
    std::string type;
    int status = 1;  // 1 comparing, 2 completed
    int src_count = 0;
    int dst_count = 0;
    double start = 0;
    std::optional<double> end;
};

// One object of batch-struct-detail.
struct struct_item
{
    int progress = 0;
    std::string src_db, src_tb, dst_db, dst_tb;
};

struct async_batch
{
    std::string id;
    std::vector<std::string> job_ids;
};

// How the generated jobs are spread over the life cycle at simulated time 0.
enum class estate_kind
{
    // Every job created up to 4 simulated hours ago and followed from its creation: mostly
    // incremental soon after the start. The default; many tests depend on it (unchanged per seed).
    mixed,
    // A long-lived estate as a migration team keeps it, assigned by job index modulo 20 (exact
    // shares for a multiple of 20 jobs): 40 % INCRE_TRANSFER_STARTED, 10 % FULL_TRANSFER_STARTED,
    // 10 % CONFIGURATION, 25 % finished (RELEASE_RESOURCE_COMPLETE, or FULL_TRANSFER_COMPLETE of a
    // FULL_TRANS job), 10 % *_FAILED for hours, 5 % PAUSING; the usual life cycles afterwards.
    realistic,
};

// "mixed" or "realistic"; nullopt for anything else.
std::optional<estate_kind> parse_estate(std::string_view name);

struct world_options
{
    std::string project_id = "0123456789abcdef0123456789abcdef";
    std::string region = "ap-southeast-1";
    std::uint64_t seed = 1;
    int jobs = 0;  // generated jobs
    estate_kind estate = estate_kind::mixed;
    // Share of cloudDataGuard (DR) jobs in percent, spread evenly over the job indexes; unset: every
    // 4th job (index % 4 == 2), as always.
    std::optional<int> dr_percent;
    double speed = 1.0;  // simulated seconds per clock second
    // Wall time that simulated second 0 maps to; default: the clock's now() at construction.
    std::optional<core::wall_time> epoch;
};

class world
{
public:
    // Generates opts.jobs jobs from opts.seed. clock must outlive the world.
    world(world_options opts, const core::clock& clock);

    const world_options& options() const noexcept { return opts_; }

    // Simulated seconds since the start: clock time elapsed times speed, plus advance()s.
    double now() const;
    // The wall time of simulated second t.
    core::wall_time wall_at(double t) const;
    core::wall_time virtual_now() const { return wall_at(now()); }
    // Moves simulated time forward (negative values are ignored).
    void advance(std::chrono::duration<double> d);
    // Changes the speed from now on without a jump in simulated time.
    void set_speed(double speed);

    const std::vector<job_spec>& jobs() const noexcept { return jobs_; }
    const job_spec* find(std::string_view id) const;
    const std::vector<async_batch>& batches() const noexcept { return batches_; }
    const async_batch* find_batch(std::string_view id) const;

    // Adds a job (replacing one with the same id). An empty id gets a generated one; returns the id.
    std::string add_job(job_spec spec);
    // Removes a job: afterwards it is unknown to every API. False if it did not exist.
    bool remove_job(std::string_view id);
    // Applies k at the current time, discarding every later keyframe of that job (the job is
    // pinned from now on until told otherwise). False for an unknown id.
    bool set_now(std::string_view id, keyframe k);
    void add_batch(async_batch b);

    // The state of a job at simulated time t (default: now). Precondition: find(id) != nullptr.
    job_snapshot snapshot(const job_spec& job, std::optional<double> t = std::nullopt) const;
    // DR initialisation per object type at t: empty before the full phase started.
    std::vector<struct_progress> struct_process(const job_spec& job, std::optional<double> t = std::nullopt)
        const;
    // The objects of one type (an object_types value) with their progress at t.
    std::vector<struct_item> struct_detail(
        const job_spec& job,
        std::string_view type,
        std::optional<double> t = std::nullopt
    ) const;

    // A deterministic pseudo-random value in [0, 1) for (job, salt, bucket).
    double noise(std::string_view job_id, std::uint64_t salt, std::int64_t bucket) const;

    // A fresh job id in the real format (8-4-4-4-12, ending in "jb" + 3 characters).
    std::string make_id(std::string_view suffix = "jb201");

private:
    void generate();
    job_spec generate_job(int index);
    job_spec generate_realistic_job(int index);

    world_options opts_;
    const core::clock& clock_;
    core::wall_time epoch_;
    core::mono_time mono_start_;
    double offset_ = 0;  // simulated seconds accounted before mono_start_ (advance, speed changes)
    std::uint64_t rng_state_;
    std::vector<job_spec> jobs_;
    std::vector<async_batch> batches_;
};

// The standard pre-check item list of a MySQL migration (40 items, all PASSED), from the
// documentation's example; generators mark some of them ALARM or FAILED.
std::vector<precheck_item> standard_precheck_items();

// "NN" rounded down, "NN%" with percent.
std::string percent_string(double v, bool with_percent);

}  // namespace drsmon::sim
