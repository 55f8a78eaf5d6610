#include "drsmon/core/version.hpp"
#include "drsmon/metrics/self_metrics.hpp"

#include <boost/version.hpp>

#include <algorithm>

namespace drsmon::metrics {

namespace {

const char* const polled_note = " Updated by the monitor as it polls.";

template <class T>
prometheus::Family<T>* family(prometheus::Registry& r, const char* name, const std::string& help)
{
    return &prometheus::detail::Builder<T>().Name(name).Help(help + polled_note).Register(r);
}

std::string compiler_name()
{
#if defined(__clang__)
    return "clang-" + std::to_string(__clang_major__) + "." + std::to_string(__clang_minor__) + "." +
           std::to_string(__clang_patchlevel__);
#elif defined(__GNUC__)
    return "gcc-" + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
           std::to_string(__GNUC_PATCHLEVEL__);
#else
    return "unknown";
#endif
}

}  // namespace

build_info build_info::current()
{
    std::string boost = BOOST_LIB_VERSION;
    std::replace(boost.begin(), boost.end(), '_', '.');
    return {core::version, core::revision, compiler_name(), boost};
}

self_metrics::self_metrics(const build_info& info) : registry_(std::make_shared<prometheus::Registry>())
{
    auto& r = *registry_;
    family<prometheus::Gauge>(r, "drs_monitor_build_info", "Build of the running monitor, always 1.")
        ->Add(
            {{"version", info.version},
             {"revision", info.revision},
             {"compiler", info.compiler},
             {"boost_version", info.boost_version}}
        )
        .Set(1);
    up_.names = {"project"};
    requests_.names = {"project", "api", "code"};
    durations_.names = {"project", "api"};
    retries_.names = {"project", "api"};
    throttled_.names = {"project", "api"};
    last_success_.names = {"project", "api"};
    token_expiry_.names = {"project"};
    events_.names = {"project", "kind"};
    discovery_.jobs.names = {"project", "db_use_type"};
    discovery_.last_success.names = {"project"};
    discovery_.truncated.names = {"project"};
    discovery_.interval.names = {"project"};
    up_.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_up",
        "1 when the latest polling round of the project reached the DRS API, else 0."
    );
    requests_.family = family<prometheus::Counter>(
        r,
        "drs_monitor_api_requests_total",
        "DRS/IAM API requests by API and outcome code (HTTP status or error class such as timeout)."
    );
    durations_.family = family<prometheus::Histogram>(
        r,
        "drs_monitor_api_request_duration_seconds",
        "Duration of DRS/IAM API requests, including TLS and body transfer."
    );
    retries_.family = family<prometheus::Counter>(r, "drs_monitor_api_retries_total", "API request retries.");
    throttled_.family = family<prometheus::Counter>(
        r,
        "drs_monitor_api_throttled_total",
        "API responses that signalled throttling (HTTP 429 APIG(W).0308 or DRS.M01503)."
    );
    last_success_.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_api_last_success_timestamp_seconds",
        "When a request to the API last succeeded."
    );
    token_expiry_.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_auth_token_expiry_timestamp_seconds",
        "Expiry of the current IAM token of the project (IAM POST /v3/auth/tokens expires_at)."
    );
    events_.family = family<prometheus::Counter>(
        r,
        "drs_monitor_events_total",
        "Job events recorded by the monitor, by kind (see the events log)."
    );
    discovery_.jobs.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_discovery_jobs",
        "Jobs that discovery monitors, by db_use_type (children of multi-task jobs included)."
    );
    discovery_.last_success.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_discovery_last_success_timestamp_seconds",
        "When every listing of a discovery round last completed."
    );
    discovery_.truncated.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_discovery_truncated",
        "1 when the latest discovery round left matching jobs out because of max_jobs, else 0."
    );
    discovery_.interval.family = family<prometheus::Gauge>(
        r,
        "drs_monitor_discovery_interval_seconds",
        "The configured discovery interval of the project (for alert rules: a listing is overdue "
        "after a few of them)."
    );
    auto* reload_ok = family<prometheus::Gauge>(
        r,
        "drs_monitor_config_last_reload_successful",
        "1 when the latest configuration (re)load succeeded, else 0."
    );
    reload_ok_ = &reload_ok->Add({});
    auto* reload_ts = family<prometheus::Gauge>(
        r,
        "drs_monitor_config_last_reload_success_timestamp_seconds",
        "When the configuration was last (re)loaded successfully."
    );
    reload_ts_ = &reload_ts->Add({});
}

void self_metrics::set_up(const std::string& project, bool up) { up_.get({project}).Set(up ? 1 : 0); }

void self_metrics::observe_request(
    std::string_view project,
    std::string_view api,
    std::string_view code,
    double seconds
)
{
    requests_.get({project, api, code}).Increment();
    durations_.get({project, api}, api_duration_buckets).Observe(seconds);
}

void self_metrics::add_retry(const std::string& project, const std::string& api)
{
    retries_.get({project, api}).Increment();
}

void self_metrics::add_throttled(const std::string& project, const std::string& api)
{
    throttled_.get({project, api}).Increment();
}

void self_metrics::set_last_success(const std::string& project, const std::string& api, core::wall_time t)
{
    last_success_.get({project, api}).Set(core::to_unix_seconds(t));
}

void self_metrics::set_token_expiry(const std::string& project, core::wall_time expires_at)
{
    token_expiry_.get({project}).Set(core::to_unix_seconds(expires_at));
}

void self_metrics::add_events(const std::vector<state::event>& events)
{
    for (const auto& e : events)
        events_.get({e.project, state::to_string(e.kind)}).Increment();
}

void self_metrics::set_discovery(
    const std::string& project,
    const std::map<std::string, std::size_t>& jobs,
    bool truncated,
    std::optional<core::wall_time> last_complete,
    std::chrono::milliseconds interval
)
{
    discovery_.interval.get({project}).Set(std::chrono::duration<double>(interval).count());
    for (const auto& [type, n] : jobs)
        discovery_.jobs.get({project, type}).Set(static_cast<double>(n));
    discovery_.truncated.get({project}).Set(truncated ? 1 : 0);
    if (last_complete)
        discovery_.last_success.get({project}).Set(core::to_unix_seconds(*last_complete));
}

void self_metrics::forget_discovery(const std::string& project)
{
    discovery_.jobs.forget(project);
    discovery_.last_success.forget(project);
    discovery_.truncated.forget(project);
    discovery_.interval.forget(project);
}

void self_metrics::config_reloaded(bool success, core::wall_time now)
{
    reload_ok_->Set(success ? 1 : 0);
    if (success)
        reload_ts_->Set(core::to_unix_seconds(now));
}

void self_metrics::forget_project(const std::string& project)
{
    up_.forget(project);
    requests_.forget(project);
    durations_.forget(project);
    retries_.forget(project);
    throttled_.forget(project);
    last_success_.forget(project);
    token_expiry_.forget(project);
    events_.forget(project);
    forget_discovery(project);
}

void self_metrics::set_projects(
    const std::vector<std::string>& projects,
    const std::vector<std::string>& apis
)
{
    for (const auto& old : projects_)
        if (std::find(projects.begin(), projects.end(), old) == projects.end())
            forget_project(old);
    projects_ = projects;
    for (const auto& p : projects)
    {
        for (const auto& a : apis)
        {
            retries_.get({p, a});
            throttled_.get({p, a});
        }
        for (auto k : state::all_event_kinds)
            events_.get({p, state::to_string(k)});
    }
}

}  // namespace drsmon::metrics
