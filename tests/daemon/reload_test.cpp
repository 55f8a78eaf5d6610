// Configuration reloads (SIGHUP, POST /-/reload), --once, --config.check and sd_notify.

#include "e2e_support.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace json = boost::json;
using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

namespace {

bool has_job_series(const std::string& metrics, const std::string& id)
{
    return metric_value(metrics, "drs_job_status_changes_total", {{"job_id", id}}).has_value();
}

std::size_t count_kind(const std::vector<seen_event>& evs, const std::string& kind, const std::string& id)
{
    std::size_t n = 0;
    for (const auto& e : evs)
        n += e.kind == kind && e.job_id == id ? 1 : 0;
    return n;
}

struct command_result
{
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs drs-monitor with args (no shell quoting needed: paths come from mkdtemp).
command_result run_monitor(const std::string& args, const std::string& err_file)
{
    command_result r;
    const std::string cmd = drs_monitor_path() + " " + args + " 2>" + err_file;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
}

// A bound AF_UNIX datagram socket standing in for systemd's notification socket.
class notify_socket
{
public:
    explicit notify_socket(const std::string& path) : path_(path)
    {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot bind " + path);
    }
    ~notify_socket()
    {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    // The next datagram, or "" after the timeout.
    std::string next(std::chrono::milliseconds timeout)
    {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
            return {};
        char buf[4096];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }
    // Skips datagrams until one starts with prefix; returns it ("" on timeout).
    std::string wait_for(
        const std::string& prefix,
        std::chrono::milliseconds timeout,
        std::vector<std::string>* seen
    )
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline)
        {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()
            );
            auto m = next(left);
            if (m.empty())
                continue;
            if (seen)
                seen->push_back(m);
            if (m.rfind(prefix, 0) == 0)
                return m;
        }
        return {};
    }

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace

class DaemonReload : public ::testing::Test
{
protected:
    void SetUp() override
    {
        sim = start_simulator(0);
        a = add_pinned_job(*sim, "reload-a", "INCRE_TRANSFER_STARTED");
        b = add_pinned_job(*sim, "reload-b", "FULL_TRANSFER_STARTED");
        c = add_pinned_job(*sim, "reload-c", "CONFIGURATION");
    }

    void expect_swapped(daemon_process& d, pid_t pid)
    {
        ASSERT_TRUE(d.wait_for(
            [&] {
                const auto m = d.metrics();
                return has_job_series(m, c) && !has_job_series(m, a);
            },
            10s
        )) << d.logs();
        EXPECT_EQ(d.pid(), pid);
        const auto m = d.metrics();
        EXPECT_TRUE(has_job_series(m, b));
        EXPECT_EQ(metric_value(m, "drs_monitor_config_last_reload_successful"), 1.0);
        EXPECT_EQ(metric_value(m, "drs_monitor_jobs", {{"source", "config"}}), 2.0);
        const auto evs = api_events(d.port());
        EXPECT_EQ(count_kind(evs, "job_removed", a), 1u) << kinds_of(evs);
        EXPECT_EQ(count_kind(evs, "job_added", c), 1u) << kinds_of(evs);
        EXPECT_EQ(count_kind(evs, "job_added", b), 1u) << kinds_of(evs);
        EXPECT_EQ(count_kind(evs, "job_removed", b), 0u) << kinds_of(evs);
        EXPECT_EQ(api_job(d.port(), a), json::value(nullptr));
        EXPECT_EQ(job_status(d.port(), c), "CONFIGURATION");
    }

    std::unique_ptr<sim::simulator> sim;
    std::string a, b, c;
};

TEST_F(DaemonReload, SighupAddsAndRemovesJobsWithoutARestart)
{
    daemon_process d(options_for(*sim, {a, b}));
    ASSERT_TRUE(
        d.wait_for([&] { return has_job_series(d.metrics(), a) && has_job_series(d.metrics(), b); }, 10s)
    ) << d.logs();
    const auto pid = d.pid();
    d.rewrite_config(options_for(*sim, {b, c}));
    d.signal(SIGHUP);
    expect_swapped(d, pid);
}

TEST_F(DaemonReload, PostReloadAddsAndRemovesJobsWithoutARestart)
{
    daemon_process d(options_for(*sim, {a, b}));
    ASSERT_TRUE(d.wait_for([&] { return has_job_series(d.metrics(), a); }, 10s)) << d.logs();
    const auto pid = d.pid();
    d.rewrite_config(options_for(*sim, {b, c}));
    auto r = http_post(d.port(), "/-/reload");
    EXPECT_EQ(r.status, 200) << r.body;
    expect_swapped(d, pid);
}

TEST_F(DaemonReload, AnInvalidConfigKeepsTheRunningOneAndReportsTheFailure)
{
    daemon_process d(options_for(*sim, {a, b}));
    ASSERT_TRUE(d.wait_for([&] { return has_job_series(d.metrics(), a); }, 10s)) << d.logs();
    EXPECT_EQ(metric_value(d.metrics(), "drs_monitor_config_last_reload_successful"), 1.0);

    auto bad = options_for(*sim, {b, c});
    bad.global_extra_yaml = "no_such_key: 1";
    d.rewrite_config(bad);
    auto r = http_post(d.port(), "/-/reload");
    EXPECT_EQ(r.status, 500);
    EXPECT_NE(r.body.find("no_such_key"), std::string::npos) << r.body;
    EXPECT_EQ(metric_value(d.metrics(), "drs_monitor_config_last_reload_successful"), 0.0);

    // SIGHUP with the same file: still running, still the old jobs, still failed.
    d.signal(SIGHUP);
    ASSERT_TRUE(d.wait_for([&] { return d.logs().find("SIGHUP received") != std::string::npos; }, 5s));
    // The old configuration keeps polling: a change of job a is still seen.
    set_status(*sim, a, "INCRE_TRANSFER_FAILED");
    ASSERT_TRUE(d.wait_for([&] { return job_status(d.port(), a) == "INCRE_TRANSFER_FAILED"; }, 10s))
        << d.logs();
    const auto m = d.metrics();
    EXPECT_EQ(metric_value(m, "drs_monitor_config_last_reload_successful"), 0.0);
    EXPECT_TRUE(has_job_series(m, b));
    EXPECT_FALSE(has_job_series(m, c));
    EXPECT_EQ(d.wait_exit(0ms), -1) << "the daemon exited";

    // A good file again: the gauge returns to 1.
    d.rewrite_config(options_for(*sim, {a, b}));
    EXPECT_EQ(http_post(d.port(), "/-/reload").status, 200);
    ASSERT_TRUE(d.wait_for(
        [&] { return metric_value(d.metrics(), "drs_monitor_config_last_reload_successful") == 1.0; },
        10s
    )) << d.logs();
}

TEST_F(DaemonReload, NotifiesSystemdWhenReadyReloadingAndStopping)
{
    char tmpl[] = "/tmp/drsmon-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string sock_dir = tmpl;
    const std::string path = sock_dir + "/notify";
    std::vector<std::string> seen;
    {
        notify_socket sock(path);
        auto o = options_for(*sim, {a, b});
        o.env["NOTIFY_SOCKET"] = path;
        daemon_process d(o);

        const auto ready = sock.wait_for("READY=1", 10s, &seen);
        ASSERT_FALSE(ready.empty()) << d.logs();
        // READY comes after the first round: by then the jobs are known.
        EXPECT_GE(sim->api().count("batch-status"), 1u);
        EXPECT_EQ(http_get(d.port(), "/-/ready").status, 200);
        EXPECT_EQ(job_status(d.port(), a), "INCRE_TRANSFER_STARTED");

        ASSERT_EQ(http_post(d.port(), "/-/reload").status, 200);
        EXPECT_EQ(sock.wait_for("RELOADING=1", 5s, &seen), "RELOADING=1");
        EXPECT_EQ(sock.wait_for("READY=1", 5s, &seen), "READY=1");

        d.signal(SIGTERM);
        EXPECT_EQ(sock.wait_for("STOPPING=1", 5s, &seen), "STOPPING=1");
        EXPECT_EQ(d.wait_exit(5s), 0);
    }
    std::filesystem::remove_all(sock_dir);
    // Nothing but the protocol's messages.
    for (const auto& m : seen)
        EXPECT_TRUE(m.rfind("READY=1", 0) == 0 || m == "RELOADING=1" || m == "STOPPING=1") << m;
}

TEST_F(DaemonReload, OncePrintsTheWholeStateAsJsonAndExitsZero)
{
    daemon_process d(options_for(*sim, {a, b, c}));
    d.signal(SIGTERM);
    ASSERT_EQ(d.wait_exit(5s), 0);
    auto r = run_monitor("--once --config.file=" + d.config_path(), d.dir() + "/once.err");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json::value v;
    ASSERT_NO_THROW(v = json::parse(r.out)) << r.out;
    EXPECT_TRUE(v.at("ok").as_bool());
    ASSERT_EQ(v.at("projects").as_array().size(), 1u);
    EXPECT_TRUE(v.at("projects").at(0).at("up").as_bool());
    std::map<std::string, std::string> status;
    for (const auto& j : v.at("jobs").as_array())
        status[j.at("job_id").as_string().c_str()] = j.at("status").as_string().c_str();
    EXPECT_EQ(status.size(), 3u);
    EXPECT_EQ(status[a], "INCRE_TRANSFER_STARTED");
    EXPECT_EQ(status[b], "FULL_TRANSFER_STARTED");
    EXPECT_EQ(status[c], "CONFIGURATION");
    for (const auto& j : v.at("jobs").as_array())
        EXPECT_FALSE(j.at("name").as_string().empty()) << "batch-detail ran";
    EXPECT_EQ(r.out.find("simSecretKey"), std::string::npos);
}

TEST_F(DaemonReload, OnceExitsNonZeroWhenTheApiFails)
{
    auto o = options_for(*sim, {a, b});
    o.global_extra_yaml = "retry:\n  max_attempts: 1";
    daemon_process d(o);
    d.signal(SIGTERM);
    ASSERT_EQ(d.wait_exit(5s), 0);
    sim->api().add_fault(*sim::parse_fault_spec("503:count=1000"));
    auto r = run_monitor("--once --config.file=" + d.config_path(), d.dir() + "/once.err");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json::value v;
    ASSERT_NO_THROW(v = json::parse(r.out)) << r.out;
    EXPECT_FALSE(v.at("ok").as_bool());
    EXPECT_FALSE(v.at("projects").at(0).at("up").as_bool());
}

TEST_F(DaemonReload, ConfigCheckAcceptsAValidFileAndNamesTheLineAndKeyOfAnInvalidOne)
{
    daemon_process d(options_for(*sim, {a}));
    auto ok = run_monitor("--config.check --config.file=" + d.config_path(), d.dir() + "/check.err");
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("is valid"), std::string::npos) << ok.out;

    // Break the region, and find the line it is on.
    std::ifstream in(d.config_path());
    std::string text, line;
    int n = 0, region_line = 0;
    while (std::getline(in, line))
    {
        ++n;
        if (line.find("region:") != std::string::npos)
        {
            region_line = n;
            line = "    region: Not_A_Region";
        }
        text += line + "\n";
    }
    ASSERT_GT(region_line, 0);
    const std::string bad = d.dir() + "/bad.yml";
    std::ofstream(bad) << text;
    auto r = run_monitor("--config.check --config.file=" + bad, d.dir() + "/check.err");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(bad + ":" + std::to_string(region_line) + ": projects[0].region"), std::string::npos)
        << r.err;
}
