#include "drsmon/drs_api/api.hpp"

#include "known_series.hpp"

namespace drsmon::app {

void declare_known_series(metrics::self_metrics& m, const config::config& cfg)
{
    std::vector<std::string> projects;
    for (const auto& p : cfg.projects)
        projects.push_back(p.name);
    std::vector<std::string> apis;
    for (auto a : drs_api::all_apis)
        apis.emplace_back(drs_api::api_name(a));
    m.set_projects(projects, apis);
    // A project whose discovery a reload turned off keeps no discovery series; one that discovers
    // gets them from its first discovery round.
    for (const auto& p : cfg.projects)
        if (!p.discovery.enabled)
            m.forget_discovery(p.name);
}

}  // namespace drsmon::app
