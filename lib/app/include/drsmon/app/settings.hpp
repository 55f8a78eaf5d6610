#pragma once

#include "drsmon/client/drs_client.hpp"
#include "drsmon/config/config.hpp"
#include "drsmon/config/secrets.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/poller/project_poller.hpp"
#include "drsmon/state/store.hpp"

#include <vector>

namespace drsmon::app {

// What one configured project runs with: its DRS client's settings and its poller's plan.
struct project_settings
{
    client::client_settings client;
    poller::project_plan plan;
};

// Maps the configuration of project `p` (with the global section `g`) and its secrets, already
// read, into client and poller settings. Pure: no files, no environment (the loader has applied
// HTTPS_PROXY and NO_PROXY to p.proxy_url; the client does not look at the environment again).
// Errors: what http::parse_url reports for an endpoint or IAM endpoint that is not a URL.
core::result<project_settings> make_project_settings(
    const config::global_config& g,
    const config::project_config& p,
    const config::secrets& s
);

// The jobs in `store` that `cfg` no longer lists, in key order; they leave the store at once. A job
// found through an async batch stays while its project is configured: its batch finds it again; a
// discovered job stays while its project has discovery enabled: its listings remove it.
std::vector<state::job_key> unconfigured_jobs(const config::config& cfg, const state::store& store);

}  // namespace drsmon::app
