#pragma once

// The poller's coroutine shell, shared by project_poller.cpp (loops, life cycle) and rounds.cpp
// (one round per task). Decisions are made by the pure core (observations.hpp, rules.hpp,
// roster.hpp, scheduler.hpp); this code only calls, stores and emits.

#include "drsmon/asio/async.hpp"
#include "drsmon/client/drs_client.hpp"
#include "drsmon/drs_api/errors.hpp"
#include "drsmon/poller/dr_observations.hpp"
#include "drsmon/poller/observations.hpp"
#include "drsmon/poller/project_poller.hpp"
#include "drsmon/poller/roster.hpp"
#include "drsmon/state/store.hpp"
#include "drsmon/state/update.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <map>
#include <memory>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace drsmon::poller {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

outcome outcome_of(const core::error& e) noexcept;
// Merges two outcomes of one round: the most serious wins.
outcome worst(outcome a, outcome b) noexcept;

struct project_poller::impl : std::enable_shared_from_this<impl>
{
    boost::asio::any_io_executor ex;
    project_plan plan;
    client::drs_client& client;
    state::store& store;
    const core::clock& clock;
    std::shared_ptr<spdlog::logger> log;
    poller_sink sink;
    scheduler sched;
    job_roster roster;
    // Discovery (plan.discovery set): the compiled filters and the jobs found so far.
    std::optional<discovery_filter> filter;
    discovery_tracker discovered;
    std::mt19937_64 rng{std::random_device{}()};
    bool stopping = false;

    std::map<std::string, core::mono_time> next_collect;
    // Jobs that were in a transfer phase at their last progress read (or at the start of a status
    // round): they get one more progress read after leaving it.
    std::unordered_set<std::string> transferring;
    // Jobs whose progress was read since the start: a job never read that is failed or paused
    // gets one read, to export where it stopped.
    std::unordered_set<std::string> progress_read;
    // When batch-status last answered for each job (the cross-check of transfer_status).
    std::unordered_map<std::string, core::wall_time> status_checked;
    std::array<std::optional<outcome>, task_count> last{};
    // The timer each task loop sleeps on, so that stop() wakes it at once.
    std::array<boost::asio::steady_timer*, task_count> sleepers{};

    impl(project_plan p, poller_context ctx);

    // ---- store and events (project_poller.cpp)
    state::job_key key(const std::string& id) const { return {plan.project, id}; }
    // The stored jobs of the roster for which `rule` holds.
    std::vector<std::string> ids_where(bool (*rule)(const state::job_state&) noexcept) const;
    std::vector<std::vector<std::string>> batches(std::vector<std::string> ids) const;
    // The stored state of a job, or the state a new one starts with.
    state::job_state current(const std::string& id) const;
    void emit(std::vector<state::event>& events);
    void commit(const std::string& id, state::job_state next);
    void remove(const std::string& id);
    // The API says `id` does not exist: a configured job stays as not_found() says; any other
    // leaves the store (job_removed) until reload.
    void drop(const std::string& id, std::string_view code);
    // A configured job the API does not know: kept in the store with only its identity and the
    // code (drs_job_info, drs_job_api_error), one job_not_found event, re-checked by batch-detail.
    void not_found(const std::string& id, std::string_view code);
    void log_failure(task t, const core::error& e);

    // ---- rounds (rounds.cpp)
    boost::asio::awaitable<outcome> round(task t);
    boost::asio::awaitable<outcome> status_round();
    boost::asio::awaitable<outcome> detail_round();
    boost::asio::awaitable<outcome> precheck_round();
    boost::asio::awaitable<outcome> init_round();
    boost::asio::awaitable<outcome> async_round();
    boost::asio::awaitable<outcome> collect_round();
    // discovery_round.cpp
    boost::asio::awaitable<outcome> discovery_round();
    // Lists one db_use_type completely (or until a call fails) into `out`; true when the listing
    // was complete.
    boost::asio::awaitable<bool> list_jobs(std::string db_use_type, selection& out, outcome& result);
    void apply_discovery(const discovery_change& change);
    // What the pass listed of each monitored job it names (a child's error message), stored
    // through the normal update; a job not stored yet starts with it (current()).
    void apply_listings(const selection& pass);
    boost::asio::awaitable<outcome> dr_round();
    boost::asio::awaitable<outcome> components_round();
    boost::asio::awaitable<outcome> actions_round();

    // ---- loops (project_poller.cpp)
    bool task_enabled(task t) const;
    boost::asio::awaitable<void> sleep_until(task t, core::mono_time when);
    void record(task t, outcome o);
    boost::asio::awaitable<void> loop(task t);
    void stop();
    double r01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

    // ---- the generic steps every round is made of

    // Logs a failed call or parse and folds it into the round's outcome. True when `r` holds a value.
    template <class T>
    bool settle(task t, const core::result<T>& r, outcome& acc)
    {
        if (r)
            return true;
        log_failure(t, r.error());
        acc = worst(acc, outcome_of(r.error()));
        return false;
    }

    // One query: the parsed answer, or the error of the call or of the parse.
    template <class T>
    boost::asio::awaitable<core::result<T>> fetch(
        drs_api::request_spec spec,
        core::result<T> (*parse)(std::string_view)
    )
    {
        auto r = co_await client.call(std::move(spec));
        if (!r)
            co_return r.error();
        co_return parse(r->body);
    }

    // Maps every item of an answer into the store, as the observation judges it.
    template <class Response>
    void observe(const Response& answer)
    {
        const auto now = clock.now();
        for (const auto& item : answer.results)
        {
            const std::string& id = job_id_of(item);
            if (id.empty() || roster.gone(id))
                continue;
            const auto judged = judge(store.find(plan.project, id), item);
            // A missing configured job the API answers for again exists (again): poll it.
            if (judged.kind != verdict::drop && roster.clear_missing(id))
                log->info("project={} job_id={} msg=\"configured job found by the API\"", plan.project, id);
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
            apply_item(s, item, now);
            commit(id, std::move(s));
        }
    }

    // The batches of a round share a queue served by max_concurrency workers, so a round of N
    // jobs takes about N / (batch_size x max_concurrency) request latencies; the client bounds
    // the requests in flight across all tasks of the project.
    struct batch_queue
    {
        std::vector<std::vector<std::string>> batches;
        std::size_t next = 0;
        outcome result = outcome::ok;
        bool abort = false;
    };

    template <class Response>
    static boost::asio::awaitable<void> batch_worker(
        std::shared_ptr<impl> self,
        std::shared_ptr<batch_queue> q,
        batch_observation<Response> obs,
        task t
    )
    {
        std::function<drs_api::request_spec(std::span<const std::string>)> build =
            [pid = self->plan.project_id, request = obs.request](std::span<const std::string> ids) {
                return request(pid, ids);
            };
        while (q->next < q->batches.size() && !q->abort && !self->stopping)
        {
            auto batch = std::move(q->batches[q->next++]);
            auto out = co_await self->client.call_batch(build, std::move(batch));
            for (const auto& id : out.not_found)
                self->drop(id, out.not_found_code);
            // A job the whole-batch refusal isolated: as if the API had answered for it alone.
            if (!out.not_applicable.empty())
            {
                Response refused;
                for (const auto& id : out.not_applicable)
                {
                    typename batch_observation<Response>::item_type item;
                    job_id_of(item) = id;
                    item.error = out.not_applicable_error;
                    refused.results.push_back(std::move(item));
                }
                self->observe(refused);
            }
            if (out.error)
            {
                self->log_failure(t, *out.error);
                q->result = worst(q->result, outcome_of(*out.error));
                const auto kind = out.error->kind();
                q->abort = kind == core::errc::auth || kind == core::errc::cancelled;
            }
            for (const auto& body : out.bodies)
            {
                const auto answer = obs.parse(body);
                if (self->settle(t, answer, q->result))
                    self->observe(*answer);
            }
        }
    }

    // Asks a batch API about `ids`, batch_size at a time, and maps the answers into the store.
    // Unknown IDs are dropped.
    template <class Response>
    boost::asio::awaitable<outcome> batch_round(
        task t,
        decltype(batch_observation<Response>::request) request,
        core::result<Response> (*parse)(std::string_view),
        std::vector<std::string> ids
    )
    {
        const batch_observation<Response> obs{request, parse};
        auto q = std::make_shared<batch_queue>();
        q->batches = batches(std::move(ids));
        drsmon::asio::wait_group workers(ex);
        const auto n = std::min<std::size_t>(std::max(1u, plan.max_concurrency), q->batches.size());
        for (std::size_t w = 0; w < n; ++w)
        {
            workers.add();
            boost::asio::co_spawn(
                ex,
                batch_worker(shared_from_this(), q, obs, t),
                workers.on_done(drsmon::asio::log_completion(log, "batch worker", "project=" + plan.project))
            );
        }
        co_await workers.async_wait();
        co_return q->result;
    }

    // One query about one job: applies the parsed answer to the job, or logs the failure.
    template <class T>
    boost::asio::awaitable<outcome> fetch_into(
        task t,
        std::string id,
        drs_api::request_spec spec,
        core::result<T> (*parse)(std::string_view),
        void (*apply)(state::job_state&, const T&, core::wall_time)
    )
    {
        outcome result = outcome::ok;
        const auto answer = co_await fetch(std::move(spec), parse);
        if (settle(t, answer, result))
        {
            auto s = current(id);
            apply(s, *answer, clock.now());
            commit(id, std::move(s));
        }
        co_return result;
    }

    // One GET per job that `wants` selects, in turn; each answer is applied to its job. With
    // `not_applicable`, an answer with the not-applicable code (drs_api::is_not_applicable_code)
    // marks the job through it instead of counting as a failure.
    template <class T>
    boost::asio::awaitable<outcome> per_job_round(
        task t,
        bool (*wants)(const state::job_state&) noexcept,
        drs_api::request_spec (*request)(std::string_view project_id, std::string_view job_id),
        core::result<T> (*parse)(std::string_view),
        void (*apply)(state::job_state&, const T&, core::wall_time),
        void (*not_applicable)(state::job_state&) = nullptr
    )
    {
        outcome result = outcome::ok;
        for (const auto& id : ids_where(wants))
        {
            if (stopping)
                break;
            const auto answer = co_await fetch(request(plan.project_id, id), parse);
            if (roster.gone(id) || !store.find(plan.project, id))
                continue;
            auto s = current(id);
            if (!answer && not_applicable && drs_api::is_not_applicable_code(answer.error().service_code))
                not_applicable(s);
            else if (settle(t, answer, result))
                apply(s, *answer, clock.now());
            else if (result == outcome::auth_failed)
                break;
            else
                continue;
            commit(id, std::move(s));
        }
        co_return result;
    }
};

}  // namespace drsmon::poller
