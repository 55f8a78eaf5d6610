#include "drsmon/app/settings.hpp"
#include "drsmon/core/version.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace drsmon::app {
namespace {

using namespace std::chrono_literals;

config::project_config a_project()
{
    config::project_config p;
    p.name = "prod";
    p.region = "ap-southeast-1";
    p.project_id = "0123456789abcdef0123456789abcdef";
    p.endpoint = "https://drs.ap-southeast-1.myhuaweicloud.com";
    p.iam_endpoint = "https://iam.ap-southeast-1.myhuaweicloud.com";
    p.jobs = {{"job-1", std::nullopt}, {"job-2", config::collect_config{config::collect_type::source, 2h}}};
    p.async_jobs = {"batch-1"};
    return p;
}

config::secrets some_secrets()
{
    config::secrets s;
    s.access_key = "AK";
    s.secret_key = "SK";
    s.security_token = "ST";
    s.token = "TOKEN";
    s.password = "PW";
    return s;
}

// One row: a change to the configuration and what the settings must then say.
struct settings_case
{
    const char* name;
    std::function<void(config::global_config&, config::project_config&)> configure;
    std::function<void(const project_settings&)> check;
};

const settings_case cases[] = {
    {"defaults map into the client",
     [](auto&, auto&) {},
     [](const project_settings& s) {
         EXPECT_EQ(s.client.project, "prod");
         EXPECT_EQ(s.client.project_id, "0123456789abcdef0123456789abcdef");
         EXPECT_EQ(s.client.endpoint.host, "drs.ap-southeast-1.myhuaweicloud.com");
         EXPECT_EQ(s.client.endpoint.port, 443);
         EXPECT_EQ(s.client.iam_endpoint.host, "iam.ap-southeast-1.myhuaweicloud.com");
         EXPECT_EQ(s.client.http.timeout, 10s);
         EXPECT_EQ(s.client.http.max_body_bytes, 16u << 20);
         EXPECT_EQ(s.client.http.user_agent, std::string("drs-monitor/") + core::version);
         EXPECT_FALSE(s.client.http.use_environment_proxy);
         EXPECT_EQ(s.client.http.proxy_url, "");
         EXPECT_EQ(s.client.retry.max_attempts, 3u);
         EXPECT_EQ(s.client.retry.initial_backoff, 1s);
         EXPECT_EQ(s.client.retry.max_backoff, 60s);
         EXPECT_EQ(s.client.retry_budget_per_round, 20u);
         EXPECT_EQ(s.client.auth_failure_hold, 5min);
         EXPECT_EQ(s.client.max_concurrency, 4u);
         EXPECT_EQ(s.client.language, "en-us");
     }},
    {"AK/SK credentials carry the keys and the security token",
     [](auto&, auto& p) { p.auth.type = config::auth_type::aksk; },
     [](const project_settings& s) {
         EXPECT_EQ(s.client.creds.mode, client::auth_mode::aksk);
         EXPECT_EQ(s.client.creds.access_key, "AK");
         EXPECT_EQ(s.client.creds.secret_key, "SK");
         EXPECT_EQ(s.client.creds.security_token, "ST");
     }},
    {"a static token",
     [](auto&, auto& p) { p.auth.type = config::auth_type::token; },
     [](const project_settings& s) {
         EXPECT_EQ(s.client.creds.mode, client::auth_mode::token);
         EXPECT_EQ(s.client.creds.token, "TOKEN");
     }},
    {"a password login names the user and the account",
     [](auto&, auto& p) {
         p.auth.type = config::auth_type::password;
         p.auth.user = "monitor";
         p.auth.domain = "acme";
     },
     [](const project_settings& s) {
         EXPECT_EQ(s.client.creds.mode, client::auth_mode::password);
         EXPECT_EQ(s.client.creds.user, "monitor");
         EXPECT_EQ(s.client.creds.domain, "acme");
         EXPECT_EQ(s.client.creds.password, "PW");
     }},
    {"TLS and the proxy the loader chose",
     [](auto&, auto& p) {
         p.tls.ca_file = "/etc/ssl/extra.pem";
         p.tls.insecure_skip_verify = true;
         p.proxy_url = "http://proxy:3128";
         p.iam_proxy_url = "http://iam-proxy:3128";
     },
     [](const project_settings& s) {
         EXPECT_EQ(s.client.http.ca_file, "/etc/ssl/extra.pem");
         EXPECT_TRUE(s.client.http.insecure_skip_verify);
         EXPECT_EQ(s.client.http.proxy_url, "http://proxy:3128");
         EXPECT_EQ(s.client.iam_proxy_url, "http://iam-proxy:3128");
         EXPECT_FALSE(s.client.http.use_environment_proxy);
     }},
    {"an endpoint with a port",
     [](auto&, auto& p) { p.endpoint = "https://127.0.0.1:8443"; },
     [](const project_settings& s) {
         EXPECT_EQ(s.client.endpoint.host, "127.0.0.1");
         EXPECT_EQ(s.client.endpoint.port, 8443);
     }},
    {"global limits and retries",
     [](auto& g, auto&) {
         g.request_timeout = 3s;
         g.max_response_bytes = 1024;
         g.retry = {5, 2s, 30s, 7};
         g.auth_failure_backoff = 1min;
         g.max_concurrency = 9;
         g.language = "zh-cn";
     },
     [](const project_settings& s) {
         EXPECT_EQ(s.client.http.timeout, 3s);
         EXPECT_EQ(s.client.http.max_body_bytes, 1024u);
         EXPECT_EQ(s.client.retry.max_attempts, 5u);
         EXPECT_EQ(s.client.retry.initial_backoff, 2s);
         EXPECT_EQ(s.client.retry.max_backoff, 30s);
         EXPECT_EQ(s.client.retry_budget_per_round, 7u);
         EXPECT_EQ(s.client.auth_failure_hold, 1min);
         EXPECT_EQ(s.client.max_concurrency, 9u);
         EXPECT_EQ(s.client.language, "zh-cn");
         EXPECT_EQ(s.plan.max_concurrency, 9u);
         EXPECT_EQ(s.plan.schedule.auth_hold, 1min);
     }},
    {"the plan lists the jobs, their collections and the async batches",
     [](auto&, auto&) {},
     [](const project_settings& s) {
         EXPECT_EQ(s.plan.project, "prod");
         EXPECT_EQ(s.plan.project_id, "0123456789abcdef0123456789abcdef");
         ASSERT_EQ(s.plan.jobs.size(), 2u);
         EXPECT_EQ(s.plan.jobs[0].id, "job-1");
         EXPECT_FALSE(s.plan.jobs[0].collect_type);
         EXPECT_EQ(s.plan.jobs[1].id, "job-2");
         EXPECT_EQ(s.plan.jobs[1].collect_type, drs_api::collect_type::source);
         EXPECT_EQ(s.plan.jobs[1].collect_interval, 2h);
         EXPECT_EQ(s.plan.async_jobs, std::vector<std::string>{"batch-1"});
     }},
    {"each task runs at its configured interval; collections are looked for every poll",
     [](auto& g, auto&) {
         g.poll_interval = 15s;
         g.detail_interval = 10min;
         g.precheck_interval = 1min;
         g.init_interval = 2min;
         g.async_interval = 3min;
         g.jitter = 0.25;
         g.batch_size = 7;
         g.max_staleness = 4min;
         g.finished_interval = 20min;
         g.throttle.min_backoff = 7s;
         g.throttle.max_backoff = 3min;
     },
     [](const project_settings& s) {
         const auto& i = s.plan.schedule.interval;
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::status)], 15s);
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::detail)], 10min);
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::precheck)], 1min);
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::init)], 2min);
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::async)], 3min);
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::collect)], 15s);
         EXPECT_EQ(s.plan.schedule.jitter, 0.25);
         EXPECT_EQ(s.plan.batch_size, 7u);
         EXPECT_EQ(s.plan.max_staleness, 4min);
         EXPECT_EQ(s.plan.finished_interval, 20min);
         EXPECT_EQ(s.plan.schedule.throttle_initial, 7s);
         EXPECT_EQ(s.plan.schedule.throttle_max, 3min);
     }},
    {"the DR reads run at dr_interval and components_interval, on unless the project switches them off",
     [](auto& g, auto&) {
         g.dr_interval = 2min;
         g.components_interval = 45s;
     },
     [](const project_settings& s) {
         const auto& i = s.plan.schedule.interval;
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::dr)], 2min);
         EXPECT_EQ(i[static_cast<std::size_t>(poller::task::components)], 45s);
         EXPECT_TRUE(s.plan.dr);
         EXPECT_TRUE(s.plan.components);
     }},
    {"a project switches the DR reads off",
     [](auto&, auto& p) {
         p.dr = false;
         p.components = false;
     },
     [](const project_settings& s) {
         EXPECT_FALSE(s.plan.dr);
         EXPECT_FALSE(s.plan.components);
     }},
};

TEST(ProjectSettings, MapsTheConfigurationIntoClientAndPollerSettings)
{
    for (const auto& c : cases)
    {
        SCOPED_TRACE(c.name);
        config::global_config g;
        auto p = a_project();
        c.configure(g, p);
        auto s = make_project_settings(g, p, some_secrets());
        ASSERT_TRUE(s) << s.error().to_string();
        c.check(*s);
    }
}

TEST(ProjectSettings, AnEndpointThatIsNotAUrlIsAnError)
{
    for (auto field : {&config::project_config::endpoint, &config::project_config::iam_endpoint})
    {
        auto p = a_project();
        p.*field = "drs.example.com";
        EXPECT_FALSE(make_project_settings(config::global_config{}, p, some_secrets()));
    }
}

TEST(UnconfiguredJobs, AreTheJobsNoProjectListsExceptThoseOfAConfiguredBatch)
{
    config::config cfg;
    cfg.projects = {a_project()};
    state::job_state from_batch;
    from_batch.source = std::string(state::source_async_batch);
    state::store store;
    store.upsert({"prod", "job-1"}, {});
    store.upsert({"prod", "job-9"}, {});             // no longer listed
    store.upsert({"prod", "member-1"}, from_batch);  // found through a batch of a configured project
    store.upsert({"gone", "job-1"}, {});             // a project no longer configured
    store.upsert({"gone", "member-2"}, from_batch);  // its batch is gone with it
    EXPECT_EQ(
        unconfigured_jobs(cfg, store),
        (std::vector<state::job_key>{{"gone", "job-1"}, {"gone", "member-2"}, {"prod", "job-9"}})
    );
}

TEST(UnconfiguredJobs, KeepDiscoveredJobsWhileTheirProjectDiscovers)
{
    config::config cfg;
    cfg.projects = {a_project(), a_project()};
    cfg.projects[1].name = "off";
    cfg.projects[0].discovery.enabled = true;
    state::job_state found;
    found.source = std::string(state::source_discovery);
    state::store store;
    store.upsert({"prod", "found-1"}, found);  // its project still discovers
    store.upsert({"off", "found-2"}, found);   // its project no longer does
    EXPECT_EQ(unconfigured_jobs(cfg, store), (std::vector<state::job_key>{{"off", "found-2"}}));
}

TEST(ProjectSettings, PlanDiscoveryOnlyWhenEnabled)
{
    auto p = a_project();
    EXPECT_FALSE(make_project_settings(config::global_config{}, p, some_secrets())->plan.discovery);
    p.discovery.enabled = true;
    p.discovery.db_use_types = {"sync"};
    p.discovery.name_regex = "orders-.*";
    p.discovery.tags = {{"env", "prod"}};
    p.discovery.interval = std::chrono::minutes(7);
    p.discovery.max_jobs = 42;
    const auto s = make_project_settings(config::global_config{}, p, some_secrets());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->plan.discovery);
    const auto& d = *s->plan.discovery;
    EXPECT_EQ(d.db_use_types, (std::vector<std::string>{"sync"}));
    EXPECT_EQ(d.filter.name_regex, "orders-.*");
    EXPECT_EQ(d.filter.tags, p.discovery.tags);
    EXPECT_EQ(d.filter.exclude_statuses, (std::vector<std::string>{"RELEASE_RESOURCE_COMPLETE", "DELETED"}));
    EXPECT_EQ(d.max_jobs, 42u);
    EXPECT_EQ(
        s->plan.schedule.interval[static_cast<std::size_t>(poller::task::discovery)],
        std::chrono::minutes(7)
    );
}

}  // namespace
}  // namespace drsmon::app
