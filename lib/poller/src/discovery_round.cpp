#include "shell.hpp"

// The discovery round: lists every configured db_use_type page by page, selects the matching jobs
// (discovery.hpp decides), and lets the roster poll what was found. Found jobs enter the store
// through the status round like configured ones.

namespace drsmon::poller {

using boost::asio::awaitable;

awaitable<bool> project_poller::impl::list_jobs(std::string db_use_type, selection& out, outcome& result)
{
    const auto use_type = drs_api::db_use_type_from_string(db_use_type);
    if (!use_type)
        co_return false;  // the configuration allows only the three wire names
    // ShowJobList (v3, the default) or ListJobs (v5), as the project's discovery.api says.
    const list_api api = plan.discovery->api;
    const auto query = make_listing_query(api, plan.discovery->filter, *use_type);
    const auto parse = listing_parser_of(api);
    listing_pager pager(api, listing_pager::max_per_page);
    while (pager.more() && !stopping)
    {
        auto spec = listing_request(plan.project_id, query, pager.next());
        const auto answer = co_await fetch(std::move(spec), parse);
        if (!settle(task::discovery, answer, result))
            co_return false;
        select(*filter, answer->jobs, db_use_type, out);
        pager.advance(answer->jobs.size(), answer->total_record);
    }
    if (!pager.complete() && !stopping)
        log->warn(
            "project={} task=discovery db_use_type={} msg=\"listing incomplete; removes nothing\" pages={} "
            "listed={}",
            plan.project,
            db_use_type,
            pager.pages(),
            pager.listed()
        );
    co_return pager.complete();
}

awaitable<outcome> project_poller::impl::discovery_round()
{
    outcome result = outcome::ok;
    selection pass;
    bool complete = true;
    for (const auto& type : plan.discovery->db_use_types)
    {
        if (stopping)
            co_return result;
        // Every type is listed even after one failed: what the others list still exists.
        complete = co_await list_jobs(type, pass, result) && complete;
    }
    if (stopping)
        co_return result;
    apply_discovery(discovered.apply(pass, complete, clock.now()));
    // A partial pass too: what it listed is what the API says now.
    apply_listings(pass);

    if (sink.on_discovery)
    {
        discovery_report report;
        for (const auto& type : plan.discovery->db_use_types)
            report.jobs[type] = 0;
        for (const auto& [type, n] : discovered.count_by_db_use_type())
            report.jobs[type] = n;
        report.truncated = discovered.truncated();
        report.last_complete = discovered.last_complete();
        report.interval = plan.schedule.interval[static_cast<std::size_t>(task::discovery)];
        sink.on_discovery(plan.project, report);
    }
    co_return result;
}

void project_poller::impl::apply_discovery(const discovery_change& change)
{
    std::vector<state::event> events;
    const auto now = clock.now();
    for (const auto& job : change.added)
    {
        roster.add_discovered(job.id, job.parent_id);
        // A configured job, or one already stored (restored after a restart, or found before a
        // reload), is not news.
        if (roster.configured(job.id) || store.find(plan.project, job.id))
            continue;
        state::event e;
        e.time = now;
        e.project = plan.project;
        e.job_id = job.id;
        e.job_name = job.name;
        e.kind = state::event_kind::job_discovered;
        e.to = job.status;
        e.detail = job.parent_id.empty() ? job.db_use_type : job.db_use_type + " child of " + job.parent_id;
        events.push_back(std::move(e));
    }
    emit(events);
    if (change.not_added > 0)
        log->warn(
            "project={} task=discovery msg=\"max_jobs reached; matching jobs are not monitored\" max_jobs={} "
            "left_out={}",
            plan.project,
            plan.discovery->max_jobs,
            change.not_added
        );
    for (const auto& gone : change.removed)
    {
        roster.remove_discovered(gone.id);
        // A job configured or listed under an async batch stays: it has another source.
        if (roster.configured(gone.id) || roster.in_async_batch(gone.id))
            continue;
        transferring.erase(gone.id);
        auto removed = state::remove_job(store, key(gone.id), now);
        for (auto& e : removed)
            e.detail = std::string(gone.reason);
        emit(removed);
    }
}

void project_poller::impl::apply_listings(const selection& pass)
{
    for (const auto& job : pass.matched)
    {
        // Jobs left out by max_jobs are not monitored; gone ones are not polled until reload.
        if (!discovered.known(job.id) || roster.gone(job.id))
            continue;
        const auto* stored = store.find(plan.project, job.id);
        if (!stored || !listing_changes(*stored, job))
            continue;
        auto s = *stored;
        apply_listing(s, job);
        commit(job.id, std::move(s));
    }
}

}  // namespace drsmon::poller
