#include "drsmon/app/api_routes.hpp"
#include "drsmon/app/settings.hpp"
#include "drsmon/asio/async.hpp"
#include "drsmon/config/secrets.hpp"
#include "drsmon/core/version.hpp"
#include "drsmon/metrics/render.hpp"
#include "drsmon/server/web_config.hpp"
#include "drsmon/state/update.hpp"

#include "application_impl.hpp"
#include "known_series.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace drsmon::app {

namespace asio = boost::asio;
using asio::awaitable;

application::impl::impl(config::cli_options c, config::config f, std::shared_ptr<spdlog::logger> l)
    : cli(std::move(c)), cfg(std::move(f)), log(std::move(l)), files(cfg.global.state_dir, event_options())
{
    jobs_collector = std::make_shared<metrics::job_collector>(store, clock, collector_options());
}

state::event_log_options application::impl::event_options()
{
    durable.set_policy(cfg.global.events.fsync);
    state::event_log_options o;
    o.durable = &durable;
    o.capacity = cfg.global.events.ring_size;
    o.max_file_bytes = cfg.global.events.file_max_bytes;
    o.max_files = static_cast<unsigned>(cfg.global.events.file_keep);
    return o;
}

metrics::job_collector_options application::impl::collector_options() const
{
    metrics::job_collector_options o;
    o.max_staleness = cfg.global.max_staleness;
    o.finished_interval = cfg.global.finished_interval;
    return o;
}

std::vector<project_status> application::impl::project_statuses() const
{
    std::vector<project_status> out;
    for (const auto& [name, rt] : projects)
        out.push_back({name, rt.poller->up()});
    return out;
}

void application::impl::open_state()
{
    auto r = files.recover(store, clock.now());
    if (r.directory_error)
        log->warn("msg=\"cannot create state directory\" err=\"{}\"", r.directory_error->to_string());
    if (r.state_error)
        log->warn(
            "msg=\"state file unreadable; starting fresh\" err=\"{}\" moved_to=\"{}\"",
            r.state_error->to_string(),
            r.moved_to.value_or("(could not move)")
        );
    if (r.journal_jobs > 0)
        log->info("msg=\"state journal replayed\" jobs={}", r.journal_jobs);
    if (r.state_loaded)
        log->info("msg=\"state restored\" dir=\"{}\" jobs={}", files.path(), store.size());
    if (r.events_error)
        log->warn("msg=\"cannot read the events file\" err=\"{}\"", r.events_error->to_string());
    else if (r.events_restored > 0)
        log->info("msg=\"events restored\" events={} next_seq={}", r.events_restored, r.events.next_seq());
    if (r.fold_error)
        log->warn(
            "msg=\"cannot fold the state journal into the state file\" err=\"{}\"",
            r.fold_error->to_string()
        );
    restored = std::move(r.restored);
    events = std::make_unique<state::event_log>(std::move(r.events));
    saved_generation = store.generation();
}

void application::impl::save_state()
{
    if (store.generation() == saved_generation)
        return;
    std::optional<core::error> journal_error;
    if (auto r = files.save(store, events->next_seq(), &journal_error); !r)
    {
        log->error("msg=\"cannot save state\" err=\"{}\"", r.error().to_string());
        return;
    }
    saved_generation = store.generation();
    if (journal_error)
        log->warn("msg=\"cannot remove the state journal\" err=\"{}\"", journal_error->to_string());
}

void application::impl::on_events(std::vector<state::event>& evs)
{
    for (auto& e : evs)
        if (e.kind != state::event_kind::job_added && restored.contains({e.project, e.job_id}))
            e.after_restart = true;
    auto r = events->append(evs);
    if (!r)
        log->warn("msg=\"cannot write events file\" err=\"{}\"", r.error().to_string());
    // The store already holds the change: journal the states of these jobs now, so that a
    // crash before the next save (once per round) cannot report the same transition again
    // after the restart.
    std::vector<state::job_key> changed;
    for (const auto& e : evs)
        changed.push_back({e.project, e.job_id});
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    if (auto j = files.journal(store, changed, events->next_seq()); !j)
    {
        log->warn("msg=\"cannot write the state journal\" err=\"{}\"", j.error().to_string());
        save_state();
    }
    for (const auto& e : evs)
        log->info("{}", state::to_logfmt(e));
    self->add_events(evs);
}

void application::impl::on_round(const std::string& project, poller::task t, poller::outcome)
{
    if (t == poller::task::status)
        std::erase_if(restored, [&](const state::job_key& k) { return k.project == project; });
    auto it = projects.find(project);
    if (it != projects.end())
        self->set_up(project, it->second.poller->up());
    if (auto r = durable.sync(); !r)
        log->warn(
            "msg=\"cannot sync events or the state journal to disk\" err=\"{}\"",
            r.error().to_string()
        );
    // state.json is rewritten after a status round, and not more often than every
    // min_save_interval: the journal written in on_events holds every change that had events
    // since the last save, so a crash in between reports nothing twice.
    const auto now = std::chrono::steady_clock::now();
    if (t == poller::task::status && now - last_save >= min_save_interval)
    {
        last_save = now;
        save_state();
    }
}

core::result<void> application::impl::build_projects()
{
    std::map<std::string, project_runtime> built;
    for (const auto& p : cfg.projects)
    {
        auto secrets = config::load_secrets(p.auth, config::process_env());
        if (!secrets)
        {
            auto e = secrets.error();
            // The detail already names the file; where names the project.
            e.where = "project " + p.name;
            return e;
        }
        for (const auto& w : secrets->warnings)
            log->warn("project={} msg=\"{}\"", p.name, w);
        if (p.tls.insecure_skip_verify)
            log->warn(
                "project={} msg=\"TLS certificate verification is disabled (tls.insecure_skip_verify)\"",
                p.name
            );
        auto settings = make_project_settings(cfg.global, p, secrets->values);
        if (!settings)
            return settings.error();

        project_runtime rt;
        rt.observer = std::make_unique<project_observer>(*self, p.name);
        rt.client = std::make_unique<client::drs_client>(
            ioc.get_executor(),
            std::move(settings->client),
            clock,
            log,
            rt.observer.get()
        );
        poller::poller_sink sink{
            [this](std::vector<state::event>& e) { on_events(e); },
            [this](const std::string& project, poller::task t, poller::outcome o) {
                on_round(project, t, o);
            },
            [this](const std::string& project, const poller::discovery_report& r) {
                self->set_discovery(project, r.jobs, r.truncated, r.last_complete, r.interval);
            },
        };
        rt.poller = std::make_unique<poller::project_poller>(
            std::move(settings->plan),
            poller::poller_context{ioc.get_executor(), *rt.client, store, clock, log, std::move(sink)}
        );
        built.emplace(p.name, std::move(rt));
    }
    projects = std::move(built);
    declare_known_series(*self, cfg);
    for (const auto& k : unconfigured_jobs(cfg, store))
    {
        auto evs = state::remove_job(store, k, clock.now());
        on_events(evs);
    }
    return {};
}

// The monitor's own families, rendered for every scrape after the cached job families.
std::string application::impl::render_self_metrics()
{
    for (auto& [name, rt] : projects)
    {
        if (auto exp = rt.client->token_expiry())
            self->set_token_expiry(name, *exp);
    }
    return metrics::render_text({self->collectable(), process});
}

void application::impl::add_routes()
{
    auto& r = http->routes();
    add_api_routes(
        r,
        {&store,
         events.get(),
         [this] { return project_statuses(); },
         [this] { return ready; },
         cli.telemetry_path}
    );
    r.add("GET", cli.telemetry_path, [this](server::request req) -> awaitable<server::reply> {
        auto answer = metrics_http->serve(std::move(req));
        co_return co_await std::move(answer);
    });
    r.add("POST", "/-/reload", [this](server::request) -> awaitable<server::reply> {
        // Validate first so that the caller learns about a bad file.
        auto next = config::load_file(cli.config_file);
        if (!next)
        {
            self->config_reloaded(false, clock.now());
            log->error(
                "msg=\"reload failed; keeping the running configuration\" err=\"{}\"",
                next.error().to_string()
            );
            server::reply rep;
            rep.status = 500;
            rep.body = "failed to reload config: " + next.error().to_string() + "\n";
            co_return rep;
        }
        request_reload();
        server::reply rep;
        rep.body = "Reloading.\n";
        co_return rep;
    });
}

core::result<void> application::impl::start_server()
{
    server::server_options so;
    so.listen_address = cli.listen_address;
    http = std::make_unique<server::http_server>(ioc.get_executor(), so, log);
    compress_pool = std::make_unique<asio::thread_pool>(2);
    metrics_http = std::make_unique<app::metrics_endpoint>(
        ioc.get_executor(),
        compress_pool->get_executor(),
        store,
        *jobs_collector,
        clock,
        [this] { return render_self_metrics(); }
    );
    if (!cli.web_config_file.empty())
    {
        auto wc = server::load_web_config(cli.web_config_file);
        if (!wc)
            return wc.error();
        if (auto r = http->set_web_config(*wc); !r)
            return r.error();
    }
    add_routes();
    return http->listen();
}

// False (exit code 2) when a project cannot be built: a secret unreadable, an endpoint not a URL.
bool application::impl::start_state_and_projects()
{
    open_state();
    if (auto r = build_projects(); !r)
    {
        log->error("msg=\"cannot start\" err=\"{}\"", r.error().to_string());
        return false;
    }
    return true;
}

template <class F>
void application::impl::spawn(const char* what, F&& f, bool essential)
{
    if (essential)
        ++essential_running;
    drsmon::asio::log_completion logged(log, what);
    asio::co_spawn(ioc, std::forward<F>(f), [this, logged, essential](std::exception_ptr e) {
        // Once the server and the supervisor (pollers drained, state saved) have ended there is
        // nothing left to wait for; without this, run() would wait for the shutdown deadline
        // timer and other idle waits, so every stop took 4.5 s.
        if (essential && --essential_running == 0 && stopping)
            ioc.stop();
        if (!e)
            return;
        logged(e);
        request_stop();
    });
}

int application::impl::run()
{
    if (!start_state_and_projects())
        return 2;
    if (auto r = start_server(); !r)
    {
        log->error("msg=\"cannot start the HTTP server\" err=\"{}\"", r.error().to_string());
        return 1;
    }
    self->config_reloaded(true, clock.now());
    std::size_t jobs_configured = 0;
    for (const auto& p : cfg.projects)
        jobs_configured += p.jobs.size();
    log->info(
        "msg=\"drs-monitor started\" version={} listen={} port={} projects={} jobs_configured={}",
        core::version,
        cli.listen_address,
        http->port(),
        cfg.projects.size(),
        jobs_configured
    );
    spawn("server", http->run(), true);
    spawn(
        "supervisor",
        [this]() -> awaitable<void> {
            co_await supervise();
            // All pollers are drained and the state saved: the loop may end.
            if (http)
                http->stop();
        },
        true
    );
    spawn("signals", signals());
    spawn("lifecycle", lifecycle());
    ioc.run();
    save_state();
    log->info("msg=\"stopped\"");
    return 0;
}

int application::impl::run_once(std::ostream& out)
{
    if (!start_state_and_projects())
        return 2;
    bool ok = true;
    asio::co_spawn(
        ioc,
        [this, &ok]() -> awaitable<void> {
            for (auto& [name, rt] : projects)
                ok = (co_await rt.poller->run_once()) && ok;
        },
        asio::detached
    );
    ioc.run();
    save_state();
    out << once_document(project_statuses(), store, ok) << "\n";
    return ok ? 0 : 1;
}

application::application(config::cli_options cli, config::config cfg, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<impl>(std::move(cli), std::move(cfg), std::move(log)))
{
}

application::~application() = default;

int application::run() { return impl_->run(); }

int application::run_once(std::ostream& out) { return impl_->run_once(out); }

}  // namespace drsmon::app
