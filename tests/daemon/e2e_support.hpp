#pragma once

// Helpers shared by the daemon's end-to-end tests (not part of the harness interface).

#include "drsmon/sim/faults.hpp"
#include "drsmon/sim/simulator.hpp"
#include "drsmon/sim/world.hpp"
#include "drsmon/test/daemon_harness.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace drsmon::test {

// One event as /api/v1/events and events.jsonl show it.
struct seen_event
{
    std::uint64_t seq = 0;
    std::string job_id;
    std::string kind;
    std::string from;
    std::string to;
    std::string detail;
    bool after_restart = false;
};

inline seen_event to_seen(const boost::json::object& o)
{
    seen_event e;
    e.seq = o.at("seq").to_number<std::uint64_t>();
    e.job_id = o.at("job_id").as_string().c_str();
    e.kind = o.at("kind").as_string().c_str();
    e.from = o.at("from").as_string().c_str();
    e.to = o.at("to").as_string().c_str();
    e.detail = o.at("detail").as_string().c_str();
    e.after_restart = o.at("after_restart").as_bool();
    return e;
}

// Every event the API serves (all pages), oldest first.
inline std::vector<seen_event> api_events(std::uint16_t port, const std::string& job_id = {})
{
    std::vector<seen_event> out;
    std::uint64_t since = 0;
    for (int page = 0; page < 100; ++page)
    {
        auto r = http_get(port, "/api/v1/events?since=" + std::to_string(since) + "&limit=1000");
        if (r.status != 200)
            break;
        const auto doc = boost::json::parse(r.body);
        const auto& arr = doc.at("events").as_array();
        if (arr.empty())
            break;
        for (const auto& v : arr)
        {
            auto e = to_seen(v.as_object());
            since = e.seq;
            if (job_id.empty() || e.job_id == job_id)
                out.push_back(std::move(e));
        }
    }
    return out;
}

// Every event of state_dir/events.jsonl.
inline std::vector<seen_event> file_events(const std::string& state_dir, const std::string& job_id = {})
{
    std::vector<seen_event> out;
    std::ifstream in(state_dir + "/events.jsonl");
    for (std::string line; std::getline(in, line);)
    {
        if (line.empty())
            continue;
        auto e = to_seen(boost::json::parse(line).as_object());
        if (job_id.empty() || e.job_id == job_id)
            out.push_back(std::move(e));
    }
    return out;
}

// The job as /api/v1/jobs/{id} shows it (null when not found).
inline boost::json::value api_job(std::uint16_t port, const std::string& id)
{
    auto r = http_get(port, "/api/v1/jobs/" + id);
    if (r.status != 200)
        return nullptr;
    return boost::json::parse(r.body);
}

inline std::string job_status(std::uint16_t port, const std::string& id)
{
    auto j = api_job(port, id);
    if (!j.is_object())
        return {};
    return j.at("status").as_string().c_str();
}

// Adds a job pinned at `status` now (no later keyframes). Returns its id.
inline std::string add_pinned_job(sim::simulator& s, const std::string& name, const std::string& status)
{
    return s.api().with_state([&](sim::world& w, auto&, auto&) {
        sim::job_spec spec;
        spec.id = w.make_id();
        spec.name = name;
        sim::keyframe k;
        k.at = w.now();
        k.status = status;
        if (status == "INCRE_TRANSFER_STARTED")
            k.delay = 2;
        spec.timeline.push_back(k);
        return w.add_job(std::move(spec));
    });
}

inline void set_status(sim::simulator& s, const std::string& id, const std::string& status)
{
    sim::keyframe k;
    k.status = status;
    if (status == "FULL_TRANSFER_STARTED")
        k.progress = 10;
    if (status == "FULL_TRANSFER_COMPLETE")
        k.progress = 100;
    s.api().set_job(id, k);
}

inline daemon_options options_for(sim::simulator& s, std::vector<std::string> jobs)
{
    daemon_options o;
    o.sim_url = s.url();
    o.project_id = s.api().project_id();
    o.jobs = std::move(jobs);
    return o;
}

inline std::string kinds_of(const std::vector<seen_event>& evs)
{
    std::string out;
    for (const auto& e : evs)
        out += e.kind + "(" + e.from + "->" + e.to + ") ";
    return out;
}

}  // namespace drsmon::test
