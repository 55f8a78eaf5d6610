#pragma once

#include "drsmon/config/config.hpp"
#include "drsmon/metrics/self_metrics.hpp"

namespace drsmon::app {

// Gives `m` the configured projects and every API of the catalogue (drs_api::all_apis), so that
// the counters with known labels exist at 0 from the start and after each reload, and the series
// of projects a reload dropped disappear (self_metrics::set_projects).
void declare_known_series(metrics::self_metrics& m, const config::config& cfg);

}  // namespace drsmon::app
