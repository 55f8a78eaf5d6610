#include "drsmon/app/settings.hpp"
#include "drsmon/core/version.hpp"

#include <set>

namespace drsmon::app {

namespace {

client::auth_mode mode_of(config::auth_type t)
{
    switch (t)
    {
    case config::auth_type::token: return client::auth_mode::token;
    case config::auth_type::password: return client::auth_mode::password;
    default: return client::auth_mode::aksk;
    }
}

// The config and the API name the same three collection types; the config module does not know
// the API's types.
drs_api::collect_type collect_type_of(config::collect_type t)
{
    switch (t)
    {
    case config::collect_type::source: return drs_api::collect_type::source;
    case config::collect_type::modified: return drs_api::collect_type::modified;
    case config::collect_type::synchronized: return drs_api::collect_type::synchronized;
    }
    return drs_api::collect_type::synchronized;
}

poller::list_api list_api_of(config::discovery_api a)
{
    switch (a)
    {
    case config::discovery_api::v3: return poller::list_api::v3_show_job_list;
    case config::discovery_api::v5: return poller::list_api::v5_list_jobs;
    }
    return poller::list_api::v3_show_job_list;
}

client::client_settings client_settings_of(
    const config::global_config& g,
    const config::project_config& p,
    const config::secrets& s
)
{
    client::client_settings cs;
    cs.project = p.name;
    cs.project_id = p.project_id;
    cs.http.timeout = g.request_timeout;
    cs.http.max_body_bytes = g.max_response_bytes;
    cs.http.ca_file = p.tls.ca_file;
    cs.http.insecure_skip_verify = p.tls.insecure_skip_verify;
    // The loader already applied HTTPS_PROXY/NO_PROXY: empty means direct.
    cs.http.proxy_url = p.proxy_url;
    cs.http.use_environment_proxy = false;
    cs.iam_proxy_url = p.iam_proxy_url;
    cs.http.user_agent = std::string("drs-monitor/") + core::version;
    cs.retry.max_attempts = static_cast<unsigned>(g.retry.max_attempts);
    cs.retry.initial_backoff = g.retry.initial_backoff;
    cs.retry.max_backoff = g.retry.max_backoff;
    cs.retry_budget_per_round = static_cast<std::uint32_t>(g.retry.round_budget);
    cs.auth_failure_hold = g.auth_failure_backoff;
    cs.max_concurrency = static_cast<unsigned>(g.max_concurrency);
    cs.language = g.language;
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
    return cs;
}

poller::project_plan plan_of(const config::global_config& g, const config::project_config& p)
{
    poller::project_plan plan;
    plan.project = p.name;
    plan.project_id = p.project_id;
    for (const auto& j : p.jobs)
    {
        poller::planned_job pj;
        pj.id = j.id;
        if (j.collect)
        {
            pj.collect_type = collect_type_of(j.collect->type);
            pj.collect_interval = j.collect->interval;
        }
        plan.jobs.push_back(std::move(pj));
    }
    plan.async_jobs = p.async_jobs;
    if (p.discovery.enabled)
    {
        const auto& d = p.discovery;
        plan.discovery = poller::discovery_plan{
            .api = list_api_of(d.api),
            .db_use_types = d.db_use_types,
            .filter =
                {
                    .engine_types = d.engine_types,
                    .statuses = d.statuses,
                    .exclude_statuses = d.exclude_statuses,
                    .name_regex = d.name_regex,
                    .exclude_name_regex = d.exclude_name_regex,
                    .tags = d.tags,
                    .enterprise_project_id = d.enterprise_project_id,
                },
            .max_jobs = static_cast<std::size_t>(d.max_jobs),
        };
    }
    // In the order of poller::task: status, detail, precheck, init, async, collect (whose due
    // collections are looked for every poll interval), discovery, dr, components.
    plan.schedule = {
        .interval =
            {g.poll_interval,
             g.detail_interval,
             g.precheck_interval,
             g.init_interval,
             g.async_interval,
             g.poll_interval,
             p.discovery.interval,
             g.dr_interval,
             g.components_interval},
        .jitter = g.jitter,
        .throttle_initial = g.throttle.min_backoff,
        .throttle_max = g.throttle.max_backoff,
        .auth_hold = g.auth_failure_backoff,
    };
    plan.dr = p.dr;
    plan.components = p.components;
    plan.batch_size = static_cast<unsigned>(g.batch_size);
    plan.max_concurrency = static_cast<unsigned>(g.max_concurrency);
    plan.max_staleness = g.max_staleness;
    plan.finished_interval = g.finished_interval;
    return plan;
}

}  // namespace

core::result<project_settings> make_project_settings(
    const config::global_config& g,
    const config::project_config& p,
    const config::secrets& s
)
{
    project_settings out{client_settings_of(g, p, s), plan_of(g, p)};
    auto endpoint = http::parse_url(p.endpoint);
    if (!endpoint)
        return endpoint.error();
    out.client.endpoint = *endpoint;
    auto iam = http::parse_url(p.iam_endpoint);
    if (!iam)
        return iam.error();
    out.client.iam_endpoint = *iam;
    return out;
}

std::vector<state::job_key> unconfigured_jobs(const config::config& cfg, const state::store& store)
{
    std::set<state::job_key> wanted;
    std::set<std::string> projects;
    std::set<std::string> discovering;
    for (const auto& p : cfg.projects)
    {
        projects.insert(p.name);
        if (p.discovery.enabled)
            discovering.insert(p.name);
        for (const auto& j : p.jobs)
            wanted.insert({p.name, j.id});
    }
    std::vector<state::job_key> out;
    for (const auto& k : store.keys())
    {
        const auto* s = store.find(k);
        const bool from_batch = s && s->source == state::source_async_batch && projects.contains(k.project);
        // Discovered jobs stay while their project discovers: its listings remove them.
        const bool discovered = s && s->source == state::source_discovery && discovering.contains(k.project);
        if (!wanted.contains(k) && !from_batch && !discovered)
            out.push_back(k);
    }
    return out;
}

}  // namespace drsmon::app
