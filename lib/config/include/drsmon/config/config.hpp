#pragma once

#include "drsmon/config/discovery.hpp"
#include "drsmon/config/env.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/core/fsync_policy.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::config {

using std::chrono::milliseconds;

// Retries of one API call inside a polling round (global.retry).
struct retry_config
{
    int max_attempts = 3;                 // total attempts per call, 1..10
    milliseconds initial_backoff{1'000};  // first back-off, doubled per attempt
    milliseconds max_backoff{60'000};     // cap of one back-off, >= initial_backoff
    int round_budget = 20;                // retries per project per round, 0 = no retries
};

// The pause of one API of a project after a throttled round (global.throttle): a random time
// between min_backoff and min(max_backoff, min_backoff x 2^(n-1)) after the n-th throttled round
// in a row (full jitter; poller::schedule_settings::throttle_initial / throttle_max).
struct throttle_config
{
    milliseconds min_backoff{5'000};    // > 0
    milliseconds max_backoff{600'000};  // >= min_backoff
};

// The event ring and its events.jsonl file (global.events).
struct events_config
{
    std::size_t ring_size = 1000;                // events kept in memory, 1..1000000
    std::uint64_t file_max_bytes = 10ull << 20;  // events.jsonl rotates beyond this size
    int file_keep = 3;                           // rotated files kept, 0..100
    core::fsync_policy fsync = core::fsync_policy::round;
};

// The global section: cadences and limits shared by every project.
struct global_config
{
    milliseconds poll_interval{30'000};              // batch-status + batch-progress
    milliseconds finished_interval{600'000};         // batch-status of finished jobs
    milliseconds detail_interval{600'000};           // batch-detail (names, metadata)
    milliseconds precheck_interval{60'000};          // batch-precheck-result
    milliseconds init_interval{60'000};              // batch-struct-process / batch-struct-detail
    milliseconds async_interval{60'000};             // v5 batch-async-jobs
    milliseconds dr_interval{60'000};                // batch-rpo-and-rto + disaster-recovery-monitoring-data
    milliseconds components_interval{60'000};        // v5 increment-components-detail
    int batch_size = 10;                             // job IDs per batch call, 1..10
    int max_concurrency = 4;                         // in-flight requests per project, 1..64
    milliseconds request_timeout{10'000};            // whole-request deadline
    milliseconds max_staleness{300'000};             // data older than this is reported stale
    std::string state_dir = "/var/lib/drs-monitor";  // state.json and events.jsonl
    std::uint64_t max_response_bytes = 16ull << 20;  // response body limit
    retry_config retry;
    throttle_config throttle;
    milliseconds auth_failure_backoff{300'000};  // pause after 401/403 before trying again
    events_config events;
    double jitter = 0.1;             // +- ratio applied to every interval, 0..1
    std::string language = "en-us";  // X-Language: en-us or zh-cn
};

enum class auth_type
{
    aksk,
    token,
    password
};

// "aksk", "token" or "password".
const char* to_string(auth_type t) noexcept;

// Where a project's credentials come from. Never holds a secret, only file names and
// environment variable names; load_secrets() reads the values. For each secret at most
// one of *_file and *_env is set (the loader enforces it).
struct auth_config
{
    auth_type type = auth_type::aksk;
    std::string access_key_file, access_key_env;          // aksk
    std::string secret_key_file, secret_key_env;          // aksk
    std::string security_token_file, security_token_env;  // aksk, optional (temporary AK/SK)
    std::string token_file, token_env;                    // token
    std::string user, domain;                             // password: IAM user and account name
    std::string password_file, password_env;              // password

    // Relative *_file paths resolve against $CREDENTIALS_DIRECTORY when set, else against
    // this directory (the config file's directory; empty = the working directory).
    std::string config_dir;
    // "projects[0].auth" in the config file, for error messages.
    std::string key_path;
};

struct tls_config
{
    std::string ca_file;                // extra CA bundle (PEM), absolute; empty = system store
    bool insecure_skip_verify = false;  // disables certificate and host-name checks
};

// What db-objects collection reads (v5.1 collect "type").
enum class collect_type
{
    source,
    modified,
    synchronized
};

// "source", "modified" or "synchronized".
const char* to_string(collect_type t) noexcept;

struct collect_config
{
    collect_type type = collect_type::synchronized;
    milliseconds interval{3'600'000};
};

struct job_config
{
    std::string id;                         // as written in the file
    std::optional<collect_config> collect;  // nullopt: no db-objects collection
};

struct project_config
{
    std::string name;          // the `project` label
    std::string region;        // e.g. ap-southeast-1
    std::string project_id;    // 32 hex characters
    std::string endpoint;      // "https://host[:port]": file, else env override, else derived
    std::string iam_endpoint;  // "https://host[:port]": file, else HUAWEICLOUD_SDK_IAM_ENDPOINT, else derived
    auth_config auth;
    tls_config tls;
    // Effective proxies ("http://host:port"), empty = direct. From proxy_url when the file
    // sets it (an empty string forces direct), else from HTTPS_PROXY / https_proxy with
    // NO_PROXY / no_proxy applied to each endpoint's host.
    std::string proxy_url;      // for endpoint
    std::string iam_proxy_url;  // for iam_endpoint
    std::vector<job_config> jobs;
    std::vector<std::string> async_jobs;
    discovery_config discovery;
    // DR health reads of the project (dr_interval: RPO/RTO, DR monitoring, and actions at the
    // detail cadence) and increment components (components_interval); false switches them off.
    bool dr = true;
    bool components = true;
};

struct config
{
    std::string source;  // the file path (or source name given to load_string)
    global_config global;
    std::vector<project_config> projects;
};

// Loads, validates and resolves a configuration file. Never throws for bad input and never
// logs. Errors have code errc::config, where = the file name, path = the key path, and
// detail "<file>:<line>: <key path>: <message>", e.g.
//   drs.yml:12: projects[0].auth.type: must be one of aksk, token, password (got "akk")
// An unreadable file gives "<file>: (root): cannot read: <reason>". Secret values never
// appear in errors: secrets written inline in the file are rejected by key name.
core::result<config> load_file(const std::string& path, const env_lookup& env = process_env());

// As load_file, for text already in memory; source_name stands for the file in messages
// and its directory anchors relative paths.
core::result<config> load_string(std::string_view yaml, std::string_view source_name, const env_lookup& env);

// The endpoints derived from a region alone: "https://drs.<region>.myhuaweicloud.com" and
// "https://iam.<region>.myhuaweicloud.com" (".myhuaweicloud.eu" for eu-west-101).
std::string default_endpoint(std::string_view region);
std::string default_iam_endpoint(std::string_view region);

// The name of the per-region endpoint override: HUAWEICLOUD_SDK_REGION_DRS_AP_SOUTHEAST_1.
std::string endpoint_env_name(std::string_view region);

}  // namespace drsmon::config
