#pragma once

#include "drsmon/auth/signer.hpp"
#include "drsmon/sim/router.hpp"
#include "drsmon/sim/scenario.hpp"

#include <boost/json.hpp>

#include <memory>
#include <string>

namespace drsmon::sim::testing {

inline constexpr const char* project = "0123456789abcdef0123456789abcdef";
inline constexpr const char* ak = "HPUASIMACCESSKEY0001";
inline constexpr const char* sk = "simSecretKey+/0123456789";

inline std::string scenario_path() { return std::string(DRSMON_TEST_DATA_DIR) + "/sim/lifecycle.yaml"; }

// A router over a manual clock, optionally with the lifecycle scenario loaded.
struct harness
{
    core::manual_clock clock;
    std::unique_ptr<router> r;
    std::string token;

    explicit harness(int jobs = 12, bool with_scenario = false, std::uint64_t seed = 42)
    {
        world_options w;
        w.project_id = project;
        w.seed = seed;
        w.jobs = jobs;
        router_options o;
        o.access_keys = {{ak, sk}};
        o.iam_users = {{"monitor", "pa55word"}};
        o.token_lifetime = std::chrono::hours(1);
        r = std::make_unique<router>(w, o, clock);
        if (with_scenario)
        {
            auto s = load_scenario(scenario_path());
            r->with_state([&](world& wd, fault_set&, recorder&) { apply(s, wd); });
        }
        token = r->issue_token();
    }

    response call(std::string method, std::string target, std::string body = "")
    {
        request q{
            std::move(method),
            std::move(target),
            {{"Content-Type", "application/json"}, {"X-Auth-Token", token}},
            std::move(body)};
        return r->handle(q);
    }

    response post(std::string_view api, const boost::json::value& body)
    {
        return call(
            "POST",
            "/v3/" + std::string(project) + "/jobs/" + std::string(api),
            boost::json::serialize(body)
        );
    }

    // A request signed like the SDK at time now (query pairs raw, as request_spec carries them).
    response signed_call(
        std::string method,
        std::string path,
        std::string body,
        core::wall_time now,
        std::string secret = sk,
        std::vector<std::pair<std::string, std::string>> query = {}
    )
    {
        auth::sign_input in;
        in.method = method;
        in.host = "127.0.0.1:8443";
        in.path = path;
        in.query = std::move(query);
        in.headers = {{"Content-Type", "application/json"}, {"X-Project-Id", project}};
        in.body = body;
        auto out = auth::sign(in, {ak, secret, ""}, now);
        request q{std::move(method), out.target, {}, std::move(body)};
        for (const auto& h : out.headers)
            q.headers.emplace_back(h.name, h.value);
        return r->handle(q);
    }

    std::vector<std::string> ids() const { return r->job_ids(); }
};

inline boost::json::value parse(const response& res) { return boost::json::parse(res.body); }

inline boost::json::array jobs_array(const std::vector<std::string>& ids)
{
    boost::json::array a;
    for (const auto& id : ids)
        a.push_back(boost::json::value(id));
    return a;
}

}  // namespace drsmon::sim::testing
