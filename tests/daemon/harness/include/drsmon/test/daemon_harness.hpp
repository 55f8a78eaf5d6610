#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::sim {
class simulator;
}

// End-to-end test kit: runs the real drs-monitor binary as a child process against the in-process
// DRS simulator and talks to it over plain HTTP on 127.0.0.1. Used by tests/daemon and tests/faults.
namespace drsmon::test {

// One HTTP response. status 0 means no connection could be made (or the exchange failed).
struct http_result
{
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    // The value of the first header with that name (case-insensitive), "" if absent.
    std::string header(std::string_view name) const;
};

// Plain HTTP/1.1 to 127.0.0.1:port with a 5 s deadline for the whole exchange. The body is
// returned as sent (no decompression). Never throws.
http_result http_get(
    std::uint16_t port,
    const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers = {}
);
http_result http_post(std::uint16_t port, const std::string& target, const std::string& body = {});

// Absolute path of the built drs-monitor.
std::string drs_monitor_path();

// Prometheus text helpers: the value of the first sample named exactly `name` that carries all
// the given labels (others may be present); nullopt if none does.
std::optional<double> metric_value(
    const std::string& text,
    const std::string& name,
    const std::map<std::string, std::string>& labels = {}
);
// The number of samples named exactly `name`.
std::size_t count_samples(const std::string& text, const std::string& name);

struct daemon_options
{
    std::string sim_url;                  // e.g. simulator.url()
    std::string project_id;               // the simulator's project id
    std::vector<std::string> jobs;        // job IDs to configure
    std::vector<std::string> async_jobs;  // batch-async-job IDs to configure
    std::string auth = "aksk";            // aksk | password | token
    std::string access_key = "HPUASIMACCESSKEY0001", secret_key = "simSecretKey+/0123456789";
    std::string iam_user = "monitor", iam_password = "monitor-password", token;
    std::string ca_file;  // default: tests/data/tls/ca.pem
    bool insecure_skip_verify = false;
    std::string global_extra_yaml;     // extra lines under global: (indented by the harness)
    std::string project_extra_yaml;    // extra lines under the project (indented by the harness)
    std::string poll_interval = "1s";  // all intervals default to this for fast tests
    std::vector<std::string> extra_args;
    std::map<std::string, std::string> env;
    std::string log_level = "debug";
};

// The daemon as a child process with its own temp dir.
class daemon_process
{
public:
    // Writes the config and 0600 credential files into a fresh temp dir, starts drs-monitor on
    // 127.0.0.1:<free port> with stderr going to dir()/daemon.log, and waits (<= 10 s) for
    // /-/healthy. Throws std::runtime_error with the log tail on failure. The daemon is killed
    // (SIGKILL) if the thread that started it ends, so a crashed test leaves no daemon behind.
    explicit daemon_process(daemon_options opts);
    // SIGTERM, wait <= 5 s, then SIGKILL; removes the temp dir unless the test failed.
    ~daemon_process();
    daemon_process(const daemon_process&) = delete;
    daemon_process& operator=(const daemon_process&) = delete;

    std::uint16_t port() const;
    const std::string& dir() const;  // temp dir (config, credentials/, state/)
    std::string config_path() const;
    std::string state_dir() const;
    std::string logs() const;     // everything the daemon wrote to stderr so far
    std::string metrics() const;  // GET /metrics body ("" if unreachable)
    // Evaluates pred every 50 ms until it is true (returns true) or the timeout passes (false).
    bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const;
    // Rewrites the config file in place (for reload tests); does not signal the daemon.
    void rewrite_config(daemon_options opts);
    void signal(int sig);
    // The exit code (128 + signal number if killed by a signal), or -1 on timeout.
    int wait_exit(std::chrono::milliseconds timeout);
    void kill9();
    // Starts again with the same dir, config and port (after wait_exit or kill9); waits for
    // /-/healthy like the constructor.
    void restart();
    pid_t pid() const;

private:
    void write_files(const daemon_options& opts);
    void spawn();
    void wait_healthy();

    daemon_options opts_;
    std::string dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    int exit_code_ = -1;
};

// A started simulator on its own thread (TLS, test CA) with n generated jobs, or the jobs of a
// scenario file when scenario_file is not empty (n then adds generated jobs if the file does not
// say "generate").
std::unique_ptr<sim::simulator> start_simulator(
    int n,
    unsigned seed = 1,
    double speed = 1.0,
    const std::string& scenario_file = {}
);
// The same from options (world, router): the harness's access key and IAM user are added.
std::unique_ptr<sim::simulator> start_simulator(sim::simulator_options o);

}  // namespace drsmon::test
