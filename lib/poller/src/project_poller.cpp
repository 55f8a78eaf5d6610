#include "drsmon/client/drs_client.hpp"
#include "drsmon/drs_api/errors.hpp"
#include "drsmon/drs_api/parse.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/poller/project_poller.hpp"
#include "drsmon/state/store.hpp"
#include "drsmon/state/update.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <random>
#include <set>

namespace drsmon::poller {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return s;
}

state::api_error_state to_api_error(const std::optional<drs_api::item_error>& e)
{
    if (!e || (e->code.empty() && e->message.empty()))
        return {};
    // The message is free text: it is kept short and never used as a label.
    return {e->code.empty() ? std::string("unknown") : e->code, e->message.substr(0, 160)};
}

// A non-owning view of one batch outcome, passed to the round's handler.
struct batch_outcome_view
{
    const client::batch_outcome* value;
};

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

// Object types of batch-struct-detail, by the lowercase name struct-process reports.
std::optional<drs_api::struct_object_type> detail_type(const std::string& lowered)
{
    using t = drs_api::struct_object_type;
    static const std::map<std::string, t> types{
        {"database", t::database},
        {"schema", t::schema},
        {"table", t::table},
        {"view", t::view},
        {"procedure", t::procedure},
        {"trigger", t::trigger},
        {"index", t::index},
        {"table_index", t::table_indexs},
        {"table_indexs", t::table_indexs},
        {"table_structure", t::table_structure},
    };
    auto it = types.find(lowered);
    if (it == types.end())
        return std::nullopt;
    return it->second;
}

bool wants_precheck(const state::job_state& s)
{
    if (s.status == "CONFIGURATION" || s.status == "CREATING")
        return true;
    // A pre-check that was seen running is followed until it finishes.
    return s.precheck.present && !s.precheck.complete;
}

bool wants_init(const state::job_state& s)
{
    if (s.metadata.db_use_type != "cloudDataGuard")
        return false;
    if (s.status.empty() || s.status == "CONFIGURATION" || s.status == "CREATING" ||
        drs_api::is_terminal_status(s.status))
        return false;
    if (s.init.empty())
        return true;
    return std::any_of(s.init.begin(), s.init.end(), [](const auto& kv) { return !kv.second.complete(); });
}

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

    template <class Pred>
    std::vector<std::string> ids_where(Pred pred) const
    {
        std::vector<std::string> out;
        for (const auto& id : all_ids())
        {
            const auto* s = store.find(plan.project, id);
            if (s && pred(*s))
                out.push_back(id);
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

    void commit(const std::string& id, state::job_state next)
    {
        auto events = state::apply_update(store, key(id), std::move(next), clock.now());
        if (!events.empty() && sink.on_events)
            sink.on_events(events);
    }

    void drop(const std::string& id, const std::string& code)
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
            e.detail = "not found: " + code;
        if (!events.empty() && sink.on_events)
            sink.on_events(events);
    }

    void log_failure(task t, const core::error& e)
    {
        log->warn(
            "project={} task={} msg=\"round failed\" err=\"{}\"",
            plan.project,
            to_string(t),
            e.to_string()
        );
    }

    // Runs a batch API over `ids`, parsing each successful body with `parse`
    // and handing every item to `apply`. Unknown IDs are dropped.
    template <class Parse, class Apply>
    awaitable<outcome> batch_round(
        task t,
        std::function<drs_api::request_spec(std::span<const std::string>)> build,
        std::vector<std::string> ids,
        Parse parse,
        Apply apply
    )
    {
        // The batches of a round share a queue served by max_concurrency
        // workers, so a round of N jobs takes about N / (batch_size x
        // max_concurrency) request latencies; the client bounds the
        // requests in flight across all tasks of the project.
        struct round_state
        {
            std::vector<std::vector<std::string>> queue;
            std::size_t next = 0;
            outcome result = outcome::ok;
            bool abort = false;
            unsigned workers = 0;
        };
        auto rs = std::make_shared<round_state>();
        rs->queue = batches(std::move(ids));
        auto handle = [&](batch_outcome_view out) {
            for (const auto& id : out.value->not_found)
                drop(id, out.value->not_found_code);
            if (out.value->error)
            {
                log_failure(t, *out.value->error);
                rs->result = worst(rs->result, outcome_of(*out.value->error));
                const auto kind = out.value->error->kind();
                if (kind == core::errc::auth || kind == core::errc::cancelled)
                    rs->abort = true;
            }
            for (const auto& body : out.value->bodies)
            {
                auto parsed = parse(body);
                if (!parsed)
                {
                    log_failure(t, parsed.error());
                    rs->result = worst(rs->result, outcome::failed);
                    continue;
                }
                apply(*parsed);
            }
        };
        auto done = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
        const unsigned n = std::max(
            1u,
            std::min<unsigned>(plan.max_concurrency, static_cast<unsigned>(rs->queue.size()))
        );
        for (unsigned w = 0; w < n; ++w)
        {
            ++rs->workers;
            auto worker = [](impl* self,
                             std::shared_ptr<round_state> st,
                             std::function<drs_api::request_spec(std::span<const std::string>)> b,
                             std::function<void(batch_outcome_view)> h) -> awaitable<void> {
                while (st->next < st->queue.size() && !st->abort && !self->stopping)
                {
                    auto batch = std::move(st->queue[st->next++]);
                    auto out = co_await self->client.call_batch(b, std::move(batch));
                    h(batch_outcome_view{&out});
                }
            };
            asio::co_spawn(ex, worker(this, rs, build, handle), [rs, done](std::exception_ptr) {
                if (--rs->workers == 0)
                    done->cancel();
            });
        }
        if (rs->workers > 0)
            co_await done->async_wait(tok);
        co_return rs->result;
    }

    // ---- task rounds ------------------------------------------------------

    awaitable<outcome> status_round()
    {
        const auto pid = plan.project_id;
        // Named locals: GCC 12 may destroy temporaries of a co_await expression twice.
        std::function<drs_api::request_spec(std::span<const std::string>)> build1 =
            [pid](std::span<const std::string> b) { return drs_api::batch_status_request(pid, b); };
        std::vector<std::string> ids1 = all_ids();
        auto parse1 = [](std::string_view body) { return drs_api::parse_batch_status(body); };
        auto apply1 = [this](const drs_api::batch_status_response& resp) {
            for (const auto& item : resp.results)
            {
                if (item.id.empty() || gone.contains(item.id))
                    continue;
                if (item.error && drs_api::is_not_found_code(item.error->code))
                {
                    drop(item.id, item.error->code);
                    continue;
                }
                if (item.status == "DELETED")
                {
                    drop(item.id, "DELETED");
                    continue;
                }
                auto error = to_api_error(item.error);
                const auto now = clock.now();
                // Most items confirm what is stored: then only the refresh time moves.
                if (state::confirm_status(store, plan.project, item.id, item.status, error, now))
                    continue;
                auto s = current(item.id);
                if (!item.status.empty())
                    s.status = item.status;
                s.api_error = std::move(error);
                s.last_refresh = now;
                commit(item.id, std::move(s));
            }
        };
        auto r1 = co_await batch_round(task::status, std::move(build1), std::move(ids1), parse1, apply1);
        if (stopping)
            co_return r1;
        // Named locals: GCC 12 may destroy temporaries of a co_await expression twice.
        std::function<drs_api::request_spec(std::span<const std::string>)> build2 =
            [pid](std::span<const std::string> b) { return drs_api::batch_progress_request(pid, b); };
        std::vector<std::string> ids2 = all_ids();
        auto parse2 = [](std::string_view body) { return drs_api::parse_batch_progress(body); };
        auto apply2 = [this](const drs_api::batch_progress_response& resp) {
            for (const auto& item : resp.results)
            {
                if (item.job_id.empty() || gone.contains(item.job_id))
                    continue;
                const auto* stored = store.find(plan.project, item.job_id);
                if (!stored)
                    continue;
                // Progress that repeats the stored values changes nothing (apply_update would
                // store an equal state): skip the copy.
                const bool error_kept = !item.error || item.error->code.empty() ||
                                        stored->api_error == to_api_error(item.error);
                if (error_kept && same_progress(*stored, item.progress))
                    continue;
                auto s = current(item.job_id);
                apply_progress(s, item.progress);
                if (item.error && !item.error->code.empty())
                    s.api_error = to_api_error(item.error);
                commit(item.job_id, std::move(s));
            }
        };
        auto r2 = co_await batch_round(task::status, std::move(build2), std::move(ids2), parse2, apply2);
        auto stale = state::mark_stale(store, clock.now(), plan.max_staleness);
        if (!stale.empty() && sink.on_events)
            sink.on_events(stale);
        co_return worst(r1, r2);
    }

    // True when apply_progress(s, p) would leave s as it is.
    static bool same_progress(const state::job_state& s, const drs_api::progress_snapshot& p)
    {
        if (s.progress_ratio != p.ratio || s.delay_seconds != p.delay_seconds ||
            s.remaining_seconds != p.remaining_seconds)
            return false;
        std::size_t completed = 0;
        for (const auto& ph : p.phases)
        {
            if (!ph.completed)
                continue;
            ++completed;
            const auto it = s.phases.find(ph.name);
            if (it == s.phases.end() || !(it->second == *ph.completed))
                return false;
        }
        // Equal sizes with every reported phase found: the same map (names in a map are unique,
        // and a name reported twice would make apply_progress keep the last value, which differs
        // from one of them unless both are equal).
        return completed == s.phases.size();
    }

    static void apply_progress(state::job_state& s, const drs_api::progress_snapshot& p)
    {
        s.progress_ratio = p.ratio;
        s.delay_seconds = p.delay_seconds;
        s.remaining_seconds = p.remaining_seconds;
        // Built aside and kept only when different, so that an unchanged map stays shared with
        // the stored state (cheap to compare and to copy).
        state::shared_flat_map<double> phases;
        for (const auto& ph : p.phases)
            if (ph.completed)
                phases[ph.name] = *ph.completed;
        if (!(phases == s.phases))
            s.phases = std::move(phases);
    }

    awaitable<outcome> detail_round()
    {
        const auto pid = plan.project_id;
        // Named locals: GCC 12 may destroy temporaries of a co_await expression twice.
        std::function<drs_api::request_spec(std::span<const std::string>)> build3 =
            [pid](std::span<const std::string> b) { return drs_api::batch_detail_request(pid, b); };
        std::vector<std::string> ids3 = all_ids();
        auto parse3 = [](std::string_view body) { return drs_api::parse_batch_detail(body); };
        auto apply3 = [this](const drs_api::batch_detail_response& resp) {
            for (const auto& d : resp.results)
            {
                if (d.id.empty() || gone.contains(d.id))
                    continue;
                if (d.error && drs_api::is_not_found_code(d.error->code))
                {
                    drop(d.id, d.error->code);
                    continue;
                }
                auto s = current(d.id);
                auto& m = s.metadata;
                m.name = d.name;
                m.db_use_type = d.db_use_type;
                m.engine_type = d.engine_type;
                m.task_type = d.task_type;
                m.job_direction = d.job_direction;
                m.parent_id = d.parent_id;
                if (d.create_time)
                    m.created = d.create_time;
                if (!d.status.empty())
                    s.status = d.status;
                commit(d.id, std::move(s));
            }
        };
        co_return co_await batch_round(task::detail, std::move(build3), std::move(ids3), parse3, apply3);
    }

    awaitable<outcome> precheck_round()
    {
        const auto ids = ids_where(wants_precheck);
        const auto pid = plan.project_id;
        // Named locals: GCC 12 may destroy temporaries of a co_await expression twice.
        std::function<drs_api::request_spec(std::span<const std::string>)> build4 =
            [pid](std::span<const std::string> b) { return drs_api::batch_precheck_result_request(pid, b); };
        std::vector<std::string> ids4 = ids;
        auto parse4 = [](std::string_view body) { return drs_api::parse_batch_precheck_result(body); };
        auto apply4 = [this](const drs_api::batch_precheck_response& resp) {
            for (const auto& r : resp.results)
            {
                if (r.job_id.empty() || !store.find(plan.project, r.job_id))
                    continue;
                auto s = current(r.job_id);
                if (r.error && !r.error->code.empty())
                {
                    s.api_error = to_api_error(r.error);
                    commit(r.job_id, std::move(s));
                    continue;
                }
                apply_precheck(s, r.summary);
                commit(r.job_id, std::move(s));
            }
        };
        co_return co_await batch_round(task::precheck, std::move(build4), std::move(ids4), parse4, apply4);
    }

    static void apply_precheck(state::job_state& s, const drs_api::precheck_summary& p)
    {
        s.precheck.present = true;
        s.precheck.progress_ratio = p.process;
        s.precheck.complete = p.process && *p.process >= 1.0;
        // The API's result is false until the pre-check ends: while it runs, whether it passed is
        // not known yet (otherwise a running pre-check shows as failed).
        s.precheck.passed = s.precheck.complete ? p.passed : std::nullopt;
        s.precheck.passed_ratio = p.total_passed_rate;
        s.precheck.items.clear();
        for (const auto& i : p.items)
            s.precheck.items.push_back({i.item, i.group, i.result});
    }

    awaitable<outcome> init_round()
    {
        const auto ids = ids_where(wants_init);
        const auto pid = plan.project_id;
        // Named locals: GCC 12 may destroy temporaries of a co_await expression twice.
        std::function<drs_api::request_spec(std::span<const std::string>)> build5 =
            [pid](std::span<const std::string> b) { return drs_api::batch_struct_process_request(pid, b); };
        std::vector<std::string> ids5 = ids;
        auto parse5 = [](std::string_view body) { return drs_api::parse_batch_struct_process(body); };
        auto apply5 = [this](const drs_api::batch_struct_process_response& resp) {
            for (const auto& r : resp.results)
            {
                if (r.job_id.empty() || !store.find(plan.project, r.job_id))
                    continue;
                auto s = current(r.job_id);
                for (const auto& o : r.objects)
                {
                    const auto type = lower(o.type);
                    // Written only when changed: an unchanged map stays shared with the stored state.
                    const auto it = s.init.find(type);
                    auto obj = it != s.init.end() ? it->second : state::init_object{};
                    obj.status = o.status ? std::optional<int>(static_cast<int>(*o.status)) : std::nullopt;
                    obj.src_count = o.src_count;
                    obj.dst_count = o.dst_count;
                    if (it == s.init.end() || !(it->second == obj))
                        s.init[type] = obj;
                }
                commit(r.job_id, std::move(s));
            }
        };
        auto result = co_await batch_round(task::init, std::move(build5), std::move(ids5), parse5, apply5);
        // Object details only for types still in progress: one request per object type and batch
        // of up to batch_size jobs (paging counts items across the jobs of the batch).
        std::map<std::string, std::pair<drs_api::struct_object_type, std::vector<std::string>>> by_type;
        for (const auto& id : ids)
        {
            const auto* s = store.find(plan.project, id);
            if (!s)
                continue;
            for (const auto& [type, obj] : s->init)
            {
                if (obj.complete())
                    continue;
                auto dt = detail_type(type);
                if (!dt)
                    continue;
                auto& entry = by_type.try_emplace(type, *dt, std::vector<std::string>{}).first->second;
                entry.second.push_back(id);
            }
        }
        for (const auto& [type, entry] : by_type)
        {
            auto type_batches = batches(entry.second);
            for (auto& batch : type_batches)
            {
                if (stopping)
                    break;
                auto r = co_await struct_detail(std::move(batch), entry.first);
                if (!r)
                {
                    log_failure(task::init, r.error());
                    result = worst(result, outcome_of(r.error()));
                    continue;
                }
                for (const auto& [id, counts] : *r)
                {
                    const auto* stored = store.find(plan.project, id);
                    if (!stored)
                        continue;
                    const auto it = stored->init.find(type);
                    if (it != stored->init.end() && it->second.detail_complete == counts.first &&
                        it->second.detail_in_progress == counts.second)
                        continue;  // unchanged: apply_update would store the same state
                    auto next = current(id);
                    auto& obj = next.init[type];
                    obj.detail_complete = counts.first;
                    obj.detail_in_progress = counts.second;
                    commit(id, std::move(next));
                }
            }
        }
        co_return result;
    }

    // Pages through batch-struct-detail for a batch of jobs and one type: per job that answered
    // without an error, (complete, in progress).
    awaitable<core::result<std::map<std::string, std::pair<std::int64_t, std::int64_t>>>> struct_detail(
        std::vector<std::string> ids,
        drs_api::struct_object_type type
    )
    {
        constexpr int per_page = 100;
        struct progress
        {
            std::int64_t complete = 0, in_progress = 0, seen = 0;
            bool done = false, failed = false;
        };
        std::map<std::string, progress> jobs;
        for (const auto& id : ids)
            jobs[id];
        for (int page = 1; page <= 1000; ++page)
        {
            auto spec = drs_api::batch_struct_detail_request(plan.project_id, ids, type, page, per_page);
            auto r = co_await client.call(std::move(spec));
            if (!r)
                co_return r.error();
            auto parsed = drs_api::parse_batch_struct_detail(r->body);
            if (!parsed)
                co_return parsed.error();
            std::size_t got = 0;
            for (const auto& j : parsed->results)
            {
                auto it = jobs.find(j.job_id);
                if (it == jobs.end() || it->second.done)
                    continue;
                auto& p = it->second;
                if (j.error && !j.error->code.empty())
                {
                    p.done = p.failed = true;
                    continue;
                }
                got += j.list.size();
                for (const auto& e : j.list)
                    (e.progress && *e.progress >= 1.0 ? p.complete : p.in_progress) += 1;
                p.seen += static_cast<std::int64_t>(j.list.size());
                if (p.seen >= j.total_record.value_or(0))
                    p.done = true;
            }
            if (got == 0 ||
                std::all_of(jobs.begin(), jobs.end(), [](const auto& kv) { return kv.second.done; }))
                break;
        }
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
        for (const auto& [id, p] : jobs)
            if (!p.failed)
                out.emplace(id, std::pair{p.complete, p.in_progress});
        co_return out;
    }

    awaitable<outcome> async_round()
    {
        outcome result = outcome::ok;
        constexpr int limit = 100;
        for (const auto& batch_id : plan.async_jobs)
        {
            std::set<std::string> members;
            bool complete = true;
            for (int offset = 0; offset < 1'000'000 && !stopping;)
            {
                auto spec = drs_api::async_job_detail_request(plan.project_id, batch_id, offset, limit);
                auto r = co_await client.call(std::move(spec));
                if (!r)
                {
                    log_failure(task::async, r.error());
                    result = worst(result, outcome_of(r.error()));
                    complete = false;
                    break;
                }
                auto parsed = drs_api::parse_async_job_detail(r->body);
                if (!parsed)
                {
                    log_failure(task::async, parsed.error());
                    result = worst(result, outcome::failed);
                    complete = false;
                    break;
                }
                for (const auto& j : parsed->jobs)
                {
                    if (j.id.empty())
                        continue;
                    members.insert(j.id);
                    discovered[j.id] = batch_id;
                    apply_v5(j, batch_id);
                }
                offset += static_cast<int>(parsed->jobs.size());
                if (parsed->jobs.empty() || offset >= parsed->total_count.value_or(0))
                    break;
            }
            if (!complete)
                continue;
            // Jobs no longer listed under the batch leave it.
            for (auto it = discovered.begin(); it != discovered.end();)
            {
                if (it->second == batch_id && !members.contains(it->first))
                {
                    const auto id = it->first;
                    it = discovered.erase(it);
                    if (configured(id))
                    {
                        auto s = current(id);
                        s.metadata.async_job_id.clear();
                        commit(id, std::move(s));
                    }
                    else
                    {
                        auto events = state::remove_job(store, key(id), clock.now());
                        if (!events.empty() && sink.on_events)
                            sink.on_events(events);
                    }
                }
                else
                    ++it;
            }
        }
        co_return result;
    }

    void apply_v5(const drs_api::v5_job_detail& j, const std::string& batch_id)
    {
        if (gone.contains(j.id))
            return;
        auto s = current(j.id);
        s.metadata.async_job_id = batch_id;
        if (!j.base_info.name.empty())
            s.metadata.name = j.base_info.name;
        if (!j.base_info.job_type.empty())
            s.metadata.db_use_type = j.base_info.job_type;
        if (!j.base_info.engine_type.empty())
            s.metadata.engine_type = j.base_info.engine_type;
        if (!j.base_info.task_type.empty())
            s.metadata.task_type = j.base_info.task_type;
        if (!j.base_info.job_direction.empty())
            s.metadata.job_direction = j.base_info.job_direction;
        if (j.create_time)
            s.metadata.created = j.create_time;
        if (!j.status.empty())
            s.status = j.status;
        if (j.progress)
            apply_progress(s, *j.progress);
        if (j.precheck)
            apply_precheck(s, *j.precheck);
        if (j.metrics)
        {
            const auto& m = *j.metrics;
            auto& n = s.node;
            n.cpu_ratio = m.cpu_util ? std::optional<double>(*m.cpu_util / 100.0) : std::nullopt;
            n.memory_ratio = m.mem_util ? std::optional<double>(*m.mem_util / 100.0) : std::nullopt;
            n.apply_rows_per_second = m.apply_rows_rate;
            n.apply_transactions_per_second = m.apply_transactions_rate;
            n.network_receive_bytes_per_second = m.network_incoming_bytes_rate;
            n.network_transmit_bytes_per_second = m.network_outgoing_bytes_rate;
            n.disk_read_bytes_per_second = m.disk_read_bytes_rate;
            n.disk_write_bytes_per_second = m.disk_write_bytes_rate;
        }
        s.last_refresh = clock.now();
        commit(j.id, std::move(s));
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
            auto s = *existing;
            if (s.collect.status == "pending" && !s.collect.query_id.empty())
            {
                auto spec = drs_api::collection_status_request(plan.project_id, job.id, s.collect.query_id);
                auto r = co_await client.call(std::move(spec));
                if (!r)
                {
                    log_failure(task::collect, r.error());
                    result = worst(result, outcome_of(r.error()));
                    continue;
                }
                auto parsed = drs_api::parse_collection_status(r->body);
                if (!parsed)
                {
                    log_failure(task::collect, parsed.error());
                    result = worst(result, outcome::failed);
                    continue;
                }
                s.collect.status = parsed->status;
                if (parsed->status == "success")
                    s.collect.last_success = clock.now();
                commit(job.id, std::move(s));
                continue;
            }
            auto due = next_collect.find(job.id);
            if (due != next_collect.end() && now < due->second)
                continue;
            next_collect[job.id] = now + job.collect_interval;
            drs_api::collect_type type = drs_api::collect_type::synchronized;
            if (*job.collect_type == "source")
                type = drs_api::collect_type::source;
            else if (*job.collect_type == "modified")
                type = drs_api::collect_type::modified;
            auto spec = drs_api::db_objects_collect_request(plan.project_id, job.id, type, true);
            auto r = co_await client.call(std::move(spec));
            if (!r)
            {
                log_failure(task::collect, r.error());
                result = worst(result, outcome_of(r.error()));
                continue;
            }
            auto parsed = drs_api::parse_db_objects_collect(r->body);
            if (!parsed)
            {
                log_failure(task::collect, parsed.error());
                result = worst(result, outcome::failed);
                continue;
            }
            s.collect.query_id = parsed->id;
            s.collect.status = parsed->status;
            if (parsed->status == "success")
                s.collect.last_success = clock.now();
            commit(job.id, std::move(s));
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

    // Sleeps until `when` (monotonic) or stop().
    awaitable<void> sleep_until(core::mono_time when)
    {
        const auto now = clock.mono_now();
        if (when <= now)
            co_return;
        asio::steady_timer t(ex);
        // Sleep in short slices so that stop() is seen within a second.
        while (!stopping && clock.mono_now() < when)
        {
            t.expires_after(
                std::min<std::chrono::nanoseconds>(when - clock.mono_now(), std::chrono::seconds(1))
            );
            co_await t.async_wait(tok);
        }
    }

    awaitable<void> loop(task t)
    {
        auto next = sched.first_run(t, clock.mono_now(), r01());
        while (!stopping)
        {
            co_await sleep_until(next);
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
            last[static_cast<std::size_t>(t)] = o;
            if (sink.on_round)
                sink.on_round(plan.project, t, o);
            next = sched.next_run(t, started, clock.mono_now(), o, r01());
        }
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

void project_poller::stop() { impl_->stopping = true; }

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
        self->last[static_cast<std::size_t>(t)] = o;
        if (self->sink.on_round)
            self->sink.on_round(self->plan.project, t, o);
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
