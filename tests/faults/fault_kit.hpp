#pragma once

// Shared helpers of the fault matrix and the security tests: Prometheus text reading, the
// event API, simulator job pinning and the fast global settings every fault test runs with.

#include "drsmon/sim/simulator.hpp"
#include "drsmon/test/daemon_harness.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace drsmon::faults {

using namespace std::chrono_literals;
using labels = std::map<std::string, std::string>;
using steady = std::chrono::steady_clock;

// One sample of the Prometheus text format.
struct sample
{
    labels tags;
    double value = 0;
};

// Every sample named exactly `name` (comments and other families skipped).
inline std::vector<sample> samples(const std::string& text, const std::string& name)
{
    std::vector<sample> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
    {
        if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0)
            continue;
        std::size_t i = name.size();
        if (i >= line.size() || (line[i] != '{' && line[i] != ' '))
            continue;
        sample s;
        if (line[i] == '{')
        {
            ++i;
            while (i < line.size() && line[i] != '}')
            {
                const auto eq = line.find('=', i);
                if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
                    break;
                std::string key = line.substr(i, eq - i);
                std::string value;
                std::size_t j = eq + 2;
                for (; j < line.size() && line[j] != '"'; ++j)
                {
                    if (line[j] == '\\' && j + 1 < line.size())
                    {
                        ++j;
                        value += line[j] == 'n' ? '\n' : line[j];
                    }
                    else
                        value += line[j];
                }
                s.tags[key] = value;
                i = j + 1;
                if (i < line.size() && line[i] == ',')
                    ++i;
            }
            ++i;  // '}'
        }
        try
        {
            s.value = std::stod(line.substr(i));
        }
        catch (const std::exception&)
        {
            continue;
        }
        out.push_back(std::move(s));
    }
    return out;
}

inline bool matches(const sample& s, const labels& want)
{
    for (const auto& [k, v] : want)
    {
        auto it = s.tags.find(k);
        if (it == s.tags.end() || it->second != v)
            return false;
    }
    return true;
}

// The sum of the samples named `name` that carry all of `want` (0 when there are none).
inline double sum(const std::string& text, const std::string& name, const labels& want = {})
{
    double total = 0;
    for (const auto& s : samples(text, name))
        if (matches(s, want))
            total += s.value;
    return total;
}

// The number of samples named `name` that carry all of `want`.
inline std::size_t count(const std::string& text, const std::string& name, const labels& want = {})
{
    std::size_t n = 0;
    for (const auto& s : samples(text, name))
        n += matches(s, want) ? 1 : 0;
    return n;
}

// The value series a stale job must not show (docs/metrics.md: only info, stale and last refresh
// remain).
inline const std::vector<std::string>& value_series()
{
    static const std::vector<std::string> names = {
        "drs_job_status",
        "drs_job_failed",
        "drs_job_progress_ratio",
        "drs_job_replication_delay_seconds",
        "drs_job_remaining_seconds",
    };
    return names;
}

// Fresh: drs_job_stale 0 and a status series present.
inline bool job_fresh(const std::string& text, const std::string& id)
{
    const labels l{{"job_id", id}};
    return count(text, "drs_job_stale", l) == 1 && sum(text, "drs_job_stale", l) == 0 &&
           count(text, "drs_job_status", l) == 1;
}

// Stale: drs_job_stale 1 and every value series withdrawn.
inline bool job_stale(const std::string& text, const std::string& id)
{
    const labels l{{"job_id", id}};
    if (count(text, "drs_job_stale", l) != 1 || sum(text, "drs_job_stale", l) != 1)
        return false;
    for (const auto& n : value_series())
        if (count(text, n, l) != 0)
            return false;
    return true;
}

// True once the API has a job_stale event for each of ids (emitted by the first status round
// that ends after max_staleness; /metrics shows the staleness from the scrape on).
inline bool stale_events_for(std::uint16_t port, const std::vector<std::string>& ids);

inline std::optional<double> up(const std::string& text)
{
    if (count(text, "drs_monitor_up", {{"project", "sim"}}) != 1)
        return std::nullopt;
    return sum(text, "drs_monitor_up", {{"project", "sim"}});
}

// One event as /api/v1/events and events.jsonl show it.
struct event_rec
{
    std::uint64_t seq = 0;
    std::string kind, job_id, from, to, detail;
    bool after_restart = false;

    bool operator==(const event_rec&) const = default;
};

inline event_rec to_event(const boost::json::object& o)
{
    event_rec e;
    e.seq = o.at("seq").to_number<std::uint64_t>();
    e.kind = std::string(o.at("kind").as_string());
    e.job_id = std::string(o.at("job_id").as_string());
    e.from = std::string(o.at("from").as_string());
    e.to = std::string(o.at("to").as_string());
    e.detail = std::string(o.at("detail").as_string());
    e.after_restart = o.at("after_restart").as_bool();
    return e;
}

// Every event the daemon's API holds (up to 1000), oldest first. Empty on any failure.
inline std::vector<event_rec> api_events(std::uint16_t port)
{
    std::vector<event_rec> out;
    auto r = test::http_get(port, "/api/v1/events?since=0&limit=1000");
    if (r.status != 200)
        return out;
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object())
        return out;
    for (const auto& e : v.as_object().at("events").as_array())
        out.push_back(to_event(e.as_object()));
    return out;
}

inline bool stale_events_for(std::uint16_t port, const std::vector<std::string>& ids)
{
    const auto events = api_events(port);
    for (const auto& id : ids)
    {
        const bool found = std::any_of(events.begin(), events.end(), [&](const event_rec& e) {
            return e.kind == "job_stale" && e.job_id == id;
        });
        if (!found)
            return false;
    }
    return true;
}

// The events once the daemon has settled: none added for 2 s (two poll intervals), so that the
// first rounds of every task (names, DR initialisation, ...) are behind it.
inline std::vector<event_rec> settled_events(const test::daemon_process& d)
{
    auto last = api_events(d.port());
    auto since = steady::now();
    d.wait_for(
        [&] {
            auto now = api_events(d.port());
            if (now.size() != last.size())
            {
                last = std::move(now);
                since = steady::now();
                return false;
            }
            return std::chrono::duration<double>(steady::now() - since).count() >= 2.0;
        },
        20s
    );
    return last;
}

inline std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The events of a JSON-lines file (events.jsonl), in file order.
inline std::vector<event_rec> file_events(const std::string& path)
{
    std::vector<event_rec> out;
    std::istringstream in(read_text(path));
    std::string line;
    while (std::getline(in, line))
    {
        boost::system::error_code ec;
        auto v = boost::json::parse(line, ec);
        if (!ec && v.is_object())
            out.push_back(to_event(v.as_object()));
    }
    return out;
}

inline std::size_t occurrences(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
        ++n;
    return n;
}

// The settings every fault test uses: fast polling, short timeouts and back-offs, no jitter,
// and a staleness limit a little above the poll interval.
inline std::string fast_globals(const std::string& request_timeout = "1s", const std::string& extra = {})
{
    std::string y = "request_timeout: " + request_timeout +
                    "\n"
                    "max_staleness: 3s\n"
                    "jitter: 0\n"
                    "auth_failure_backoff: 2s\n"
                    "retry:\n"
                    "  max_attempts: 2\n"
                    "  initial_backoff: 100ms\n"
                    "  max_backoff: 200ms\n";
    return y + extra;
}

// Pins every job to a steady incremental state (status, full progress, a fixed delay) so that
// nothing changes unless the test says so.
inline void pin_jobs(sim::simulator& s, const std::vector<std::string>& ids)
{
    for (const auto& id : ids)
    {
        sim::keyframe k;
        k.status = "INCRE_TRANSFER_STARTED";
        k.progress = 100;
        k.delay = 2;
        k.error_code = "";
        k.error_message = "";
        s.api().set_job(id, k);
    }
}

inline test::daemon_options options_for(sim::simulator& s, const std::vector<std::string>& jobs)
{
    test::daemon_options o;
    o.sim_url = s.url();
    o.project_id = s.api().project_id();
    o.jobs = jobs;
    o.global_extra_yaml = fast_globals();
    return o;
}

// /proc/<pid>/status field in kB (VmRSS, VmHWM), -1 when unreadable.
inline long proc_kb(pid_t pid, const std::string& field)
{
    std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/status"));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stol(line.substr(field.size() + 1));
    return -1;
}

// Marks every descriptor of the test process close-on-exec. Asio does not open sockets with
// SOCK_CLOEXEC and the harness does not close descriptors when it spawns the daemon, so the daemon
// would otherwise inherit the simulator's listening socket and keep it open after the simulator
// is gone (connections then hang in its backlog instead of being refused).
inline void close_on_exec_everything()
{
    std::vector<int> fds;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        fds.push_back(std::stoi(e.path().filename().string()));
    for (int fd : fds)
        if (fd > 2)
            ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

inline double seconds_since(steady::time_point t)
{
    return std::chrono::duration<double>(steady::now() - t).count();
}

}  // namespace drsmon::faults
