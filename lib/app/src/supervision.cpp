// Reload supervision, signals, the stop sequence and the systemd life cycle of the application.
#include "drsmon/asio/async.hpp"
#include "drsmon/server/web_config.hpp"

#include "application_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace drsmon::app {

namespace asio = boost::asio;
using asio::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

}  // namespace

awaitable<void> application::impl::supervise()
{
    while (!stopping)
    {
        drsmon::asio::wait_group pollers(ioc.get_executor());
        for (auto& [name, rt] : projects)
        {
            pollers.add();
            asio::co_spawn(
                ioc,
                rt.poller->run(),
                pollers.on_done(drsmon::asio::log_completion(log, "poller", "project=" + name))
            );
        }
        reload_signal = std::make_shared<asio::steady_timer>(ioc, asio::steady_timer::time_point::max());
        co_await reload_signal->async_wait(tok);
        // Stop and drain the current pollers.
        for (auto& [name, rt] : projects)
        {
            rt.poller->stop();
            rt.client->close();
        }
        co_await pollers.async_wait();
        save_state();
        if (stopping)
            break;
        co_await apply_reload();
    }
}

awaitable<void> application::impl::apply_reload()
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
        jobs_collector->set_options(collector_options());
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

void application::impl::request_reload()
{
    reload_requested = true;
    if (reload_signal)
        reload_signal->cancel();
}

void application::impl::request_stop()
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

awaitable<void> application::impl::signals()
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

awaitable<void> application::impl::lifecycle()
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
        t.expires_after(wd > 0 ? std::chrono::microseconds(wd / 3) : std::chrono::microseconds(5'000'000));
        co_await t.async_wait(tok);
    }
}

}  // namespace drsmon::app
