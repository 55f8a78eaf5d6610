#pragma once

#include "drsmon/app/api_views.hpp"
#include "drsmon/server/router.hpp"
#include "drsmon/state/event_log.hpp"
#include "drsmon/state/store.hpp"

#include <functional>
#include <string>
#include <vector>

namespace drsmon::app {

// What the read-only routes show. The store and the event log must outlive the router.
struct api_sources
{
    const state::store* store = nullptr;
    const state::event_log* events = nullptr;
    std::function<std::vector<project_status>()> projects;  // configured projects, by name
    std::function<bool()> ready;                            // the first polling round has finished
    std::string telemetry_path;                             // where /metrics is served (linked from /)
};

// Registers GET /, /-/healthy, /-/ready, /api/v1/jobs, /api/v1/jobs/{id} and /api/v1/events.
// /api/v1/jobs/{id} answers 404 {"error":"job not found"}; /api/v1/events answers 400 when since
// or limit is not a non-negative integer.
void add_api_routes(server::router& routes, api_sources sources);

}  // namespace drsmon::app
