#include "drsmon/poller/project_poller.hpp"

#include "shell.hpp"

#include <algorithm>
#include <stdexcept>

namespace drsmon::poller {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

std::vector<std::string> configured_ids(const project_plan& plan)
{
    std::vector<std::string> ids;
    ids.reserve(plan.jobs.size());
    for (const auto& j : plan.jobs)
        ids.push_back(j.id);
    return ids;
}

}  // namespace

outcome outcome_of(const core::error& e) noexcept
{
    switch (e.kind())
    {
    case core::errc::throttled: return outcome::throttled;
    case core::errc::auth: return outcome::auth_failed;
    default: return outcome::failed;
    }
}

outcome worst(outcome a, outcome b) noexcept { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

project_poller::impl::impl(project_plan p, poller_context ctx)
    : ex(std::move(ctx.executor)),
      plan(std::move(p)),
      client(ctx.client),
      store(ctx.store),
      clock(ctx.clock),
      log(std::move(ctx.log)),
      sink(std::move(ctx.sink)),
      sched(plan.schedule),
      roster(configured_ids(plan)),
      discovered(plan.discovery ? plan.discovery->max_jobs : 0)
{
    if (plan.discovery)
    {
        // The configuration was checked at load: a filter that does not compile here is a bug.
        auto f = discovery_filter::make(plan.discovery->filter);
        if (!f)
            throw std::invalid_argument(f.error().to_string());
        filter = std::move(*f);
    }
}

// ---- store and events ------------------------------------------------------

std::vector<std::string> project_poller::impl::ids_where(bool (*rule)(const state::job_state&) noexcept) const
{
    std::vector<std::string> out;
    for (auto& id : roster.ids())
    {
        const auto* s = store.find(plan.project, id);
        if (s && rule(*s))
            out.push_back(std::move(id));
    }
    return out;
}

std::vector<std::vector<std::string>> project_poller::impl::batches(std::vector<std::string> ids) const
{
    std::vector<std::vector<std::string>> out;
    const std::size_t n = std::max(1u, plan.batch_size);
    out.reserve((ids.size() + n - 1) / n);
    for (std::size_t i = 0; i < ids.size(); i += n)
        out.emplace_back(
            std::make_move_iterator(ids.begin() + static_cast<std::ptrdiff_t>(i)),
            std::make_move_iterator(ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + n)))
        );
    return out;
}

state::job_state project_poller::impl::current(const std::string& id) const
{
    if (const auto* s = store.find(plan.project, id))
        return *s;
    auto s = roster.new_job(id);
    // A discovered job enters the store with what its listing said (a child's error message), so
    // that its first observation already tells it.
    if (const auto* listed = discovered.find(id))
        apply_listing(s, *listed);
    return s;
}

void project_poller::impl::emit(std::vector<state::event>& events)
{
    if (!events.empty() && sink.on_events)
        sink.on_events(events);
}

void project_poller::impl::commit(const std::string& id, state::job_state next)
{
    auto events = state::apply_update(store, key(id), std::move(next), clock.now());
    emit(events);
}

void project_poller::impl::remove(const std::string& id)
{
    auto events = state::remove_job(store, key(id), clock.now());
    emit(events);
}

void project_poller::impl::drop(const std::string& id, std::string_view code)
{
    if (roster.configured(id))
    {
        not_found(id, code);
        return;
    }
    if (!roster.mark_gone(id))
        return;
    transferring.erase(id);
    log->warn(
        "project={} job_id={} msg=\"job not found by the API; dropped until reload\" code={}",
        plan.project,
        id,
        code
    );
    auto events = state::remove_job(store, key(id), clock.now());
    if (events.empty())
    {
        // Unknown from the first call on: it never entered the store, but the operator still has
        // to learn that a configured job is not being monitored.
        state::event e;
        e.time = clock.now();
        e.project = plan.project;
        e.job_id = id;
        e.kind = state::event_kind::job_removed;
        events.push_back(std::move(e));
    }
    // A discovered job the API no longer knows was deleted: the reason its listings would give.
    const std::string reason = roster.discovered(id) ? std::string(removed_deleted) + ", not found: "
                                                     : "not found: ";
    for (auto& e : events)
        e.detail = reason + std::string(code);
    emit(events);
}

void project_poller::impl::not_found(const std::string& id, std::string_view code)
{
    transferring.erase(id);
    if (!roster.mark_missing(id))
        return;
    log->warn(
        "project={} job_id={} msg=\"configured job not found by the API; kept with the code and re-checked "
        "every "
        "detail_interval\" code={}",
        plan.project,
        id,
        code
    );
    const auto* stored = store.find(plan.project, id);
    const bool announce = newly_not_found(stored, code);
    // The diff's events for this change (job_added or status_changed to nothing, api_error_appeared)
    // would each say part of one thing; job_not_found says it once, and none after a restart.
    auto events = state::apply_update(store, key(id), missing_job(roster, id, stored, code), clock.now());
    events.clear();
    if (announce)
    {
        state::event e;
        e.time = clock.now();
        e.project = plan.project;
        e.job_id = id;
        if (const auto* now_stored = store.find(plan.project, id))
            e.job_name = now_stored->metadata.name;
        e.kind = state::event_kind::job_not_found;
        e.to = std::string(code);
        e.detail = "not found: " + std::string(code);
        events.push_back(std::move(e));
    }
    emit(events);
}

void project_poller::impl::log_failure(task t, const core::error& e)
{
    log->warn(
        "project={} task={} msg=\"round failed\" err=\"{}\"",
        plan.project,
        to_string(t),
        e.to_string()
    );
}

// ---- loops -----------------------------------------------------------------

bool project_poller::impl::task_enabled(task t) const
{
    switch (t)
    {
    case task::async: return !plan.async_jobs.empty();
    case task::discovery: return plan.discovery.has_value();
    case task::collect:
        return std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const planned_job& j) {
            return j.collect_type.has_value();
        });
    case task::dr: return plan.dr;
    case task::components: return plan.components;
    default: return true;
    }
}

awaitable<void> project_poller::impl::sleep_until(task t, core::mono_time when)
{
    const auto now = clock.mono_now();
    if (when <= now || stopping)
        co_return;
    asio::steady_timer timer(ex, when - now);
    auto& slot = sleepers[static_cast<std::size_t>(t)];
    slot = &timer;
    co_await timer.async_wait(use_tuple);
    slot = nullptr;
}

void project_poller::impl::record(task t, outcome o)
{
    last[static_cast<std::size_t>(t)] = o;
    if (sink.on_round)
        sink.on_round(plan.project, t, o);
}

awaitable<void> project_poller::impl::loop(task t)
{
    auto next = sched.first_run(t, clock.mono_now(), r01());
    while (!stopping)
    {
        co_await sleep_until(t, next);
        if (stopping)
            break;
        const auto started = clock.mono_now();
        outcome o = outcome::failed;
        try
        {
            o = co_await round(t);
        }
        catch (const std::exception& e)
        {
            log->error(
                "project={} task={} msg=\"round aborted\" err=\"{}\"",
                plan.project,
                to_string(t),
                e.what()
            );
        }
        record(t, o);
        next = sched.next_run(t, started, clock.mono_now(), o, r01());
    }
}

void project_poller::impl::stop()
{
    stopping = true;
    for (auto* timer : sleepers)
        if (timer)
            timer->cancel();
}

// ---- project_poller ----------------------------------------------------------

project_poller::project_poller(project_plan plan, poller_context ctx)
    : impl_(std::make_shared<impl>(std::move(plan), std::move(ctx)))
{
}

project_poller::~project_poller() = default;

awaitable<void> project_poller::run()
{
    auto self = impl_;
    // One coroutine per task; the poller ends when all of them have ended.
    drsmon::asio::wait_group loops(self->ex);
    for (std::size_t i = 0; i < task_count; ++i)
    {
        const auto t = static_cast<task>(i);
        if (!self->task_enabled(t))
            continue;
        loops.add();
        asio::co_spawn(
            self->ex,
            self->loop(t),
            loops.on_done(
                drsmon::asio::log_completion(self->log, "poll loop", "project=" + self->plan.project)
            )
        );
    }
    co_await loops.async_wait();
}

void project_poller::stop() { impl_->stop(); }

awaitable<bool> project_poller::run_once()
{
    auto self = impl_;
    bool ok = true;
    // Order matters: async batches and discovery add jobs, status finds them, detail names them.
    for (task t :
         {task::async,
          task::discovery,
          task::status,
          task::detail,
          task::precheck,
          task::init,
          task::collect,
          task::dr,
          task::components})
    {
        if (!self->task_enabled(t))
            continue;
        const auto o = co_await self->round(t);
        self->record(t, o);
        ok = ok && o == outcome::ok;
    }
    co_return ok;
}

bool project_poller::first_round_done() const noexcept
{
    for (std::size_t i = 0; i < task_count; ++i)
        if (impl_->task_enabled(static_cast<task>(i)) && !impl_->last[i])
            return false;
    return true;
}

bool project_poller::up() const noexcept
{
    for (std::size_t i = 0; i < task_count; ++i)
        if (impl_->task_enabled(static_cast<task>(i)) && impl_->last[i] && *impl_->last[i] != outcome::ok)
            return false;
    return first_round_done();
}

const std::string& project_poller::project() const noexcept { return impl_->plan.project; }

}  // namespace drsmon::poller
