#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/diff.hpp"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace drsmon::metrics {

struct build_info
{
    std::string version;
    std::string revision;
    std::string compiler;
    std::string boost_version;

    // This binary's values (core::version, core::revision, the compiler, BOOST_LIB_VERSION).
    static build_info current();
};

// Request-duration histogram buckets (seconds).
inline const std::vector<double> api_duration_buckets{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// The monitor's own metrics (drs_monitor_*), updated by the poller and the daemon as things
// happen and exposed through collectable(). Not thread-safe beyond what prometheus-cpp
// guarantees; call from the io_context thread.
class self_metrics
{
public:
    explicit self_metrics(const build_info& info = build_info::current());
    self_metrics(const self_metrics&) = delete;
    self_metrics& operator=(const self_metrics&) = delete;

    // The registry holding every drs_monitor_* family (for render_text).
    std::shared_ptr<prometheus::Collectable> collectable() const { return registry_; }

    // drs_monitor_up{project}: 1 when the last polling round of the project reached the API.
    void set_up(const std::string& project, bool up);

    // One finished API request: counts drs_monitor_api_requests_total{project,api,code} (code is
    // the HTTP status, e.g. "200", or an error class label such as "timeout") and observes
    // drs_monitor_api_request_duration_seconds{project,api}.
    void observe_request(
        const std::string& project,
        const std::string& api,
        const std::string& code,
        double seconds
    );

    void add_retry(const std::string& project, const std::string& api);
    void add_throttled(const std::string& project, const std::string& api);
    void set_last_success(const std::string& project, const std::string& api, core::wall_time t);
    void set_token_expiry(const std::string& project, core::wall_time expires_at);

    // Counts drs_monitor_events_total{project,kind}.
    void add_events(const std::vector<state::event>& events);

    // drs_monitor_config_last_reload_successful and, on success, ..._success_timestamp_seconds.
    void config_reloaded(bool success, core::wall_time now);

    // Removes every series labelled with `project` (after a reload dropped it).
    void forget_project(const std::string& project);

private:
    template <class T>
    struct tracked
    {
        prometheus::Family<T>* family = nullptr;
        std::map<std::string, std::set<T*>> by_project;

        template <class... Args>
        T& get(const std::string& project, const prometheus::Labels& labels, Args&&... args)
        {
            T& m = family->Add(labels, std::forward<Args>(args)...);
            by_project[project].insert(&m);
            return m;
        }
        void forget(const std::string& project)
        {
            auto it = by_project.find(project);
            if (it == by_project.end())
                return;
            for (T* m : it->second)
                family->Remove(m);
            by_project.erase(it);
        }
    };

    std::shared_ptr<prometheus::Registry> registry_;
    tracked<prometheus::Gauge> up_;
    tracked<prometheus::Counter> requests_;
    tracked<prometheus::Histogram> durations_;
    tracked<prometheus::Counter> retries_;
    tracked<prometheus::Counter> throttled_;
    tracked<prometheus::Gauge> last_success_;
    tracked<prometheus::Gauge> token_expiry_;
    tracked<prometheus::Counter> events_;
    prometheus::Gauge* reload_ok_ = nullptr;
    prometheus::Gauge* reload_ts_ = nullptr;
};

}  // namespace drsmon::metrics
