#include "drsmon/app/application.hpp"
#include "drsmon/app/metrics_endpoint.hpp"
#include "drsmon/app/sd_notify.hpp"
#include "drsmon/client/drs_client.hpp"
#include "drsmon/config/secrets.hpp"
#include "drsmon/core/version.hpp"
#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/metrics/process_collector.hpp"
#include "drsmon/metrics/render.hpp"
#include "drsmon/metrics/self_metrics.hpp"
#include "drsmon/poller/project_poller.hpp"
#include "drsmon/server/http_server.hpp"
#include "drsmon/server/web_config.hpp"
#include "drsmon/state/event_log.hpp"
#include "drsmon/state/persist.hpp"
#include "drsmon/state/store.hpp"
#include "drsmon/state/update.hpp"

#include "durability.hpp"
#include "known_series.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace drsmon::app {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

std::string escape_html(std::string_view s)
{
    std::string out;
    for (char c : s)
    {
        switch (c)
        {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

json::value opt(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt_time(const std::optional<core::wall_time>& t)
{
    return t ? json::value(state::format_rfc3339(*t)) : json::value(nullptr);
}

// The API view of one job: domain fields only (never credentials).
json::object job_json(const state::job_key& k, const state::job_state& s, bool full)
{
    json::object o;
    o["project"] = k.project;
    o["job_id"] = k.job_id;
    o["name"] = s.metadata.name;
    o["status"] = s.status;
    o["failed"] = state::is_failed_status(s.status);
    o["db_use_type"] = s.metadata.db_use_type;
    o["engine_type"] = s.metadata.engine_type;
    o["task_type"] = s.metadata.task_type;
    o["source"] = s.source;
    o["async_job_id"] = s.metadata.async_job_id;
    o["progress_ratio"] = opt(s.progress_ratio);
    o["replication_delay_seconds"] = opt(s.delay_seconds);
    o["remaining_seconds"] = opt(s.remaining_seconds);
    o["stale"] = s.stale;
    o["last_refresh"] = opt_time(s.last_refresh);
    o["status_changed_at"] = opt_time(s.status_changed_at);
    o["api_error"] = s.api_error.empty() ? json::value(nullptr)
                                         : json::value(json::object{
                                               {"code", s.api_error.code},
                                               {"message", s.api_error.message_short}});
    if (!full)
        return o;
    o["parent_id"] = s.metadata.parent_id;
    o["job_direction"] = s.metadata.job_direction;
    o["created"] = opt_time(s.metadata.created);
    o["status_changes"] = s.status_changes;
    o["last_change"] = opt_time(s.last_change);
    json::object phases;
    for (const auto& [k2, v] : s.phases)
        phases[k2] = v;
    o["phases"] = std::move(phases);
    json::object pc;
    pc["present"] = s.precheck.present;
    pc["complete"] = s.precheck.complete;
    pc["passed"] = s.precheck.passed ? json::value(*s.precheck.passed) : json::value(nullptr);
    pc["passed_ratio"] = opt(s.precheck.passed_ratio);
    pc["progress_ratio"] = opt(s.precheck.progress_ratio);
    json::array items;
    for (const auto& i : s.precheck.items)
        items.push_back(json::object{{"item", i.item}, {"group", i.group}, {"result", i.result}});
    pc["items"] = std::move(items);
    o["precheck"] = std::move(pc);
    json::object init;
    for (const auto& [type, obj] : s.init)
    {
        json::object io;
        io["status"] = obj.status ? json::value(*obj.status) : json::value(nullptr);
        io["complete"] = obj.complete();
        io["src_count"] = obj.src_count ? json::value(*obj.src_count) : json::value(nullptr);
        io["dst_count"] = obj.dst_count ? json::value(*obj.dst_count) : json::value(nullptr);
        io["detail_complete"] = obj.detail_complete ? json::value(*obj.detail_complete)
                                                    : json::value(nullptr);
        io["detail_in_progress"] = obj.detail_in_progress ? json::value(*obj.detail_in_progress)
                                                          : json::value(nullptr);
        init[type] = std::move(io);
    }
    o["init"] = std::move(init);
    o["collect"] = json::object{
        {"status", s.collect.status},
        {"last_success", opt_time(s.collect.last_success)}};
    const auto& n = s.node;
    o["node"] = json::object{
        {"cpu_ratio", opt(n.cpu_ratio)},
        {"memory_ratio", opt(n.memory_ratio)},
        {"apply_rows_per_second", opt(n.apply_rows_per_second)},
        {"apply_transactions_per_second", opt(n.apply_transactions_per_second)},
    };
    return o;
}

json::object event_json(const state::event& e)
{
    auto v = json::parse(state::to_json_line(e));
    return v.as_object();
}

server::reply json_reply(const json::value& v, unsigned status = 200)
{
    server::reply r;
    r.status = status;
    r.content_type = "application/json";
    r.body = json::serialize(v);
    return r;
}

client::auth_mode mode_of(config::auth_type t)
{
    switch (t)
    {
    case config::auth_type::token: return client::auth_mode::token;
    case config::auth_type::password: return client::auth_mode::password;
    default: return client::auth_mode::aksk;
    }
}

}  // namespace

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
    asio::io_context ioc{1};
    const core::clock& clock = core::system_clock();
    state::store store;
    state::durable_files durable;  // events.fsync; outlives `events`, which appends through it
    std::unique_ptr<state::event_log> events;
    std::shared_ptr<metrics::self_metrics> self;
    std::shared_ptr<metrics::job_collector> jobs_collector;
    std::shared_ptr<metrics::process_collector> process = std::make_shared<metrics::process_collector>();
    // Compresses /metrics bodies off the io_context thread (metrics_endpoint); created with the
    // server, so --once runs no extra threads. Declared after ioc: destroyed (joined) before it.
    std::unique_ptr<asio::thread_pool> compress_pool;
    std::unique_ptr<app::metrics_endpoint> metrics_http;
    std::unique_ptr<server::http_server> http;
    std::map<std::string, project_runtime> projects;
    std::set<state::job_key> restored;  // jobs loaded from state.json, until their first status round
    notifier notify;
    std::uint64_t saved_generation = 0;
    std::chrono::steady_clock::time_point last_save{};
    // At 10,000 jobs state.json is about 12 MB; writing it after every 15 s round was about a
    // tenth of the daemon's CPU in a profile. The journal makes a longer interval safe (on_round).
    static constexpr std::chrono::seconds min_save_interval{60};
    bool stopping = false;
    bool ready = false;
    bool reload_requested = false;
    unsigned pollers_running = 0;
    unsigned essential_running = 0;  // the server and the supervisor, see spawn()
    std::shared_ptr<asio::steady_timer> pollers_done;
    std::shared_ptr<asio::steady_timer> reload_signal;
    std::shared_ptr<asio::steady_timer> lifecycle_timer;  // cancelled on stop: it may sleep for seconds

    impl(config::cli_options c, config::config f, std::shared_ptr<spdlog::logger> l)
        : cli(std::move(c)), cfg(std::move(f)), log(std::move(l))
    {
        self = std::make_shared<metrics::self_metrics>();
        metrics::job_collector_options jo;
        jo.max_staleness = cfg.global.max_staleness;
        jobs_collector = std::make_shared<metrics::job_collector>(store, clock, jo);
    }

    std::string state_file() const { return cfg.global.state_dir + "/state.json"; }
    std::string journal_file() const { return cfg.global.state_dir + "/state.journal"; }

    // ---- state ------------------------------------------------------------

    void open_state()
    {
        std::error_code ec;
        std::filesystem::create_directories(cfg.global.state_dir, ec);
        if (ec)
            log->warn(
                "msg=\"cannot create state directory\" dir=\"{}\" err=\"{}\"",
                cfg.global.state_dir,
                ec.message()
            );
        std::uint64_t next_seq = 1;
        bool have_state = false;
        if (std::filesystem::exists(state_file()))
        {
            auto loaded = state::load(state_file());
            if (loaded)
            {
                // Jobs whose events were reported after the last save come from the journal.
                if (auto n = state::replay_journal(journal_file(), *loaded); n > 0)
                    log->info("msg=\"state journal replayed\" jobs={}", n);
                next_seq = loaded->next_event_seq;
                loaded->jobs.for_each([&](const state::job_key& k, const state::job_state& s) {
                    store.upsert(k, s);
                    restored.insert(k);
                });
                log->info("msg=\"state restored\" file=\"{}\" jobs={}", state_file(), store.size());
                have_state = true;
            }
            else
            {
                auto moved = state::move_aside(state_file(), clock.now());
                log->warn(
                    "msg=\"state file unreadable; starting fresh\" err=\"{}\" moved_to=\"{}\"",
                    loaded.error().to_string(),
                    moved ? *moved : std::string("(could not move)")
                );
            }
        }
        if (!have_state)
        {
            // Killed before the first save, or the state file was unreadable: the journal alone
            // holds what was reported since.
            state::loaded_state loaded;
            if (auto n = state::replay_journal(journal_file(), loaded); n > 0)
            {
                next_seq = loaded.next_event_seq;
                loaded.jobs.for_each([&](const state::job_key& k, const state::job_state& s) {
                    store.upsert(k, s);
                    restored.insert(k);
                });
                log->info("msg=\"state journal replayed\" jobs={}", n);
            }
        }
        state::event_log_options opts;
        opts.capacity = cfg.global.events.ring_size;
        opts.state_dir = cfg.global.state_dir;
        opts.max_file_bytes = cfg.global.events.file_max_bytes;
        opts.max_files = static_cast<unsigned>(cfg.global.events.file_keep);
        durable.set_policy(fsync_policy_of(cfg.global.events.fsync));
        opts.durable = &durable;
        // After a crash events.jsonl may hold events newer than the last saved state: continue
        // after them so that no seq is handed out twice.
        for (const auto& path : {opts.state_dir + "/events.jsonl.1", opts.state_dir + "/events.jsonl"})
        {
            std::ifstream in(path, std::ios::binary);
            for (std::string line; std::getline(in, line);)
                if (auto e = state::from_json_line(line); e && e->seq >= next_seq)
                    next_seq = e->seq + 1;
        }
        events = std::make_unique<state::event_log>(opts, next_seq);
        // /api/v1/events keeps serving the events from before the restart.
        if (auto restored_events = events->restore_from_file(); !restored_events)
            log->warn("msg=\"cannot read the events file\" err=\"{}\"", restored_events.error().to_string());
        else if (*restored_events > 0)
            log->info("msg=\"events restored\" events={} next_seq={}", *restored_events, next_seq);
        saved_generation = store.generation();
        // Fold a journal left by a crash into state.json now, so that later appends start a fresh
        // journal instead of continuing after a possibly torn last line (which would hide them
        // from the next replay).
        if (std::filesystem::exists(journal_file()))
        {
            if (auto r = state::save(store, events->next_seq(), state_file()); !r)
                log->warn("msg=\"cannot save state\" err=\"{}\"", r.error().to_string());
            else if (auto c = state::clear_journal(journal_file()); !c)
                log->warn("msg=\"cannot remove the state journal\" err=\"{}\"", c.error().to_string());
        }
    }

    void save_state()
    {
        if (store.generation() == saved_generation)
            return;
        auto r = state::save(store, events->next_seq(), state_file());
        if (!r)
        {
            log->error("msg=\"cannot save state\" err=\"{}\"", r.error().to_string());
            return;
        }
        saved_generation = store.generation();
        if (auto c = state::clear_journal(journal_file()); !c)
            log->warn("msg=\"cannot remove the state journal\" err=\"{}\"", c.error().to_string());
    }

    void on_events(std::vector<state::event>& evs)
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
        if (auto j = state::append_journal(store, changed, events->next_seq(), journal_file(), durable); !j)
        {
            log->warn("msg=\"cannot write the state journal\" err=\"{}\"", j.error().to_string());
            save_state();
        }
        for (const auto& e : evs)
            log->info("{}", state::to_logfmt(e));
        self->add_events(evs);
    }

    void on_round(const std::string& project, poller::task t, poller::outcome)
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

    // ---- projects -----------------------------------------------------------

    // Builds the client and poller of every project. Errors name the project.
    core::result<void> build_projects()
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

            client::client_settings cs;
            cs.project = p.name;
            cs.project_id = p.project_id;
            auto ep = http::parse_url(p.endpoint);
            if (!ep)
                return ep.error();
            cs.endpoint = *ep;
            auto iam = http::parse_url(p.iam_endpoint);
            if (!iam)
                return iam.error();
            cs.iam_endpoint = *iam;
            cs.http.timeout = cfg.global.request_timeout;
            cs.http.max_body_bytes = cfg.global.max_response_bytes;
            cs.http.ca_file = p.tls.ca_file;
            cs.http.insecure_skip_verify = p.tls.insecure_skip_verify;
            // The loader already applied HTTPS_PROXY/NO_PROXY: empty means direct.
            cs.http.proxy_url = p.proxy_url;
            cs.http.use_environment_proxy = false;
            cs.http.user_agent = std::string("drs-monitor/") + core::version;
            cs.retry.max_attempts = static_cast<unsigned>(cfg.global.retry.max_attempts);
            cs.retry.initial_backoff = cfg.global.retry.initial_backoff;
            cs.retry.max_backoff = cfg.global.retry.max_backoff;
            cs.retry_budget_per_round = static_cast<std::uint32_t>(cfg.global.retry.round_budget);
            cs.auth_failure_hold = cfg.global.auth_failure_backoff;
            cs.max_concurrency = static_cast<unsigned>(cfg.global.max_concurrency);
            cs.language = cfg.global.language;
            auto& s = secrets->values;
            cs.creds = client::credentials{
                mode_of(p.auth.type),
                s.access_key,
                s.secret_key,
                s.security_token,
                s.token,
                p.auth.user,
                p.auth.domain,
                s.password,
            };

            poller::project_plan plan;
            plan.project = p.name;
            plan.project_id = p.project_id;
            for (const auto& j : p.jobs)
            {
                poller::planned_job pj;
                pj.id = j.id;
                if (j.collect)
                {
                    pj.collect_type = config::to_string(j.collect->type);
                    pj.collect_interval = j.collect->interval;
                }
                plan.jobs.push_back(std::move(pj));
            }
            plan.async_jobs = p.async_jobs;
            const auto& g = cfg.global;
            plan.schedule.interval = {
                g.poll_interval,
                g.detail_interval,
                g.precheck_interval,
                g.init_interval,
                g.async_interval,
                g.poll_interval};
            plan.schedule.jitter = g.jitter;
            plan.schedule.auth_hold = g.auth_failure_backoff;
            plan.schedule.throttle_initial = g.throttle.min_backoff;
            plan.schedule.throttle_max = g.throttle.max_backoff;
            plan.batch_size = static_cast<unsigned>(g.batch_size);
            plan.max_concurrency = static_cast<unsigned>(g.max_concurrency);
            plan.max_staleness = g.max_staleness;

            project_runtime rt;
            rt.observer = std::make_unique<project_observer>(*self, p.name);
            rt.client = std::make_unique<client::drs_client>(
                ioc.get_executor(),
                std::move(cs),
                clock,
                log,
                rt.observer.get()
            );
            poller::poller_sink sink{
                [this](std::vector<state::event>& e) { on_events(e); },
                [this](const std::string& project, poller::task t, poller::outcome o) {
                    on_round(project, t, o);
                },
            };
            rt.poller = std::make_unique<poller::project_poller>(
                ioc.get_executor(),
                std::move(plan),
                *rt.client,
                store,
                clock,
                log,
                std::move(sink)
            );
            built.emplace(p.name, std::move(rt));
        }
        projects = std::move(built);
        declare_known_series(*self, cfg);
        // Jobs no longer configured leave the store at once (async-batch members are re-found by their
        // batch).
        std::set<state::job_key> wanted;
        for (const auto& p : cfg.projects)
            for (const auto& j : p.jobs)
                wanted.insert({p.name, j.id});
        for (const auto& k : store.keys())
        {
            const auto* s = store.find(k);
            const bool from_batch = s && s->source == state::source_async_batch &&
                                    projects.contains(k.project);
            if (!wanted.contains(k) && !from_batch)
            {
                auto evs = state::remove_job(store, k, clock.now());
                on_events(evs);
            }
        }
        return {};
    }

    // Runs the pollers until stop; on reload, swaps in the new configuration.
    awaitable<void> supervise()
    {
        while (!stopping)
        {
            pollers_done = std::make_shared<asio::steady_timer>(ioc, asio::steady_timer::time_point::max());
            pollers_running = 0;
            for (auto& [name, rt] : projects)
            {
                ++pollers_running;
                auto done = pollers_done;
                asio::co_spawn(ioc, rt.poller->run(), [this, done, name = name](std::exception_ptr e) {
                    if (e)
                        log->error("project={} msg=\"poller ended with an exception\"", name);
                    if (--pollers_running == 0)
                        done->cancel();
                });
            }
            reload_signal = std::make_shared<asio::steady_timer>(ioc, asio::steady_timer::time_point::max());
            co_await reload_signal->async_wait(tok);
            // Stop and drain the current pollers.
            for (auto& [name, rt] : projects)
            {
                rt.poller->stop();
                rt.client->close();
            }
            if (pollers_running > 0)
                co_await pollers_done->async_wait(tok);
            save_state();
            if (stopping)
                break;
            co_await apply_reload();
        }
    }

    awaitable<void> apply_reload()
    {
        reload_requested = false;
        notify.notify("RELOADING=1");
        auto next = config::load_file(cli.config_file);
        if (!next)
        {
            log->error(
                "msg=\"reload failed; keeping the running configuration\" err=\"{}\"",
                next.error().to_string()
            );
            self->config_reloaded(false, clock.now());
            auto kept = build_projects();  // the old configuration, with fresh clients
            (void)kept;
            notify.notify("READY=1");
            co_return;
        }
        auto old = std::move(cfg);
        cfg = std::move(*next);
        auto built = build_projects();
        if (!built)
        {
            log->error(
                "msg=\"reload failed; keeping the running configuration\" err=\"{}\"",
                built.error().to_string()
            );
            cfg = std::move(old);
            (void)build_projects();
            self->config_reloaded(false, clock.now());
        }
        else
        {
            log->info("msg=\"configuration reloaded\" projects={}", projects.size());
            self->config_reloaded(true, clock.now());
            metrics::job_collector_options jo;
            jo.max_staleness = cfg.global.max_staleness;
            jobs_collector->set_options(jo);
            if (metrics_http)
                metrics_http->invalidate();
        }
        if (!cli.web_config_file.empty() && http)
        {
            auto wc = server::load_web_config(cli.web_config_file);
            if (wc)
                (void)http->set_web_config(*wc);
            else
                log->error("msg=\"web config reload failed\" err=\"{}\"", wc.error().to_string());
        }
        notify.notify("READY=1");
        co_return;
    }

    void request_reload()
    {
        reload_requested = true;
        if (reload_signal)
            reload_signal->cancel();
    }

    void request_stop()
    {
        if (stopping)
            return;
        stopping = true;
        notify.notify("STOPPING=1");
        log->info("msg=\"stopping\"");
        if (reload_signal)
            reload_signal->cancel();
        if (lifecycle_timer)
            lifecycle_timer->cancel();
        if (http)
            http->stop();
        // Hard deadline: whatever has not ended in 4.5 s is abandoned.
        auto deadline = std::make_shared<asio::steady_timer>(ioc, 4500ms);
        deadline->async_wait([this, deadline](boost::system::error_code ec) {
            if (!ec)
            {
                log->warn("msg=\"shutdown deadline reached; abandoning in-flight work\"");
                ioc.stop();
            }
        });
    }

    awaitable<void> signals()
    {
        asio::signal_set sigs(ioc, SIGINT, SIGTERM, SIGHUP);
        while (!stopping)
        {
            auto [ec, sig] = co_await sigs.async_wait(tok);
            if (ec)
                break;
            if (sig == SIGHUP)
            {
                log->info("msg=\"SIGHUP received; reloading\"");
                request_reload();
            }
            else
                request_stop();
        }
    }

    // READY=1 once the listener is bound and every project has attempted a
    // first round (bounded by 60 s); then WATCHDOG=1 while the loop runs.
    awaitable<void> lifecycle()
    {
        lifecycle_timer = std::make_shared<asio::steady_timer>(ioc);
        auto timer = lifecycle_timer;  // kept alive by this frame even if the member is replaced
        auto& t = *timer;
        const auto start = clock.mono_now();
        while (!stopping && !ready)
        {
            bool all = true;
            for (auto& [name, rt] : projects)
                all = all && rt.poller->first_round_done();
            if (all || clock.mono_now() - start > 60s)
            {
                ready = true;
                notify.notify("READY=1\nSTATUS=polling");
                log->info("msg=\"ready\" projects={} jobs={}", projects.size(), store.size());
                break;
            }
            t.expires_after(100ms);
            co_await t.async_wait(tok);
        }
        const auto wd = notifier::watchdog_usec();
        while (!stopping)
        {
            // The same loop that polls runs this coroutine: if it is stuck,
            // the watchdog is not fed and systemd restarts the service.
            if (wd > 0)
                notify.notify("WATCHDOG=1");
            for (auto& [name, rt] : projects)
                self->set_up(name, rt.poller->up());
            t.expires_after(
                wd > 0 ? std::chrono::microseconds(wd / 3) : std::chrono::microseconds(5'000'000)
            );
            co_await t.async_wait(tok);
        }
    }

    // ---- HTTP -----------------------------------------------------------------

    // The monitor's own families, rendered for every scrape after the cached job families.
    std::string render_self_metrics()
    {
        for (auto& [name, rt] : projects)
        {
            if (auto exp = rt.client->token_expiry())
                self->set_token_expiry(name, *exp);
        }
        return metrics::render_text({self->collectable(), process});
    }

    std::string landing_page()
    {
        std::string
            html = "<!doctype html><html><head><meta "
                   "charset=\"utf-8\"><title>drs-monitor</title></head><body>"
                   "<h1>drs-monitor</h1><p>Version " +
                   escape_html(core::version) + " (" + escape_html(core::revision) +
                   ")</p><ul>"
                   "<li><a href=\"" +
                   escape_html(cli.telemetry_path) +
                   "\">Metrics</a></li>"
                   "<li><a href=\"/api/v1/jobs\">Jobs (JSON)</a></li>"
                   "<li><a href=\"/api/v1/events\">Events (JSON)</a></li>"
                   "<li><a href=\"/-/healthy\">Health</a>, <a href=\"/-/ready\">Readiness</a></li></ul>"
                   "<h2>Projects</h2><table border=\"1\" "
                   "cellpadding=\"4\"><tr><th>project</th><th>up</th><th>jobs</th><th>failed</th><th>stale</"
                   "th></tr>";
        std::map<std::string, std::tuple<std::size_t, std::size_t, std::size_t>> counts;
        store.for_each([&](const state::job_key& k, const state::job_state& s) {
            auto& [n, f, st] = counts[k.project];
            ++n;
            f += state::is_failed_status(s.status) ? 1 : 0;
            st += s.stale ? 1 : 0;
        });
        for (auto& [name, rt] : projects)
        {
            auto [n, f, st] = counts[name];
            html += "<tr><td>" + escape_html(name) + "</td><td>" + (rt.poller->up() ? "yes" : "no") +
                    "</td><td>" + std::to_string(n) + "</td><td>" + std::to_string(f) + "</td><td>" +
                    std::to_string(st) + "</td></tr>";
        }
        html += "</table></body></html>";
        return html;
    }

    void add_routes()
    {
        auto& r = http->routes();
        r.add("GET", "/", [this](server::request) -> awaitable<server::reply> {
            server::reply rep;
            rep.content_type = "text/html; charset=utf-8";
            rep.body = landing_page();
            co_return rep;
        });
        r.add("GET", cli.telemetry_path, [this](server::request req) -> awaitable<server::reply> {
            auto answer = metrics_http->serve(std::move(req));
            co_return co_await std::move(answer);
        });
        r.add("GET", "/-/healthy", [](server::request) -> awaitable<server::reply> {
            server::reply rep;
            rep.body = "Healthy.\n";
            co_return rep;
        });
        r.add("GET", "/-/ready", [this](server::request) -> awaitable<server::reply> {
            server::reply rep;
            rep.status = ready ? 200 : 503;
            rep.body = ready ? "Ready.\n" : "Not ready: the first poll round has not finished.\n";
            co_return rep;
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
        r.add("GET", "/api/v1/jobs", [this](server::request) -> awaitable<server::reply> {
            json::array arr;
            store.for_each([&](const state::job_key& k, const state::job_state& s) {
                arr.push_back(job_json(k, s, false));
            });
            co_return json_reply(json::object{{"jobs", std::move(arr)}});
        });
        r.add_prefix("GET", "/api/v1/jobs/", [this](server::request req) -> awaitable<server::reply> {
            const auto id = req.path.substr(std::string_view("/api/v1/jobs/").size());
            json::array matches;
            store.for_each([&](const state::job_key& k, const state::job_state& s) {
                if (k.job_id == id)
                    matches.push_back(job_json(k, s, true));
            });
            if (matches.empty())
                co_return json_reply(json::object{{"error", "job not found"}}, 404);
            if (matches.size() == 1)
                co_return json_reply(matches.front());
            co_return json_reply(json::object{{"jobs", std::move(matches)}});
        });
        r.add("GET", "/api/v1/events", [this](server::request req) -> awaitable<server::reply> {
            std::uint64_t since = 0;
            std::uint64_t limit = 100;
            // Digits only: std::stoull accepted "-1" (as a huge number) and trailing garbage.
            auto number = [](const std::optional<std::string>& v, std::uint64_t& out) {
                if (!v)
                    return true;
                auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
                return !v->empty() && ec == std::errc() && end == v->data() + v->size();
            };
            const auto since_param = req.query_param("since");
            const auto limit_param = req.query_param("limit");
            const bool valid = number(since_param, since) && number(limit_param, limit);
            limit = std::min<std::uint64_t>(limit, 1000);
            if (!valid)
            {
                co_return json_reply(
                    json::object{{"error", "since and limit must be non-negative integers"}},
                    400
                );
            }
            json::array arr;
            for (const auto& e : events->since(since, static_cast<std::size_t>(limit)))
                arr.push_back(event_json(e));
            co_return json_reply(json::object{{"next_seq", events->next_seq()}, {"events", std::move(arr)}});
        });
    }

    core::result<void> start_server()
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

    template <class F>
    void spawn(const char* what, F&& f, bool essential = false)
    {
        if (essential)
            ++essential_running;
        asio::co_spawn(ioc, std::forward<F>(f), [this, what, essential](std::exception_ptr e) {
            // Once the server and the supervisor (pollers drained, state saved) have ended there is
            // nothing left to wait for; without this, run() would wait for the shutdown deadline
            // timer and other idle waits, so every stop took 4.5 s.
            if (essential && --essential_running == 0 && stopping)
                ioc.stop();
            if (!e)
                return;
            try
            {
                std::rethrow_exception(e);
            }
            catch (const std::exception& ex)
            {
                log->error("msg=\"{} ended with an exception\" err=\"{}\"", what, ex.what());
            }
            request_stop();
        });
    }

    int run()
    {
        open_state();
        if (auto r = build_projects(); !r)
        {
            log->error("msg=\"cannot start\" err=\"{}\"", r.error().to_string());
            return 2;
        }
        if (auto r = start_server(); !r)
        {
            log->error("msg=\"cannot start the HTTP server\" err=\"{}\"", r.error().to_string());
            return 1;
        }
        self->config_reloaded(true, clock.now());
        log->info(
            "msg=\"drs-monitor started\" version={} listen={} port={} projects={} jobs_configured={}",
            core::version,
            cli.listen_address,
            http->port(),
            cfg.projects.size(),
            [&] {
                std::size_t n = 0;
                for (const auto& p : cfg.projects)
                    n += p.jobs.size();
                return n;
            }()
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

    int run_once(std::ostream& out)
    {
        open_state();
        if (auto r = build_projects(); !r)
        {
            log->error("msg=\"cannot start\" err=\"{}\"", r.error().to_string());
            return 2;
        }
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
        json::array jobs;
        store.for_each([&](const state::job_key& k, const state::job_state& s) {
            jobs.push_back(job_json(k, s, true));
        });
        json::array projs;
        for (auto& [name, rt] : projects)
            projs.push_back(json::object{{"project", name}, {"up", rt.poller->up()}});
        out << json::serialize(
                   json::object{{"projects", std::move(projs)}, {"jobs", std::move(jobs)}, {"ok", ok}}
               )
            << "\n";
        return ok ? 0 : 1;
    }
};

application::application(config::cli_options cli, config::config cfg, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<impl>(std::move(cli), std::move(cfg), std::move(log)))
{
}

application::~application() = default;

int application::run() { return impl_->run(); }

int application::run_once(std::ostream& out) { return impl_->run_once(out); }

}  // namespace drsmon::app
