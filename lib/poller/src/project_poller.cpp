#include "drsmon/client/drs_client.hpp"
#include "drsmon/drs_api/parse.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/poller/observations.hpp"
#include "drsmon/poller/project_poller.hpp"
#include "drsmon/poller/rules.hpp"
#include "drsmon/state/store.hpp"
#include "drsmon/state/update.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <set>

namespace drsmon::poller {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

outcome outcome_of(const core::error& e)
{
    switch (e.kind())
    {
    case core::errc::throttled: return outcome::throttled;
    case core::errc::auth: return outcome::auth_failed;
    default: return outcome::failed;
    }
}

// Merges two outcomes of one round: the most serious wins.
outcome worst(outcome a, outcome b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

using batch_builder = std::function<drs_api::request_spec(std::span<const std::string>)>;

}  // namespace

struct project_poller::impl : std::enable_shared_from_this<impl>
{
    asio::any_io_executor ex;
    project_plan plan;
    client::drs_client& client;
    state::store& store;
    const core::clock& clock;
    std::shared_ptr<spdlog::logger> log;
    poller_sink sink;
    scheduler sched;
    std::mt19937_64 rng{std::random_device{}()};
    bool stopping = false;

    // Jobs found under async batches (job id -> batch id), and jobs the API
    // says do not exist: these are dropped and not polled again until reload.
    std::map<std::string, std::string> discovered;
    std::set<std::string> gone;
    std::map<std::string, core::mono_time> next_collect;
    std::array<std::optional<outcome>, task_count> last{};
    // The timer each task loop sleeps on, so that stop() wakes it at once.
    std::array<asio::steady_timer*, task_count> sleepers{};
    unsigned loops_running = 0;

    impl(
        asio::any_io_executor e,
        project_plan p,
        client::drs_client& c,
        state::store& s,
        const core::clock& cl,
        std::shared_ptr<spdlog::logger> l,
        poller_sink sk
    )
        : ex(e),
          plan(std::move(p)),
          client(c),
          store(s),
          clock(cl),
          log(std::move(l)),
          sink(std::move(sk)),
          sched(plan.schedule)
    {
    }

    double r01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

    state::job_key key(const std::string& id) const { return {plan.project, id}; }

    bool configured(const std::string& id) const
    {
        return std::any_of(plan.jobs.begin(), plan.jobs.end(), [&](const planned_job& j) {
            return j.id == id;
        });
    }

    // Every job this project polls: configured ones, then those discovered
    // under async batches; unknown ones excluded.
    std::vector<std::string> all_ids() const
    {
        std::vector<std::string> ids;
        ids.reserve(plan.jobs.size() + discovered.size());
        for (const auto& j : plan.jobs)
            if (!gone.contains(j.id))
                ids.push_back(j.id);
        for (const auto& [id, batch] : discovered)
            if (!gone.contains(id) && !configured(id))
                ids.push_back(id);
        return ids;
    }

    // The stored jobs for which `rule` holds.
    std::vector<std::string> ids_where(bool (*rule)(const state::job_state&) noexcept) const
    {
        std::vector<std::string> out;
        for (auto& id : all_ids())
        {
            const auto* s = store.find(plan.project, id);
            if (s && rule(*s))
                out.push_back(std::move(id));
        }
        return out;
    }

    std::vector<std::vector<std::string>> batches(std::vector<std::string> ids) const
    {
        std::vector<std::vector<std::string>> out;
        const std::size_t n = std::max(1u, plan.batch_size);
        out.reserve((ids.size() + n - 1) / n);
        for (std::size_t i = 0; i < ids.size(); i += n)
            out.emplace_back(
                std::make_move_iterator(ids.begin() + static_cast<std::ptrdiff_t>(i)),
                std::make_move_iterator(
                    ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + n))
                )
            );
        return out;
    }

    // The current state of a job, or a fresh one with its source and batch.
    state::job_state current(const std::string& id) const
    {
        if (const auto* s = store.find(plan.project, id))
            return *s;
        state::job_state s;
        auto it = discovered.find(id);
        if (it != discovered.end())
        {
            s.metadata.async_job_id = it->second;
            if (!configured(id))
                s.source = std::string(state::source_async_batch);
        }
        return s;
    }

    void emit(std::vector<state::event>& events)
    {
        if (!events.empty() && sink.on_events)
            sink.on_events(events);
    }

    void commit(const std::string& id, state::job_state next)
    {
        auto events = state::apply_update(store, key(id), std::move(next), clock.now());
        emit(events);
    }

    void remove(const std::string& id)
    {
        auto events = state::remove_job(store, key(id), clock.now());
        emit(events);
    }

    void drop(const std::string& id, std::string_view code)
    {
        if (!gone.insert(id).second)
            return;
        log->warn(
            "project={} job_id={} msg=\"job not found by the API; dropped until reload\" code={}",
            plan.project,
            id,
            code
        );
        auto events = state::remove_job(store, key(id), clock.now());
        if (events.empty())
        {
            // Unknown from the first call on: it never entered the store, but the operator still
            // has to learn that a configured job is not being monitored.
            state::event e;
            e.time = clock.now();
            e.project = plan.project;
            e.job_id = id;
            e.kind = state::event_kind::job_removed;
            events.push_back(std::move(e));
        }
        for (auto& e : events)
            e.detail = "not found: " + std::string(code);
        emit(events);
    }

    // Logs a failed call or parse and folds it into the round's outcome. True when `r` holds a value.
    template <class T>
    bool settle(task t, const core::result<T>& r, outcome& acc)
    {
        if (r)
            return true;
        log->warn(
            "project={} task={} msg=\"round failed\" err=\"{}\"",
            plan.project,
            to_string(t),
            r.error().to_string()
        );
        acc = worst(acc, outcome_of(r.error()));
        return false;
    }

    // One query: the parsed answer, or the error of the call or of the parse.
    template <class T>
    awaitable<core::result<T>> fetch(drs_api::request_spec spec, core::result<T> (*parse)(std::string_view))
    {
        auto r = co_await client.call(std::move(spec));
        if (!r)
            co_return r.error();
        co_return parse(r->body);
    }

    // Maps every item of an answer into the store, as the observation judges it.
    template <class Response, class Item>
    void observe(const batch_observation<Response, Item>& obs, const Response& answer)
    {
        const auto now = clock.now();
        for (const Item& item : answer.*obs.items)
        {
            const std::string& id = item.*obs.job_id;
            if (id.empty() || gone.contains(id))
                continue;
            const auto judged = obs.judge(store.find(plan.project, id), item);
            switch (judged.kind)
            {
            case verdict::ignore:
            case verdict::keep: continue;
            case verdict::drop: drop(id, judged.code); continue;
            case verdict::refresh:
                store.refresh_if(plan.project, id, now, [](const state::job_state&) { return true; });
                continue;
            case verdict::apply: break;
            }
            auto s = current(id);
            obs.apply(s, item, now);
            commit(id, std::move(s));
        }
    }

    // The batches of a round share a queue served by max_concurrency workers, so a round of N jobs
    // takes about N / (batch_size x max_concurrency) request latencies; the client bounds the
    // requests in flight across all tasks of the project.
    struct batch_queue
    {
        std::vector<std::vector<std::string>> batches;
        std::size_t next = 0;
        outcome result = outcome::ok;
        bool abort = false;
        unsigned workers = 0;
    };

    template <class Response, class Item>
    static awaitable<void> batch_worker(
        std::shared_ptr<impl> self,
        std::shared_ptr<batch_queue> q,
        const batch_observation<Response, Item>* obs,
        task t
    )
    {
        batch_builder build = [pid = self->plan.project_id, request = obs->request](auto ids) {
            return request(pid, ids);
        };
        while (q->next < q->batches.size() && !q->abort && !self->stopping)
        {
            auto batch = std::move(q->batches[q->next++]);
            auto out = co_await self->client.call_batch(build, std::move(batch));
            for (const auto& id : out.not_found)
                self->drop(id, out.not_found_code);
            if (out.error)
            {
                core::result<void> failed = *out.error;
                self->settle(t, failed, q->result);
                const auto kind = out.error->kind();
                q->abort = kind == core::errc::auth || kind == core::errc::cancelled;
            }
            for (const auto& body : out.bodies)
            {
                const auto answer = obs->parse(body);
                if (self->settle(t, answer, q->result))
                    self->observe(*obs, *answer);
            }
        }
    }

    // Asks a batch API about `ids`, batch_size at a time, and maps the answers into the store.
    // Unknown IDs are dropped.
    template <class Response, class Item>
    awaitable<outcome> batch_round(
        task t,
        const batch_observation<Response, Item>& obs,
        std::vector<std::string> ids
    )
    {
        auto q = std::make_shared<batch_queue>();
        q->batches = batches(std::move(ids));
        auto done = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
        const auto n = std::min<std::size_t>(std::max(1u, plan.max_concurrency), q->batches.size());
        for (std::size_t w = 0; w < n; ++w)
        {
            ++q->workers;
            asio::co_spawn(ex, batch_worker(shared_from_this(), q, &obs, t), [q, done](std::exception_ptr) {
                if (--q->workers == 0)
                    done->cancel();
            });
        }
        if (q->workers > 0)
            co_await done->async_wait(tok);
        co_return q->result;
    }

    // ---- task rounds ------------------------------------------------------

    awaitable<outcome> status_round()
    {
        auto status_ids = all_ids();
        const auto status = co_await batch_round(task::status, status_observation, std::move(status_ids));
        if (stopping)
            co_return status;
        auto progress_ids = all_ids();
        const auto progress = co_await batch_round(
            task::status,
            progress_observation,
            std::move(progress_ids)
        );
        auto stale = state::mark_stale(store, clock.now(), plan.max_staleness);
        emit(stale);
        co_return worst(status, progress);
    }

    awaitable<outcome> detail_round()
    {
        auto ids = all_ids();
        co_return co_await batch_round(task::detail, detail_observation, std::move(ids));
    }

    awaitable<outcome> precheck_round()
    {
        auto ids = ids_where(wants_precheck);
        co_return co_await batch_round(task::precheck, precheck_observation, std::move(ids));
    }

    awaitable<outcome> init_round()
    {
        auto ids = ids_where(wants_init);
        auto process_ids = ids;
        auto result = co_await batch_round(task::init, struct_process_observation, std::move(process_ids));
        // Object details only for types still in progress: one listing per object type and batch
        // of up to batch_size jobs.
        std::map<std::string, std::pair<drs_api::struct_object_type, std::vector<std::string>>> by_type;
        for (const auto& id : ids)
        {
            const auto* s = store.find(plan.project, id);
            if (!s)
                continue;
            for (const auto& [type, obj] : s->init)
            {
                const auto path = obj.complete() ? std::nullopt : detail_type(type);
                if (path)
                    by_type.try_emplace(type, *path, std::vector<std::string>{})
                        .first->second.second.push_back(id);
            }
        }
        for (auto& [type, entry] : by_type)
            for (auto& batch : batches(std::move(entry.second)))
            {
                if (stopping)
                    co_return result;
                struct_detail_tally tally(batch);
                bool more = true;
                for (int page = 1; more && page <= struct_detail_tally::max_pages; ++page)
                {
                    auto spec = drs_api::batch_struct_detail_request(
                        plan.project_id,
                        batch,
                        entry.first,
                        page,
                        struct_detail_tally::per_page
                    );
                    const auto answer = co_await fetch(std::move(spec), &drs_api::parse_batch_struct_detail);
                    if (!settle(task::init, answer, result))
                        break;
                    more = tally.add_page(*answer);
                }
                if (more)
                    continue;  // an incomplete listing would undercount
                for (const auto& [id, counts] : tally.result())
                {
                    if (judge_struct_detail(store.find(plan.project, id), type, counts).kind !=
                        verdict::apply)
                        continue;
                    auto s = current(id);
                    apply_struct_detail(s, type, counts);
                    commit(id, std::move(s));
                }
            }
        co_return result;
    }

    awaitable<outcome> async_round()
    {
        outcome result = outcome::ok;
        for (const auto& batch_id : plan.async_jobs)
        {
            std::set<std::string> members;
            offset_pager pager(100, 1'000'000);
            bool complete = true;
            while (pager.more() && !stopping)
            {
                auto spec = drs_api::async_job_detail_request(
                    plan.project_id,
                    batch_id,
                    pager.offset(),
                    pager.limit()
                );
                const auto answer = co_await fetch(std::move(spec), &drs_api::parse_async_job_detail);
                if (!settle(task::async, answer, result))
                {
                    complete = false;
                    break;
                }
                for (const auto& j : answer->jobs)
                {
                    if (j.id.empty())
                        continue;
                    members.insert(j.id);
                    discovered[j.id] = batch_id;
                    if (gone.contains(j.id))
                        continue;
                    auto s = current(j.id);
                    apply_v5(s, j, batch_id, clock.now());
                    commit(j.id, std::move(s));
                }
                pager.advance(answer->jobs.size(), answer->total_count);
            }
            if (!complete || stopping)
                continue;
            // Jobs no longer listed under the batch leave it.
            for (const auto& id : left_batch(discovered, batch_id, members))
            {
                discovered.erase(id);
                if (!configured(id))
                {
                    remove(id);
                    continue;
                }
                auto s = current(id);
                s.metadata.async_job_id.clear();
                commit(id, std::move(s));
            }
        }
        co_return result;
    }

    awaitable<outcome> collect_round()
    {
        outcome result = outcome::ok;
        const auto now = clock.mono_now();
        for (const auto& job : plan.jobs)
        {
            if (!job.collect_type || gone.contains(job.id) || stopping)
                continue;
            const auto* existing = store.find(plan.project, job.id);
            if (!existing)
                continue;
            const auto due = next_collect.find(job.id);
            const auto step = next_collect_step(
                existing->collect,
                due == next_collect.end() || now >= due->second
            );
            if (step == collect_step::poll)
            {
                const auto query_id = existing->collect.query_id;
                auto spec = drs_api::collection_status_request(plan.project_id, job.id, query_id);
                const auto answer = co_await fetch(std::move(spec), &drs_api::parse_collection_status);
                if (!settle(task::collect, answer, result))
                    continue;
                auto s = current(job.id);
                apply_collection_status(s, *answer, clock.now());
                commit(job.id, std::move(s));
            }
            else if (step == collect_step::submit)
            {
                next_collect[job.id] = now + job.collect_interval;
                auto spec = drs_api::db_objects_collect_request(
                    plan.project_id,
                    job.id,
                    *job.collect_type,
                    true
                );
                const auto answer = co_await fetch(std::move(spec), &drs_api::parse_db_objects_collect);
                if (!settle(task::collect, answer, result))
                    continue;
                auto s = current(job.id);
                apply_collect_submit(s, *answer, clock.now());
                commit(job.id, std::move(s));
            }
        }
        co_return result;
    }

    awaitable<outcome> round(task t)
    {
        client.begin_round();
        switch (t)
        {
        case task::status: co_return co_await status_round();
        case task::detail: co_return co_await detail_round();
        case task::precheck: co_return co_await precheck_round();
        case task::init: co_return co_await init_round();
        case task::async: co_return co_await async_round();
        case task::collect: co_return co_await collect_round();
        }
        co_return outcome::failed;
    }

    bool task_enabled(task t) const
    {
        switch (t)
        {
        case task::async: return !plan.async_jobs.empty();
        case task::collect:
            return std::any_of(plan.jobs.begin(), plan.jobs.end(), [](const planned_job& j) {
                return j.collect_type.has_value();
            });
        default: return true;
        }
    }

    // Sleeps until `when` (monotonic); stop() cancels the sleep.
    awaitable<void> sleep_until(task t, core::mono_time when)
    {
        const auto now = clock.mono_now();
        if (when <= now || stopping)
            co_return;
        asio::steady_timer timer(ex, when - now);
        auto& slot = sleepers[static_cast<std::size_t>(t)];
        slot = &timer;
        co_await timer.async_wait(tok);
        slot = nullptr;
    }

    void record(task t, outcome o)
    {
        last[static_cast<std::size_t>(t)] = o;
        if (sink.on_round)
            sink.on_round(plan.project, t, o);
    }

    awaitable<void> loop(task t)
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

    void stop()
    {
        stopping = true;
        for (auto* timer : sleepers)
            if (timer)
                timer->cancel();
    }
};

project_poller::project_poller(
    asio::any_io_executor ex,
    project_plan plan,
    client::drs_client& client,
    state::store& store,
    const core::clock& clock,
    std::shared_ptr<spdlog::logger> log,
    poller_sink sink
)
    : impl_(std::make_shared<impl>(ex, std::move(plan), client, store, clock, std::move(log), std::move(sink))
      )
{
}

project_poller::~project_poller() = default;

awaitable<void> project_poller::run()
{
    auto self = impl_;
    // One coroutine per task; the poller ends when all of them have ended.
    // Shared with the completion handlers: they may outlive this frame when
    // the caller cancels run().
    auto all_done = std::make_shared<asio::steady_timer>(self->ex, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < task_count; ++i)
    {
        const auto t = static_cast<task>(i);
        if (!self->task_enabled(t))
            continue;
        ++self->loops_running;
        asio::co_spawn(self->ex, self->loop(t), [self, all_done](std::exception_ptr e) {
            if (e)
            {
                try
                {
                    std::rethrow_exception(e);
                }
                catch (const std::exception& ex)
                {
                    self->log->error(
                        "project={} msg=\"poll loop ended\" err=\"{}\"",
                        self->plan.project,
                        ex.what()
                    );
                }
            }
            if (--self->loops_running == 0)
                all_done->cancel();
        });
    }
    if (self->loops_running > 0)
        co_await all_done->async_wait(tok);
}

void project_poller::stop() { impl_->stop(); }

awaitable<bool> project_poller::run_once()
{
    auto self = impl_;
    bool ok = true;
    // Order matters: async batches add jobs, status finds them, detail names them.
    for (task t : {task::async, task::status, task::detail, task::precheck, task::init, task::collect})
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
