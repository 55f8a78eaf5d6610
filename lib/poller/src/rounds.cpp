#include "drsmon/drs_api/dr_parse.hpp"
#include "drsmon/drs_api/errors.hpp"
#include "drsmon/drs_api/parse.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/poller/rules.hpp"
#include "drsmon/state/cadence.hpp"

#include "shell.hpp"

#include <set>
#include <unordered_set>

// One round per task: which jobs to ask, which API, and what becomes of the answers (decided by
// the pure core). Every round returns its outcome for the scheduler.

namespace drsmon::poller {

using boost::asio::awaitable;
namespace api = drs_api;

// The status round asks each API only about the jobs due for it, packed into full batches
// (rules.hpp): batch-progress first for the jobs in a transfer phase, whose answers carry the
// status too (transfer_status); then batch-status for the jobs that answer did not cover (new,
// waiting, failed, finished when due, and a periodic cross-check); then batch-progress for the jobs
// that only this round's batch-status put into a transfer phase (new ones, at the start).
awaitable<outcome> project_poller::impl::status_round()
{
    const auto started = clock.now();
    const auto poll_interval = plan.schedule.interval[static_cast<std::size_t>(task::status)];
    for (const auto& id : roster.ids())
        if (const auto* s = store.find(plan.project, id);
            s && state::cadence_of(*s) == state::cadence::transfer)
            transferring.insert(id);

    std::unordered_set<std::string> progress_asked;
    const auto progress_due = [&] {
        std::vector<std::string> ids;
        for (auto& id : roster.ids())
        {
            const auto* s = store.find(plan.project, id);
            if (s && !progress_asked.contains(id) &&
                wants_progress(*s, transferring.contains(id), !progress_read.contains(id)))
                ids.push_back(std::move(id));
        }
        progress_asked.insert(ids.begin(), ids.end());
        return ids;
    };
    auto first_ids = progress_due();
    auto result = co_await batch_round(
        task::status,
        &api::batch_progress_request,
        &api::parse_batch_progress,
        std::move(first_ids)
    );
    if (stopping)
        co_return result;

    const auto now = clock.now();
    std::vector<std::string> status_ids;
    for (auto& id : roster.ids())
    {
        const auto* s = store.find(plan.project, id);
        const auto checked = status_checked.find(id);
        const auto last_check = checked != status_checked.end() ? std::optional(checked->second)
                                                                : std::optional<core::wall_time>();
        if (!s || status_due(*s, {started, now, poll_interval, plan.finished_interval}, last_check))
            status_ids.push_back(std::move(id));
    }
    auto status_asked = status_ids;
    const auto status = co_await batch_round(
        task::status,
        &api::batch_status_request,
        &api::parse_batch_status,
        std::move(status_ids)
    );
    if (status == outcome::ok)
        for (auto& id : status_asked)
            status_checked.insert_or_assign(std::move(id), now);
    result = worst(result, status);
    if (stopping)
        co_return result;

    auto late_ids = progress_due();
    result = worst(
        result,
        co_await batch_round(
            task::status,
            &api::batch_progress_request,
            &api::parse_batch_progress,
            std::move(late_ids)
        )
    );
    // The final read after a transfer phase is done once the round got through.
    if (result == outcome::ok)
        for (const auto& id : progress_asked)
        {
            progress_read.insert(id);
            const auto* s = store.find(plan.project, id);
            if (!s || state::cadence_of(*s) != state::cadence::transfer)
                transferring.erase(id);
        }
    auto stale = state::mark_stale(store, clock.now(), plan.max_staleness, plan.finished_interval);
    emit(stale);
    co_return result;
}

awaitable<outcome> project_poller::impl::detail_round()
{
    // Also the configured jobs the API did not know: one of them may have been created since.
    auto ids = roster.ids();
    for (auto& id : roster.missing_ids())
        ids.push_back(std::move(id));
    auto result = co_await batch_round(
        task::detail,
        &api::batch_detail_request,
        &api::parse_batch_detail,
        std::move(ids)
    );
    if (plan.dr && !stopping)
        result = worst(result, co_await actions_round());
    co_return result;
}

awaitable<outcome> project_poller::impl::precheck_round()
{
    auto ids = ids_where(wants_precheck);
    co_return co_await batch_round(
        task::precheck,
        &api::batch_precheck_result_request,
        &api::parse_batch_precheck_result,
        std::move(ids)
    );
}

awaitable<outcome> project_poller::impl::init_round()
{
    auto ids = ids_where(wants_init);
    auto result = co_await batch_round(
        task::init,
        &api::batch_struct_process_request,
        &api::parse_batch_struct_process,
        ids
    );
    // Object details only for types still in progress: one listing per object type and batch
    // of up to batch_size jobs.
    std::map<std::string, std::pair<api::struct_object_type, std::vector<std::string>>> by_type;
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
                auto spec = api::batch_struct_detail_request(
                    plan.project_id,
                    batch,
                    entry.first,
                    {.cur_page = page, .per_page = struct_detail_tally::per_page}
                );
                const auto answer = co_await fetch(std::move(spec), &api::parse_batch_struct_detail);
                if (!settle(task::init, answer, result))
                    break;
                more = tally.add_page(*answer);
            }
            if (more)
                continue;  // an incomplete listing would undercount
            for (const auto& [id, counts] : tally.result())
            {
                if (judge_struct_detail(store.find(plan.project, id), type, counts).kind != verdict::apply)
                    continue;
                auto s = current(id);
                apply_struct_detail(s, type, counts);
                commit(id, std::move(s));
            }
        }
    co_return result;
}

awaitable<outcome> project_poller::impl::async_round()
{
    outcome result = outcome::ok;
    for (const auto& batch_id : plan.async_jobs)
    {
        std::set<std::string> members;
        offset_pager pager(100, 1'000'000);
        bool complete = true;
        while (pager.more() && !stopping)
        {
            auto spec = api::async_job_detail_request(
                plan.project_id,
                batch_id,
                pager.offset(),
                pager.limit()
            );
            const auto answer = co_await fetch(std::move(spec), &api::parse_async_job_detail);
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
                roster.add_async(j.id, batch_id);
                if (roster.gone(j.id))
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
        for (const auto& id : roster.retire_async(batch_id, members))
        {
            if (!roster.configured(id))
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

awaitable<outcome> project_poller::impl::collect_round()
{
    outcome result = outcome::ok;
    const auto now = clock.mono_now();
    for (const auto& job : plan.jobs)
    {
        if (!job.collect_type || roster.gone(job.id) || stopping)
            continue;
        const auto* existing = store.find(plan.project, job.id);
        if (!existing)
            continue;
        const auto due = next_collect.find(job.id);
        const auto step = next_collect_step(
            existing->collect,
            due == next_collect.end() || now >= due->second
        );
        if (step == collect_step::none)
            continue;
        if (step == collect_step::submit)
            next_collect[job.id] = now + job.collect_interval;
        auto spec = step == collect_step::poll
                        ? api::collection_status_request(plan.project_id, job.id, existing->collect.query_id)
                        : api::db_objects_collect_request(plan.project_id, job.id, *job.collect_type, true);
        const auto o = step == collect_step::poll ? co_await fetch_into(
                                                        task::collect,
                                                        job.id,
                                                        std::move(spec),
                                                        &api::parse_collection_status,
                                                        &apply_collection_status
                                                    )
                                                  : co_await fetch_into(
                                                        task::collect,
                                                        job.id,
                                                        std::move(spec),
                                                        &api::parse_db_objects_collect,
                                                        &apply_collect_submit
                                                    );
        result = worst(result, o);
    }
    co_return result;
}

// RPO/RTO for the DR jobs past initialisation, then the DR monitoring for those of them that the
// first answer did not mark as not applicable.
awaitable<outcome> project_poller::impl::dr_round()
{
    auto ids = ids_where(wants_dr);
    auto result = co_await batch_round(task::dr, &api::batch_rpo_rto_request, &api::parse_batch_rpo_rto, ids);
    if (stopping)
        co_return result;
    std::vector<std::string> monitor_ids;
    for (auto& id : ids)
        if (const auto* s = store.find(plan.project, id); s && wants_dr(*s))
            monitor_ids.push_back(std::move(id));
    co_return worst(
        result,
        co_await batch_round(
            task::dr,
            &api::dr_monitoring_request,
            &api::parse_dr_monitoring,
            std::move(monitor_ids)
        )
    );
}

// One GET per job in an incremental phase. DRS.M00304 (not applicable) is an answer, not a
// failure: the job is marked and not asked again until its type or phase changes.
awaitable<outcome> project_poller::impl::components_round()
{
    co_return co_await per_job_round(
        task::components,
        &wants_components,
        &api::increment_components_request,
        &api::parse_increment_components,
        &apply_components,
        &apply_components_not_applicable
    );
}

// The current action of each DR job (a switch-over), at the detail cadence.
awaitable<outcome> project_poller::impl::actions_round()
{
    co_return co_await per_job_round(
        task::detail,
        &wants_actions,
        &api::job_actions_request,
        &api::parse_job_actions,
        &apply_actions
    );
}

awaitable<outcome> project_poller::impl::round(task t)
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
    case task::discovery: co_return co_await discovery_round();
    case task::dr: co_return co_await dr_round();
    case task::components: co_return co_await components_round();
    }
    co_return outcome::failed;
}

}  // namespace drsmon::poller
