#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace drsmon::config {

// The list API discovery pages through (discovery.api).
enum class discovery_api
{
    v3,  // POST /v3/{project_id}/jobs (ShowJobList): every region, every engine
    v5,  // GET /v5/{project_id}/jobs (ListJobs): some regions, some engine combinations only
};

// "v3" or "v5".
const char* to_string(discovery_api a) noexcept;

// A project's job discovery (projects[].discovery): which of the project's DRS jobs the monitor
// finds by listing them (by default POST /v3/{project_id}/jobs, ShowJobList, served in every
// region), on top of the configured `jobs` and `async_jobs`.
struct discovery_config
{
    bool enabled = false;
    discovery_api api = discovery_api::v3;
    // The list APIs need one per call; each is listed in turn.
    std::vector<std::string> db_use_types{"migration", "sync", "cloudDataGuard"};
    // Filters (see docs/configuration.md): empty lists and strings match everything.
    std::vector<std::string> engine_types;
    std::vector<std::string> statuses;
    std::vector<std::string> exclude_statuses{"RELEASE_RESOURCE_COMPLETE", "DELETED"};
    std::string name_regex;                   // ECMAScript, whole name; checked at load
    std::string exclude_name_regex;           // ECMAScript, whole name; checked at load
    std::map<std::string, std::string> tags;  // all must match
    std::string enterprise_project_id;
    std::chrono::milliseconds interval{300'000};
    int max_jobs = 10'000;  // 1..100000
};

}  // namespace drsmon::config
