#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/poller/discovery.hpp"
#include "drsmon/poller/scheduler.hpp"
#include "drsmon/state/diff.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}
namespace drsmon::client {
class drs_client;
}
namespace drsmon::state {
class store;
}

namespace drsmon::poller {

// A job the project polls, with its optional db-objects collection.
struct planned_job
{
    std::string id;
    std::optional<drs_api::collect_type> collect_type;  // collected when set
    std::chrono::milliseconds collect_interval{std::chrono::hours(1)};
};

// Job discovery of a project (its cadence is schedule.interval[task::discovery]).
struct discovery_plan
{
    // ShowJobList (v3) is served in every region; ListJobs (v5) only in some, for some engines.
    list_api api = list_api::v3_show_job_list;
    std::vector<std::string> db_use_types{"migration", "sync", "cloudDataGuard"};
    discovery_filter_spec filter;
    std::size_t max_jobs = 10'000;
};

// What a discovery round found, for the monitor's own metrics.
struct discovery_report
{
    std::map<std::string, std::size_t> jobs;  // db_use_type -> discovered jobs (each configured type)
    bool truncated = false;                   // max_jobs left matching jobs out
    std::optional<core::wall_time> last_complete;
    std::chrono::milliseconds interval{};  // the configured discovery interval
};

// Everything one project's poller needs to know, derived from the config.
struct project_plan
{
    std::string project;     // the `project` label
    std::string project_id;  // DRS project ID
    std::vector<planned_job> jobs;
    std::vector<std::string> async_jobs;
    std::optional<discovery_plan> discovery;  // none: discovery off
    schedule_settings schedule;
    unsigned batch_size = 10;
    unsigned max_concurrency = 4;  // batches of one round in flight at once
    std::chrono::milliseconds max_staleness{std::chrono::minutes(5)};
    // batch-status of finished jobs (state::cadence::finished) every finished_interval.
    std::chrono::milliseconds finished_interval{std::chrono::minutes(10)};
    // The DR health reads (task::dr, and actions with the detail round) and the increment
    // components (task::components); false switches them off for the project.
    bool dr = true;
    bool components = true;
};

// Receives what a round produced. Called on the poller's executor.
struct poller_sink
{
    std::function<void(std::vector<state::event>&)> on_events;  // state changes, in order
    std::function<void(const std::string& project, task, outcome)> on_round;
    // After each discovery round (may be empty).
    std::function<void(const std::string& project, const discovery_report&)> on_discovery;
};

// What a poller works with: owned by the caller, outliving the poller.
struct poller_context
{
    boost::asio::any_io_executor executor;
    client::drs_client& client;
    state::store& store;
    const core::clock& clock;
    std::shared_ptr<spdlog::logger> log;
    poller_sink sink;
};

// Polls one DRS project: one coroutine per task (status+progress, detail,
// pre-check, DR initialisation, async batches, db-object collection), each on
// its own cadence from the pure scheduler, batching job IDs batch_size at a
// time (the client bounds the requests in flight). Each observation is mapped
// into the state store; the differences come out as events through the sink.
// Work follows each job's life: pre-checks only while a job is being
// configured, initialisation only for DR jobs until it completes.
class project_poller
{
public:
    project_poller(project_plan plan, poller_context ctx);
    ~project_poller();
    project_poller(const project_poller&) = delete;
    project_poller& operator=(const project_poller&) = delete;

    // Runs until stop(); returns when every task loop has ended.
    boost::asio::awaitable<void> run();
    // Ends the loops (in-flight calls are cancelled by closing the client).
    void stop();

    // One round of every task, in order, ignoring the schedule (--once).
    boost::asio::awaitable<bool> run_once();

    // True once every task has completed at least one round.
    bool first_round_done() const noexcept;
    // True when the last round of every task succeeded.
    bool up() const noexcept;
    const std::string& project() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace drsmon::poller
