#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/diff.hpp"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
        std::string_view project,
        std::string_view api,
        std::string_view code,
        double seconds
    );

    void add_retry(const std::string& project, const std::string& api);
    void add_throttled(const std::string& project, const std::string& api);
    void set_last_success(const std::string& project, const std::string& api, core::wall_time t);
    void set_token_expiry(const std::string& project, core::wall_time expires_at);

    // After a discovery round of `project`: drs_monitor_discovery_jobs{project,db_use_type} (one
    // series per listed type), drs_monitor_discovery_truncated{project},
    // drs_monitor_discovery_interval_seconds{project} (the configured interval, for alert rules)
    // and, once a listing was complete, drs_monitor_discovery_last_success_timestamp_seconds{project}.
    void set_discovery(
        const std::string& project,
        const std::map<std::string, std::size_t>& jobs,
        bool truncated,
        std::optional<core::wall_time> last_complete,
        std::chrono::milliseconds interval
    );
    // Removes the discovery series of `project` (discovery turned off by a reload).
    void forget_discovery(const std::string& project);
    // Counts drs_monitor_events_total{project,kind}.
    void add_events(const std::vector<state::event>& events);

    // drs_monitor_config_last_reload_successful and, on success, ..._success_timestamp_seconds.
    void config_reloaded(bool success, core::wall_time now);

    // Removes every series labelled with `project` (after a reload dropped it).
    void forget_project(const std::string& project);

    // Makes the labelled series match the configured projects, at start and after every reload:
    // removes the series of projects not in `projects` and creates, at 0, every counter whose
    // label values are known in advance: drs_monitor_api_retries_total and
    // drs_monitor_api_throttled_total for each project x API in `apis`, drs_monitor_events_total
    // for each project x event kind. rate() and the dashboards then have data from the first
    // scrape, not from the first retry (Prometheus's "avoid missing metrics"). Series that exist
    // keep their values. drs_monitor_api_requests_total is left to the first request: its code
    // label is an open set (HTTP status or error class).
    void set_projects(const std::vector<std::string>& projects, const std::vector<std::string>& apis);

private:
    // The series of one family by their label values (project first), so that a series once
    // created is found again without building a label map and hashing it (several per request).
    template <class T>
    struct tracked
    {
        prometheus::Family<T>* family = nullptr;
        std::vector<std::string> names;                 // label names, in the order get() takes the values
        std::map<std::string, T*, std::less<>> series;  // key(values) -> series
        std::string scratch;

        // Each value length-prefixed: distinct value lists never share a key.
        static void append_key(std::string& key, std::string_view value)
        {
            key.append(std::to_string(value.size())).append(":").append(value);
        }

        template <class... Args>
        T& get(std::initializer_list<std::string_view> values, Args&&... args)
        {
            scratch.clear();
            for (auto v : values)
                append_key(scratch, v);
            if (auto it = series.find(scratch); it != series.end())
                return *it->second;
            prometheus::Labels labels;
            std::size_t i = 0;
            for (auto v : values)
                labels.emplace(names.at(i++), std::string(v));
            T& m = family->Add(labels, std::forward<Args>(args)...);
            series.emplace(scratch, &m);
            return m;
        }
        void forget(std::string_view project)
        {
            std::string prefix;
            append_key(prefix, project);
            auto it = series.lower_bound(prefix);
            while (it != series.end() && it->first.starts_with(prefix))
            {
                family->Remove(it->second);
                it = series.erase(it);
            }
        }
    };

    std::shared_ptr<prometheus::Registry> registry_;
    std::vector<std::string> projects_;  // as last given to set_projects
    // Per project, and per project and API.
    tracked<prometheus::Gauge> up_;
    tracked<prometheus::Counter> requests_;
    tracked<prometheus::Histogram> durations_;
    tracked<prometheus::Counter> retries_;
    tracked<prometheus::Counter> throttled_;
    tracked<prometheus::Gauge> last_success_;
    tracked<prometheus::Gauge> token_expiry_;
    tracked<prometheus::Counter> events_;
    // Per project with discovery on: forget_discovery() removes them when a reload turns it off.
    struct discovery_families
    {
        tracked<prometheus::Gauge> jobs, last_success, truncated, interval;
    } discovery_;
    prometheus::Gauge* reload_ok_ = nullptr;
    prometheus::Gauge* reload_ts_ = nullptr;
};

}  // namespace drsmon::metrics
