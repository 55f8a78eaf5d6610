#pragma once

// The state of the running application, shared by application.cpp (start, state, projects, HTTP)
// and supervision.cpp (reloads, signals, stop, systemd notifications).

#include "drsmon/app/api_views.hpp"
#include "drsmon/app/application.hpp"
#include "drsmon/app/metrics_endpoint.hpp"
#include "drsmon/app/sd_notify.hpp"
#include "drsmon/client/drs_client.hpp"
#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/metrics/process_collector.hpp"
#include "drsmon/metrics/self_metrics.hpp"
#include "drsmon/poller/project_poller.hpp"
#include "drsmon/server/http_server.hpp"
#include "drsmon/state/event_log.hpp"
#include "drsmon/state/state_dir.hpp"
#include "drsmon/state/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace drsmon::app {

// Bridges client callbacks into the monitor's own metrics for one project.
class project_observer final : public client::call_observer
{
public:
    project_observer(metrics::self_metrics& m, std::string project) : m_(m), project_(std::move(project)) {}
    void on_request(drs_api::api which, std::string_view code, double seconds) override
    {
        m_.observe_request(project_, drs_api::api_name(which), code, seconds);
    }
    void on_retry(drs_api::api which) override { m_.add_retry(project_, drs_api::api_name(which)); }
    void on_throttled(drs_api::api which) override { m_.add_throttled(project_, drs_api::api_name(which)); }
    void on_success(drs_api::api which, core::wall_time at) override
    {
        m_.set_last_success(project_, drs_api::api_name(which), at);
    }
    void on_token(core::wall_time expires_at) override { m_.set_token_expiry(project_, expires_at); }

private:
    metrics::self_metrics& m_;
    std::string project_;
};

struct project_runtime
{
    std::unique_ptr<project_observer> observer;
    std::unique_ptr<client::drs_client> client;
    std::unique_ptr<poller::project_poller> poller;
};

struct application::impl
{
    config::cli_options cli;
    config::config cfg;
    std::shared_ptr<spdlog::logger> log;
    boost::asio::io_context ioc{1};
    const core::clock& clock = core::system_clock();
    state::store store;
    // events.fsync for events.jsonl and the state journal; before `files`, which appends through it.
    state::durable_files durable;
    // The directory chosen at start: a reload does not move the state.
    state::state_dir files;
    std::unique_ptr<state::event_log> events;
    std::shared_ptr<metrics::self_metrics> self = std::make_shared<metrics::self_metrics>();
    std::shared_ptr<metrics::job_collector> jobs_collector;
    std::shared_ptr<metrics::process_collector> process = std::make_shared<metrics::process_collector>();
    // Compresses /metrics bodies off the io_context thread (metrics_endpoint); created with the
    // server, so --once runs no extra threads. Declared after ioc: destroyed (joined) before it.
    std::unique_ptr<boost::asio::thread_pool> compress_pool;
    std::unique_ptr<app::metrics_endpoint> metrics_http;
    std::unique_ptr<server::http_server> http;
    std::map<std::string, project_runtime> projects;
    std::set<state::job_key>
        restored;  // jobs loaded from the state directory, until their first status round
    notifier notify;
    std::uint64_t saved_generation = 0;
    std::chrono::steady_clock::time_point last_save{};
    // At 10,000 jobs state.json is about 12 MB; writing it after every 15 s round was about a
    // tenth of the daemon's CPU in a profile. The journal makes a longer interval safe (on_round).
    static constexpr std::chrono::seconds min_save_interval{60};
    bool stopping = false;
    bool ready = false;
    bool reload_requested = false;
    unsigned essential_running = 0;  // the server and the supervisor, see spawn()
    std::shared_ptr<boost::asio::steady_timer> reload_signal;
    std::shared_ptr<boost::asio::steady_timer>
        lifecycle_timer;  // cancelled on stop: it may sleep for seconds

    impl(config::cli_options c, config::config f, std::shared_ptr<spdlog::logger> l);

    state::event_log_options event_options();
    metrics::job_collector_options collector_options() const;
    std::vector<project_status> project_statuses() const;

    // State (application.cpp): restores the store and the event log from the state directory and
    // logs what recovery found; saves when the store changed since the last save; journals and
    // logs events; saves after a status round, at most every min_save_interval.
    void open_state();
    void save_state();
    void on_events(std::vector<state::event>& evs);
    void on_round(const std::string& project, poller::task t, poller::outcome);

    // Builds the client and poller of every project, then removes the jobs no longer configured.
    // Errors name the project.
    core::result<void> build_projects();

    // HTTP (application.cpp).
    std::string render_self_metrics();
    void add_routes();
    core::result<void> start_server();

    // Supervision (supervision.cpp). supervise runs the pollers until stop; on reload it drains
    // them, saves the state and swaps in the new configuration (apply_reload), keeping the old one
    // when the new one cannot be built.
    boost::asio::awaitable<void> supervise();
    boost::asio::awaitable<void> apply_reload();
    void request_reload();
    // Stops the server and the pollers; whatever has not ended after 4.5 s is abandoned.
    void request_stop();
    boost::asio::awaitable<void> signals();
    // READY=1 once the listener is bound and every project has attempted a first round (bounded
    // by 60 s); then WATCHDOG=1 while the loop runs.
    boost::asio::awaitable<void> lifecycle();

    // Runs (application.cpp). spawn starts a coroutine whose exception is logged and stops the
    // application; the loop ends once every essential one (server, supervisor) has ended.
    template <class F>
    void spawn(const char* what, F&& f, bool essential = false);
    bool start_state_and_projects();
    int run();
    int run_once(std::ostream& out);
};

}  // namespace drsmon::app
