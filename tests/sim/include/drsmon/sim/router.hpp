#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/sim/faults.hpp"
#include "drsmon/sim/http_types.hpp"
#include "drsmon/sim/recorder.hpp"
#include "drsmon/sim/world.hpp"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The simulated DRS + IAM API: request in, response out, no sockets. Implements the wire
// formats of drs-api.md (see tests/sim/README.md for the list), gateway authentication,
// faults, recording and the /-/sim/ control endpoint. handle() is thread-safe.
namespace drsmon::sim {

struct router_options
{
    std::vector<std::pair<std::string, std::string>> access_keys;  // AK, SK accepted for signatures
    std::vector<std::pair<std::string, std::string>> iam_users;    // user name, password for tokens
    std::chrono::seconds token_lifetime{std::chrono::hours(24)};
    double collection_seconds = 5;  // simulated seconds a db-objects collection stays "pending"
    std::size_t record_capacity = 10000;
    bool control = true;             // serve /-/sim/
    unsigned progress_status = 200;  // batch-progress: the docs disagree between 200 and 202
    // A batch the API does not apply to for some job (DRS.M00304) is refused as a whole (HTTP 400
    // with the code at the top level) instead of answered per item: the spec does not say which
    // the real service does.
    bool not_applicable_fails_batch = false;
    int lockout_failures = 5;  // consecutive signature failures that lock an AK
    std::chrono::seconds lockout{std::chrono::minutes(5)};
    std::chrono::seconds max_skew{std::chrono::minutes(15)};
};

class router
{
public:
    // clock drives both the world's simulated time and the gateway's notion of "now" (signature
    // skew, token expiry, lockouts). It must outlive the router.
    router(world_options wopts, router_options ropts, const core::clock& clock);

    // Answers one request. Never throws for any input.
    response handle(const request& req);

    // Runs f(world&, fault_set&, recorder&) under the router's lock.
    template <class F>
    decltype(auto) with_state(F&& f)
    {
        std::lock_guard lock(mutex_);
        return f(world_, faults_, recorder_);
    }

    // Convenience wrappers, each under the lock.
    void add_fault(fault f);
    void clear_faults();
    std::vector<recorded_request> requests() const;
    void clear_requests();
    std::size_t count(std::string_view api) const;
    void expire_tokens();
    void advance(std::chrono::duration<double> d);
    // Changes the job now (see world::set_now). False for an unknown job.
    bool set_job(std::string_view id, keyframe k);
    std::string project_id() const;
    std::vector<std::string> job_ids() const;
    // Issues a token as POST /v3/auth/tokens would (for tests that skip IAM).
    std::string issue_token();

    // The /-/sim/state document.
    boost::json::value state_json() const;

private:
    struct token_info
    {
        core::wall_time issued;
        core::wall_time expires;
    };
    struct ak_state
    {
        int failures = 0;
        core::wall_time locked_until{};
    };
    struct collection
    {
        std::string job_id;
        double created = 0;
        std::string type;
    };
    struct auth_outcome
    {
        bool ok = false;
        std::string label;    // recorded "auth"
        std::string message;  // 401 text
    };

    core::wall_time server_now() const;
    std::string next_request_id();
    std::string issue_token_locked();
    auth_outcome authenticate(const request& req);
    response route(
        const request& req,
        std::string_view api,
        const std::vector<std::string>& segs,
        const std::vector<std::pair<std::string, std::string>>& query
    );
    response control(
        const request& req,
        const std::vector<std::string>& segs,
        const std::vector<std::pair<std::string, std::string>>& query
    );
    boost::json::value state_json_locked() const;

    response iam_tokens(const request& req);
    response iam_projects(const std::vector<std::pair<std::string, std::string>>& query);
    response batch(std::string_view api, const request& req, std::string_view struct_type);
    response job_list(const request& req);
    // GET /v5/{project_id}/jobs (ListJobs): offset/limit over the same parents as job_list.
    response job_list_v5(const std::vector<std::pair<std::string, std::string>>& query);
    // The parents a job list shows for these filters (empty: any), newest first, with their state.
    std::vector<std::pair<const job_spec*, job_snapshot>> listed_parents(
        std::string_view use_type,
        std::string_view engine,
        std::string_view name,
        std::string_view status,
        double t
    ) const;
    // One listed parent with its children[]: v3 JobInfo, or v5 JobListResp when v5.
    boost::json::object listed_job_json(const job_spec& j, const job_snapshot& s, double t, bool v5) const;
    response async_jobs(
        std::string_view batch_id,
        const std::vector<std::pair<std::string, std::string>>& query
    );
    response collect(std::string_view job_id, const request& req);
    response collection_status(
        std::string_view job_id,
        const std::vector<std::pair<std::string, std::string>>& query
    );
    // GET increment-components-detail or actions of one job (dr_health.hpp).
    response job_read(std::string_view api, std::string_view job_id);

    router_options opts_;
    const core::clock& clock_;
    mutable std::mutex mutex_;
    world world_;
    fault_set faults_;
    recorder recorder_;
    std::map<std::string, token_info, std::less<>> tokens_;
    std::map<std::string, ak_state, std::less<>> aks_;
    std::map<std::string, collection, std::less<>> collections_;
    std::uint64_t id_state_;
};

// The API name of a request target ("batch-status", "iam-tokens", "control", "unknown", ...).
std::string api_of(std::string_view method, std::string_view target);

}  // namespace drsmon::sim
