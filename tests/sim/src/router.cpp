#include "drsmon/auth/signer.hpp"
#include "drsmon/sim/dr_health.hpp"
#include "drsmon/sim/router.hpp"
#include "drsmon/sim/scenario.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>
#include <utility>

namespace drsmon::sim {

namespace json = boost::json;

namespace {

using query_list = std::vector<std::pair<std::string, std::string>>;

std::uint64_t splitmix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::vector<std::string> split_path(std::string_view path)
{
    std::vector<std::string> out;
    if (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    while (true)
    {
        auto slash = path.find('/');
        out.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

query_list parse_query(std::string_view q)
{
    query_list out;
    while (!q.empty())
    {
        auto amp = q.find('&');
        std::string_view kv = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (kv.empty())
            continue;
        auto eq = kv.find('=');
        auto key = auth::percent_decode(kv.substr(0, eq));
        auto val = auth::percent_decode(
            eq == std::string_view::npos ? std::string_view{} : kv.substr(eq + 1)
        );
        out.emplace_back(key.value_or(std::string(kv.substr(0, eq))), val.value_or(""));
    }
    return out;
}

const std::string* query_value(const query_list& q, std::string_view key)
{
    for (const auto& [k, v] : q)
        if (k == key)
            return &v;
    return nullptr;
}

std::string ms_string(core::wall_time t)
{
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()
    );
}

std::int64_t ms_int(core::wall_time t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// "2022-11-07T16:15:18Z", or with micro = true "2020-01-04T09:05:22.701000Z" (IAM).
std::string iso_time(core::wall_time t, bool micro = false)
{
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
    std::time_t tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (micro)
    {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch() - secs).count();
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us));
        out += frac;
    }
    return out + "Z";
}

response json_response(unsigned status, const json::value& body)
{
    response r;
    r.status = status;
    r.body = json::serialize(body);
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
}

response drs_error(unsigned status, std::string_view code, std::string_view msg)
{
    return json_response(status, json::object{{"error_code", code}, {"error_msg", msg}});
}

response gateway_error(
    unsigned status,
    std::string_view code,
    std::string_view msg,
    std::string_view request_id
)
{
    return json_response(
        status,
        json::object{{"error_code", code}, {"error_msg", msg}, {"request_id", request_id}}
    );
}

std::pair<std::string, std::string> engines_of(const std::string& engine_type)
{
    auto pos = engine_type.find("-to-");
    if (pos == std::string::npos)
        return {engine_type, engine_type};
    return {engine_type.substr(0, pos), engine_type.substr(pos + 4)};
}

int port_of(const std::string& engine)
{
    if (engine == "mysql" || engine == "gaussdbv5")
        return 3306;
    if (engine == "postgresql")
        return 5432;
    if (engine == "mongodb")
        return 8635;
    if (engine.find("redis") != std::string::npos)
        return 6379;
    if (engine == "oracle")
        return 1521;
    if (engine == "kafka")
        return 9092;
    return 3306;
}

// A stable fake IP and instance id derived from the job id.
std::string ip_of(const std::string& id, int salt)
{
    unsigned h = 0;
    for (char c : id)
        h = h * 31 + static_cast<unsigned char>(c) + static_cast<unsigned>(salt);
    return "192.168." + std::to_string((h >> 8) % 250 + 1) + "." + std::to_string(h % 250 + 2);
}

std::string instance_of(const std::string& id, std::string_view suffix)
{
    std::string s;
    for (char c : id)
        if (c != '-')
            s += c;
    s.resize(32 - suffix.size(), '0');
    return s + std::string(suffix);
}

bool is_failed(std::string_view status)
{
    return status.size() > 7 && status.substr(status.size() - 7) == "_FAILED";
}

std::string delay_seconds(const job_snapshot& s)
{
    return s.delay ? std::to_string(std::llround(*s.delay)) : "-1";
}

std::string delay_millis(const job_snapshot& s)
{
    return s.delay ? std::to_string(std::llround(*s.delay * 1000)) : "-1";
}

// progress_map: struct is the first tenth of the full phase, data the next eight, index the last.
json::object progress_map(const job_spec& j, const job_snapshot& s)
{
    json::object m;
    if (j.task_type == "INCR_TRANS" || !s.full_start)
        return m;
    double p = s.full_end ? 100 : s.progress;
    auto part = [&](double lo, double hi) {
        double f = std::clamp((p - lo) / (hi - lo), 0.0, 1.0) * 100;
        json::object o;
        o["completed"] = percent_string(f, true);
        if (f >= 100 || f <= 0 || !s.remaining)
            o["remaining_time"] = nullptr;
        else
            o["remaining_time"] = std::to_string(
                std::llround(*s.remaining * (hi - p) / std::max(100 - p, 1e-9))
            );
        return o;
    };
    m["struct"] = part(0, 10);
    m["data"] = part(10, 90);
    m["index"] = part(90, 100);
    return m;
}

struct precheck_view
{
    int process = 0;
    std::vector<const precheck_item*> items;
    bool passed = false;
    std::string passed_rate;
};

precheck_view precheck_of(const job_spec& j, const job_snapshot& s)
{
    precheck_view v;
    v.process = s.precheck_process;
    // Items appear as they are checked.
    std::size_t n = j.precheck_items.size() * static_cast<std::size_t>(v.process) / 100;
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        v.items.push_back(&j.precheck_items[i]);
        if (j.precheck_items[i].result != "FAILED")
            ++ok;
    }
    double rate = j.precheck_items.empty() || n == 0
                      ? 0
                      : 100.0 * static_cast<double>(ok) / static_cast<double>(n);
    v.passed_rate = percent_string(rate, true);
    v.passed = v.process == 100 && ok == n && n > 0;
    return v;
}

json::array precheck_items_json(const precheck_view& v, bool v5)
{
    json::array items;
    for (const auto* p : v.items)
    {
        json::object o;
        o["item"] = p->item;
        o["result"] = p->result;
        if (!p->data.empty())
            o["data"] = p->data;
        o["group"] = p->group;
        if (!p->failed_reason.empty())
            o["failed_reason"] = p->failed_reason;
        if (v5)
        {
            o["is_support_skip"] = p->result == "ALARM";
            o["is_skipped"] = false;
        }
        items.push_back(std::move(o));
    }
    return items;
}

// Per-API names of the id and error-message keys in batch results.
struct batch_keys
{
    const char* id;
    const char* message;
};

batch_keys keys_of(std::string_view api)
{
    if (api == "batch-status" || api == "batch-detail")
        return {"id", "error_message"};
    if (api == "batch-progress" || api == "batch-rpo-and-rto")
        return {"job_id", "error_msg"};
    if (api == "disaster-recovery-monitoring-data")
        return {"id", "error_msg"};
    if (api == "batch-precheck-result")
        return {"precheck_id", "error_msg"};
    return {"job_id", "error_message"};
}

bool uses_page_req(std::string_view api)
{
    return api == "batch-status" || api == "batch-detail" || api == "batch-struct-detail";
}

std::string random_hex(std::uint64_t& state, int n)
{
    static const char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i)
        s += hex[splitmix64(state) & 15];
    return s;
}

std::string uuid(std::uint64_t& state)
{
    std::string h = random_hex(state, 32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
           h.substr(20);
}

std::int64_t int_of(const json::value& v, bool& ok)
{
    if (v.is_int64())
        return v.as_int64();
    if (v.is_uint64() && v.as_uint64() < (1ULL << 62))
        return static_cast<std::int64_t>(v.as_uint64());
    ok = false;
    return 0;
}

}  // namespace

std::string api_of(std::string_view method, std::string_view target)
{
    std::string_view path = target.substr(0, target.find('?'));
    auto s = split_path(path);
    auto n = s.size();
    if (n >= 2 && s[0] == "-" && s[1] == "sim")
        return "control";
    if (method == "POST" && n == 3 && s[0] == "v3" && s[1] == "auth" && s[2] == "tokens")
        return "iam-tokens";
    if (method == "GET" && n == 2 && s[0] == "v3" && s[1] == "projects")
        return "iam-projects";
    if (method == "POST" && s[0] == "v3" && n == 3 && s[2] == "jobs")
        return "job-list";
    if (method == "GET" && s[0] == "v5" && n == 3 && s[2] == "jobs")
        return "job-list-v5";
    if (method == "POST" && s[0] == "v3" && n == 4 && s[2] == "jobs")
    {
        static const char* const apis[] = {
            "batch-status",
            "batch-progress",
            "batch-detail",
            "batch-precheck-result",
            "batch-struct-process",
            "batch-rpo-and-rto",
            "disaster-recovery-monitoring-data"};
        for (const char* a : apis)
            if (s[3] == a)
                return a;
    }
    if (method == "POST" && s[0] == "v3" && n == 5 && s[2] == "jobs" && s[4] == "batch-struct-detail")
        return "batch-struct-detail";
    if (method == "GET" && s[0] == "v5" && n == 4 && s[2] == "batch-async-jobs" && !s[3].empty())
        return "batch-async-jobs";
    if (method == "POST" && s[0] == "v5.1" && n == 6 && s[2] == "jobs" && s[4] == "db-objects" &&
        s[5] == "collect")
        return "db-objects-collect";
    if (method == "GET" && s[0] == "v5" && n == 6 && s[2] == "jobs" && s[4] == "db-objects" &&
        s[5] == "collection-status")
        return "collection-status";
    if (method == "GET" && s[0] == "v5" && n == 5 && s[2] == "jobs" && !s[3].empty() &&
        (s[4] == "increment-components-detail" || s[4] == "actions"))
        return std::string(s[4]);
    return "unknown";
}

router::router(world_options wopts, router_options ropts, const core::clock& clock)
    : opts_(std::move(ropts)),
      clock_(clock),
      world_(wopts, clock),
      faults_(wopts.seed ^ 0xfa017ULL),
      recorder_(opts_.record_capacity),
      id_state_(wopts.seed ^ 0x1d1d1d1dULL)
{
}

core::wall_time router::server_now() const { return clock_.now() + faults_.clock_offset(); }

std::string router::next_request_id() { return random_hex(id_state_, 32); }

std::string router::issue_token_locked()
{
    // Real tokens are long opaque base64 blobs starting with "MII".
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string token = "MII";
    for (int i = 0; i < 180; ++i)
        token += alnum[splitmix64(id_state_) % 62];
    auto now = server_now();
    tokens_[token] = {now, now + opts_.token_lifetime};
    return token;
}

router::auth_outcome router::authenticate(const request& req)
{
    const std::string prefix = "Incorrect IAM authentication information: ";
    auto now = server_now();
    if (std::string token = req.header("X-Auth-Token"); !token.empty())
    {
        auto it = tokens_.find(token);
        if (it == tokens_.end())
            return {false, "rejected:token_unknown", prefix + "decrypt token fail"};
        if (now >= it->second.expires)
            return {false, "rejected:token_expired", prefix + "token expires"};
        return {true, "token", ""};
    }
    std::string authz = req.header("Authorization");
    if (authz.empty())
        return {false, "rejected:missing", prefix + "x-auth-token not found"};
    auto parsed = auth::parse_authorization(authz);
    std::string ak = parsed ? parsed->access_key : "";
    auto& st = aks_[ak];
    if (now < st.locked_until)
        return {false, "rejected:locked", prefix + "AK access failed to reach the limit,forbidden"};
    auth::verify_input in;
    in.method = req.method;
    in.target = req.target;
    for (const auto& [k, v] : req.headers)
        in.headers.push_back({k, v});
    in.body = req.body;
    auto secret_for = [this](std::string_view key) -> std::optional<std::string> {
        for (const auto& [a, s] : opts_.access_keys)
            if (a == key)
                return s;
        return std::nullopt;
    };
    auto status = auth::verify(in, secret_for, now, opts_.max_skew);
    if (status == auth::verify_status::ok)
    {
        st.failures = 0;
        return {true, "aksk", ""};
    }
    // The gateway locks an AK for a while after too many consecutive failures.
    if (++st.failures >= opts_.lockout_failures)
    {
        st.failures = 0;
        st.locked_until = now + opts_.lockout;
    }
    std::string label = std::string("rejected:") + auth::to_string(status);
    switch (status)
    {
    case auth::verify_status::clock_skew:
        return {false, label, prefix + "calc ak sk signature fail:signature expired"};
    case auth::verify_status::unknown_key:
        return {false, label, prefix + "Get secretKey failed,ak not exist"};
    default: return {false, label, prefix + "verify aksk signature fail"};
    }
}

response router::handle(const request& req)
{
    std::lock_guard lock(mutex_);
    std::string request_id = next_request_id();
    std::string target = req.target;
    auto qpos = target.find('?');
    std::string path = target.substr(0, qpos);
    query_list query = parse_query(
        qpos == std::string::npos ? std::string_view{} : std::string_view(target).substr(qpos + 1)
    );
    auto segs = split_path(path);
    std::string api = api_of(req.method, target);

    response res;
    if (api == "control")
    {
        if (!opts_.control)
            res = gateway_error(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
                request_id
            );
        else
            res = control(req, segs, query);
        res.headers.emplace_back("X-Request-Id", request_id);
        return res;
    }

    recorded_request rec;
    rec.method = req.method;
    rec.target = req.target;
    rec.api = api;
    rec.headers = req.headers;
    rec.body = req.body;
    rec.auth = "none";

    try
    {
        if (api == "unknown")
            res = gateway_error(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
                request_id
            );
        else
        {
            auth_outcome a{true, "none", ""};
            if (api != "iam-tokens")
                a = authenticate(req);
            rec.auth = a.label;
            if (!a.ok)
            {
                res = gateway_error(401, "APIGW.0301", a.message, request_id);
                if (auto f = faults_.pick(api, true))
                {
                    rec.fault = to_string(f->kind);
                    res.delay = f->delay;
                }
            }
            else if (api != "iam-tokens" && api != "iam-projects" && segs[1] != world_.options().project_id)
                res = drs_error(403, "DRS.M00261", "Invalid project ID.");
            else if (auto f = faults_.pick(api))
            {
                rec.fault = to_string(f->kind);
                switch (f->kind)
                {
                case fault_kind::server_error:
                    if (f->status == 502)
                        res = gateway_error(502, "APIGW.0201", "Backend unavailable", request_id);
                    else if (f->status == 504)
                        res = gateway_error(504, "APIGW.0201", "Backend timeout", request_id);
                    else
                        res = drs_error(f->status, "DRS.M00004", "Service is abnormal. Check logs.");
                    break;
                case fault_kind::throttle:
                    res = gateway_error(
                        429,
                        "APIGW.0308",
                        "The throttling threshold has been reached: policy user over "
                        "ratelimit,limit:10,time:1 minute",
                        request_id
                    );
                    if (f->retry_after)
                        res.headers.emplace_back("Retry-After", std::to_string(*f->retry_after));
                    break;
                case fault_kind::drs_throttle:
                    res = drs_error(400, "DRS.M01503", "Operation too frequent. Try again later.");
                    break;
                case fault_kind::malformed:
                    res = route(req, api, segs, query);
                    res.body = "{\"results\":[{\"id\":\"broken\",\"status\":}],\"count\":,";
                    break;
                case fault_kind::wrong_shape:
                    res = route(req, api, segs, query);
                    res.body =
                        R"({"results":{"id":42,"status":false},"count":"one","jobs":"none","total_record":"many",)"
                        R"("total_count":[],"id":7,"status":1,"token":"none"})";
                    break;
                case fault_kind::truncated:
                    res = route(req, api, segs, query);
                    res.body.resize(res.body.size() / 2);
                    break;
                case fault_kind::huge:
                {
                    res = route(req, api, segs, query);
                    auto bytes = static_cast<std::size_t>(f->mb * 1024 * 1024);
                    if (!res.body.empty() && res.body.back() == '}')
                    {
                        res.body.pop_back();
                        res.body += ",\"padding\":\"" + std::string(bytes, 'x') + "\"}";
                    }
                    else
                        res.body += std::string(bytes, ' ');
                    break;
                }
                case fault_kind::latency:
                    res = route(req, api, segs, query);
                    res.delay = f->delay;
                    break;
                case fault_kind::reset:
                    res = route(req, api, segs, query);
                    res.reset_mid_body = true;
                    break;
                case fault_kind::stall:
                    res = route(req, api, segs, query);
                    res.stall_body = f->delay;
                    break;
                default: res = route(req, api, segs, query); break;
                }
            }
            else
                res = route(req, api, segs, query);
        }
    }
    catch (const std::exception& e)
    {
        res = drs_error(500, "DRS.M00004", std::string("Service is abnormal. Check logs. ") + e.what());
    }
    res.headers.emplace_back("X-Request-Id", request_id);
    rec.status = res.status;
    recorder_.add(std::move(rec));
    return res;
}

response router::route(
    const request& req,
    std::string_view api,
    const std::vector<std::string>& segs,
    const query_list& query
)
{
    if (api == "iam-tokens")
        return iam_tokens(req);
    if (api == "iam-projects")
        return iam_projects(query);
    if (api == "job-list")
        return job_list(req);
    if (api == "job-list-v5")
        return job_list_v5(query);
    if (api == "batch-struct-detail")
        return batch(api, req, segs[3]);
    if (api == "batch-async-jobs")
        return async_jobs(segs[3], query);
    if (api == "db-objects-collect")
        return collect(segs[3], req);
    if (api == "collection-status")
        return collection_status(segs[3], query);
    if (api == "increment-components-detail" || api == "actions")
        return job_read(api, segs[3]);
    return batch(api, req, "");
}

response router::iam_tokens(const request& req)
{
    auto unauthorized = [] {
        return json_response(
            401,
            json::object{
                {"error",
                 {{"code", 401},
                  {"message", "The username or password is wrong."},
                  {"title", "Unauthorized"}}}}
        );
    };
    json::error_code ec;
    json::value body = json::parse(req.body, ec);
    const json::value* user = nullptr;
    if (!ec)
    {
        json::error_code pec;
        user = body.find_pointer("/auth/identity/password/user", pec);
    }
    if (!user || !user->is_object())
        return json_response(
            400,
            json::object{
                {"error",
                 {{"code", 400}, {"message", "The request body is invalid."}, {"title", "Bad Request"}}}}
        );
    const auto* name = user->as_object().if_contains("name");
    const auto* password = user->as_object().if_contains("password");
    if (!name || !password || !name->is_string() || !password->is_string())
        return unauthorized();
    bool known = std::any_of(opts_.iam_users.begin(), opts_.iam_users.end(), [&](const auto& u) {
        return u.first == name->as_string() && u.second == password->as_string();
    });
    if (!known)
        return unauthorized();
    json::error_code pec;
    if (const auto* scope = body.find_pointer("/auth/scope/project", pec); scope && scope->is_object())
    {
        const auto& p = scope->as_object();
        bool id_ok = !p.contains("id") || p.at("id") == json::value(world_.options().project_id);
        bool name_ok = !p.contains("name") || p.at("name") == json::value(world_.options().region);
        if (!id_ok || !name_ok)
            return json_response(
                400,
                json::object{
                    {"error",
                     {{"code", 400}, {"message", "The project does not exist."}, {"title", "Bad Request"}}}}
            );
    }
    std::string token = issue_token_locked();
    const auto& info = tokens_[token];
    json::object t;
    t["expires_at"] = iso_time(info.expires, true);
    t["issued_at"] = iso_time(info.issued, true);
    t["methods"] = json::array{"password"};
    t["project"] = {
        {"id", world_.options().project_id},
        {"name", world_.options().region},
        {"domain", {{"id", "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"}, {"name", "sim-account"}}}};
    t["user"] = {
        {"id", "u0u0u0u0u0u0u0u0u0u0u0u0u0u0u0u0"},
        {"name", name->as_string()},
        {"domain", {{"id", "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"}, {"name", "sim-account"}}}};
    t["roles"] = json::array{json::object{{"id", "0"}, {"name", "op_service"}}};
    t["catalog"] = json::array{};
    response r = json_response(201, json::object{{"token", std::move(t)}});
    r.headers.emplace_back("X-Subject-Token", token);
    return r;
}

response router::iam_projects(const query_list& query)
{
    json::array projects;
    const std::string* name = query_value(query, "name");
    const auto& o = world_.options();
    if (!name || *name == o.region)
        projects.push_back(json::object{
            {"id", o.project_id},
            {"name", o.region},
            {"description", ""},
            {"domain_id", "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"},
            {"enabled", true},
            {"is_domain", false},
            {"parent_id", "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"},
            {"links", {{"self", "https://iam.myhuaweicloud.com/v3/projects/" + o.project_id}}}});
    return json_response(
        200,
        json::object{
            {"projects", std::move(projects)},
            {"links",
             {{"self", "https://iam.myhuaweicloud.com/v3/projects"},
              {"previous", nullptr},
              {"next", nullptr}}}}
    );
}

response router::batch(std::string_view api, const request& req, std::string_view struct_type)
{
    json::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return drs_error(400, "DRS.M00007", "Invalid request parameter.");
    const auto& obj = body.as_object();
    const auto* jobs_v = obj.if_contains("jobs");
    if (!jobs_v || !jobs_v->is_array() || jobs_v->as_array().empty())
        return drs_error(400, "DRS.M00201", "Parameter jobs is empty.");
    if (api == "batch-struct-detail" &&
        std::find(object_types.begin(), object_types.end(), struct_type) == object_types.end())
        return drs_error(400, "DRS.M00202", "The value of type is invalid.");

    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const auto& v : jobs_v->as_array())
    {
        if (!v.is_string() || v.as_string().empty())
            return drs_error(400, "DRS.M00202", "The value of jobs is invalid.");
        std::string id(v.as_string());
        if (!seen.insert(id).second)
            return drs_error(400, "DRS.M00301", "Duplicate jobs in request.");
        ids.push_back(std::move(id));
    }

    std::int64_t cur_page = 1, per_page = 5;  // the documented defaults
    if (uses_page_req(api))
    {
        if (const auto* pr = obj.if_contains("page_req"))
        {
            if (!pr->is_object())
                return drs_error(400, "DRS.M00210", "Invalid Page value.");
            bool ok = true;
            if (const auto* c = pr->as_object().if_contains("cur_page"))
                cur_page = int_of(*c, ok);
            if (const auto* p = pr->as_object().if_contains("per_page"))
                per_page = int_of(*p, ok);
            if (!ok || per_page < 0 || per_page > 100 || cur_page < 0 || (cur_page == 0 && per_page != 0))
                return drs_error(400, "DRS.M00210", "Invalid Page value.");
            cur_page = std::max<std::int64_t>(cur_page, 1);
        }
    }

    auto keys = keys_of(api);
    // One unknown job fails the whole batch, as the real service does.
    for (const auto& id : ids)
        if (!world_.find(id))
        {
            json::object item{
                {keys.id, id},
                {"error_code", "DRS.M00289"},
                {keys.message, "The job does not exist."}};
            return json_response(400, json::object{{"results", json::array{std::move(item)}}, {"count", 1}});
        }

    double t = world_.now();
    auto now_ms = ms_string(world_.wall_at(t));
    std::vector<std::string> page = ids;
    if (uses_page_req(api) && api != "batch-struct-detail" && per_page > 0)
    {
        auto start = static_cast<std::size_t>(
            std::min<std::int64_t>((cur_page - 1) * per_page, static_cast<std::int64_t>(ids.size()))
        );
        auto end = std::min(ids.size(), start + static_cast<std::size_t>(per_page));
        page.assign(
            ids.begin() + static_cast<std::ptrdiff_t>(start),
            ids.begin() + static_cast<std::ptrdiff_t>(end)
        );
    }

    if (api == "batch-struct-detail" && per_page > 0)
    {
        std::size_t most = 0;
        for (const auto& id : ids)
        {
            const auto& j = *world_.find(id);
            auto pos = std::find(object_types.begin(), object_types.end(), struct_type) -
                       object_types.begin();
            most = std::max(most, static_cast<std::size_t>(j.object_counts[static_cast<std::size_t>(pos)]));
        }
        auto pages = std::max<std::int64_t>(1, (static_cast<std::int64_t>(most) + per_page - 1) / per_page);
        if (cur_page > pages)
            return drs_error(400, "DRS.M00211", "Page exceeds the upper limit.");
    }

    json::array results;
    for (const auto& id : page)
    {
        const job_spec& j = *world_.find(id);
        job_snapshot s = world_.snapshot(j, t);
        json::object o;
        if (!s.error_code.empty())
        {
            o[keys.id] = id;
            o["error_code"] = s.error_code;
            o[keys.message] = s.error_message;
            results.push_back(std::move(o));
            continue;
        }
        if (api == "batch-status")
        {
            o["id"] = id;
            o["status"] = s.status;
        }
        else if (api == "batch-progress")
        {
            o["job_id"] = id;
            o["progress"] = percent_string(s.progress, false);
            o["incre_trans_delay"] = delay_seconds(s);
            o["incre_trans_delay_millis"] = delay_millis(s);
            o["task_mode"] = j.task_type;
            o["transfer_status"] = s.status;
            o["process_time"] = now_ms;
            o["remaining_time"] = s.remaining ? std::to_string(std::llround(*s.remaining)) : "0";
            o["progress_map"] = progress_map(j, s);
        }
        else if (api == "batch-detail")
        {
            auto [src, dst] = engines_of(j.engine_type);
            o["id"] = id;
            o["parent_id"] = j.parent_id;
            o["name"] = j.name;
            o["status"] = s.status;
            o["description"] = j.description;
            o["create_time"] = ms_string(world_.wall_at(j.created_at));
            o["task_type"] = j.task_type;
            o["net_type"] = j.net_type;
            o["failed_reason"] = is_failed(s.status) ? s.error_message : "";
            o["actual_start_time"] = s.started ? ms_string(world_.wall_at(*s.started)) : "0";
            o["full_transfer_complete_time"] = s.full_end ? ms_string(world_.wall_at(*s.full_end)) : "0";
            o["update_time"] = ms_string(world_.wall_at(s.updated));
            o["job_direction"] = j.job_direction;
            o["db_use_type"] = j.db_use_type;
            o["node_num"] = 1;
            o["master_job_id"] = "";
            o["multi_write"] = false;
            o["is_multi_az"] = false;
            o["node_role"] = "";
            o["alarm_notify"] = {
                {"topic_urn", ""},
                {"delay_time", 0},
                {"rpo_delay", 0},
                {"rto_delay", 0},
                {"alarm_to_user", false}};
            o["inst_info"] = {
                {"engine_type", src},
                {"inst_type", "high"},
                {"ip", ip_of(id, 0)},
                {"public_ip", ""},
                {"start_time", s.started ? ms_string(world_.wall_at(*s.started)) : "0"},
                {"status", s.started ? "ACTIVE" : "BUILD"},
                {"volume_size", 100}};
            o["source_endpoint"] = {
                {"db_type", src},
                {"inst_id", ""},
                {"ip", ip_of(id, 1)},
                {"db_port", port_of(src)},
                {"db_user", "drs_user"},
                {"db_password", j.db_password}};
            o["target_endpoint"] = {
                {"db_type", dst},
                {"inst_id", instance_of(id, "in01")},
                {"ip", ip_of(id, 2)},
                {"db_port", port_of(dst)},
                {"db_user", "root"},
                {"db_password", j.db_password}};
            o["tags"] = json::array{};
            o["job_kernel_direction"] = j.job_direction;
        }
        else if (api == "batch-precheck-result")
        {
            auto v = precheck_of(j, s);
            o["result"] = v.passed;
            o["process"] = percent_string(v.process, true);
            o["precheck_id"] = id;
            o["total_passed_rate"] = v.passed_rate;
            o["rds_instance_id"] = instance_of(id, "in01");
            o["job_direction"] = j.job_direction;
            o["precheck_result"] = precheck_items_json(v, false);
        }
        else if (api == "batch-struct-process")
        {
            o["job_id"] = id;
            if (j.db_use_type != "cloudDataGuard")
            {
                o["error_code"] = "DRS.M00304";
                o["error_message"] = "This API cannot be called in the current task status.";
            }
            else
            {
                json::array list;
                for (const auto& sp : world_.struct_process(j, t))
                {
                    json::object e{
                        {"type", sp.type},
                        {"status", sp.status},
                        {"src_count", sp.src_count},
                        {"dst_count", sp.dst_count},
                        {"start_time", ms_int(world_.wall_at(sp.start))}};
                    if (sp.end)
                        e["end_time"] = ms_int(world_.wall_at(*sp.end));
                    list.push_back(std::move(e));
                }
                o["struct_process"] = {{"result", std::move(list)}, {"create_time", now_ms}};
            }
        }
        else if (api == "batch-rpo-and-rto")
        {
            o = rpo_rto_item(world_, j, s, t);
        }
        else if (api == "disaster-recovery-monitoring-data")
        {
            o = dr_monitoring_item(world_, j, s, t);
        }
        else if (api == "batch-struct-detail")
        {
            auto items = world_.struct_detail(j, struct_type, t);
            std::size_t start = 0, end = items.size();
            if (per_page > 0)
            {
                start = std::min(items.size(), static_cast<std::size_t>((cur_page - 1) * per_page));
                end = std::min(items.size(), start + static_cast<std::size_t>(per_page));
            }
            json::array list;
            for (std::size_t i = start; i < end; ++i)
                list.push_back(json::object{
                    {"progress", items[i].progress},
                    {"src_DB", items[i].src_db},
                    {"src_TB", items[i].src_tb},
                    {"dst_DB", items[i].dst_db},
                    {"dst_TB", items[i].dst_tb}});
            o["job_id"] = id;
            o["struct_detail"] = {
                {"list", std::move(list)},
                {"total_record", items.size()},
                {"create_time", now_ms}};
        }
        results.push_back(std::move(o));
    }
    if (opts_.not_applicable_fails_batch)
        for (const auto& item : results)
            if (const auto* code = item.as_object().if_contains("error_code");
                code && *code == not_applicable_code)
                return drs_error(400, not_applicable_code, not_applicable_message);
    unsigned status = api == "batch-progress" ? opts_.progress_status : 200;
    // count is the number of jobs asked for; with paging, results may hold fewer.
    if (api == "batch-status" || api == "batch-precheck-result" || api == "batch-struct-process" ||
        api == "disaster-recovery-monitoring-data")
        return json_response(status, json::object{{"results", std::move(results)}, {"count", ids.size()}});
    return json_response(status, json::object{{"count", ids.size()}, {"results", std::move(results)}});
}

response router::job_list(const request& req)
{
    json::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return drs_error(400, "DRS.M00007", "Invalid request parameter.");
    const auto& obj = body.as_object();
    bool ok = true;
    const auto* cp = obj.if_contains("cur_page");
    const auto* pp = obj.if_contains("per_page");
    const auto* ut = obj.if_contains("db_use_type");
    if (!cp || !pp)
        return drs_error(400, "DRS.M00201", "Parameter cur_page or per_page is empty.");
    if (!ut || !ut->is_string())
        return drs_error(400, "DRS.M00201", "Parameter db_use_type is empty.");
    std::int64_t cur_page = int_of(*cp, ok), per_page = int_of(*pp, ok);
    if (!ok || per_page < 0 || per_page > 100 || cur_page < 0 || (cur_page == 0 && per_page != 0))
        return drs_error(400, "DRS.M00210", "Invalid Page value.");
    std::string use_type(ut->as_string());
    if (use_type != "migration" && use_type != "sync" && use_type != "cloudDataGuard")
        return drs_error(400, "DRS.M00202", "The value of db_use_type is invalid.");
    auto str = [&](const char* key) -> std::string {
        const auto* v = obj.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    const double t = world_.now();
    const auto matched = listed_parents(use_type, str("engine_type"), str("name"), str("status"), t);
    std::size_t start = 0, end = matched.size();
    if (per_page > 0)
    {
        start = std::min(matched.size(), static_cast<std::size_t>((cur_page - 1) * per_page));
        end = std::min(matched.size(), start + static_cast<std::size_t>(per_page));
    }
    json::array jobs;
    for (std::size_t i = start; i < end; ++i)
        jobs.push_back(listed_job_json(*matched[i].first, matched[i].second, t, false));
    return json_response(200, json::object{{"total_record", matched.size()}, {"jobs", std::move(jobs)}});
}

namespace {

// The offset/limit of a v5 list query (defaults 0 and 10; limit 1..1000), or nothing when they
// are not numbers in range.
std::optional<std::pair<std::int64_t, std::int64_t>> offset_limit(const query_list& query)
{
    std::int64_t offset = 0, limit = 10;
    try
    {
        if (const auto* o = query_value(query, "offset"))
            offset = std::stoll(*o);
        if (const auto* l = query_value(query, "limit"))
            limit = std::stoll(*l);
    }
    catch (const std::exception&)
    {
        return std::nullopt;
    }
    if (offset < 0 || limit < 1 || limit > 1000)
        return std::nullopt;
    return std::pair{offset, limit};
}

}  // namespace

response router::job_list_v5(const query_list& query)
{
    const std::string* job_type = query_value(query, "job_type");
    if (!job_type || (*job_type != "migration" && *job_type != "sync" && *job_type != "cloudDataGuard"))
        return drs_error(400, "DRS.10000001", "Failed.");
    const auto paging = offset_limit(query);
    if (!paging)
        return drs_error(400, "DRS.10000001", "Failed.");
    const auto [offset, limit] = *paging;
    const auto value = [&](const char* key) {
        const std::string* v = query_value(query, key);
        return v ? *v : std::string();
    };
    const double t = world_.now();
    const auto matched = listed_parents(*job_type, value("engine_type"), value("name"), value("status"), t);
    const auto start = std::min(matched.size(), static_cast<std::size_t>(offset));
    const auto end = std::min(matched.size(), start + static_cast<std::size_t>(limit));
    json::array jobs;
    for (std::size_t i = start; i < end; ++i)
        jobs.push_back(listed_job_json(*matched[i].first, matched[i].second, t, true));
    return json_response(200, json::object{{"total_count", matched.size()}, {"jobs", std::move(jobs)}});
}

std::vector<std::pair<const job_spec*, job_snapshot>> router::listed_parents(
    std::string_view use_type,
    std::string_view engine,
    std::string_view name,
    std::string_view status,
    double t
) const
{
    std::vector<std::pair<const job_spec*, job_snapshot>> matched;
    for (const auto& j : world_.jobs())
    {
        // Children are listed under their parent only.
        if (j.db_use_type != use_type || !j.parent_id.empty())
            continue;
        if (!engine.empty() && j.engine_type != engine)
            continue;
        if (!name.empty())
        {
            // A name fragment, or a comma-separated list of ids.
            bool hit = j.name.find(name) != std::string::npos;
            std::string_view rest = name;
            while (!hit && !rest.empty())
            {
                auto comma = rest.find(',');
                hit = rest.substr(0, comma) == j.id;
                rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            }
            if (!hit)
                continue;
        }
        auto s = world_.snapshot(j, t);
        if (!status.empty() && s.status != status)
            continue;
        matched.emplace_back(&j, std::move(s));
    }
    // Newest first (v3's order, and v5's default sort_key create_time, sort_dir desc).
    std::stable_sort(matched.begin(), matched.end(), [](const auto& a, const auto& b) {
        return a.first->created_at > b.first->created_at;
    });
    return matched;
}

json::object router::listed_job_json(const job_spec& j, const job_snapshot& s, double t, bool v5) const
{
    json::array available;
    if (s.status == "INCRE_TRANSFER_STARTED")
        available = {"PAUSE", "STOP"};
    else if (s.status == "PAUSING" || is_failed(s.status))
        available = {"RESUME", "STOP"};
    else if (s.status == "CONFIGURATION")
        available = {"EDIT", "PRECHECK", "DELETE"};
    const json::object job_action{
        {"available_actions", std::move(available)},
        {"unavailable_actions", json::array{}},
        {"current_action", ""}};
    // The fields both lists share; v3 calls the scenario db_use_type, v5 job_type.
    const auto common = [&](const job_spec& x, const job_snapshot& xs) {
        json::object o{
            {"id", x.id},
            {"name", x.name},
            {"status", xs.status},
            {"create_time", ms_string(world_.wall_at(x.created_at))},
            {"engine_type", x.engine_type},
            {v5 ? "job_type" : "db_use_type", x.db_use_type}};
        return o;
    };
    json::array children;
    for (const auto& c : world_.jobs())
    {
        if (c.parent_id != j.id)
            continue;
        const auto cs = world_.snapshot(c, t);
        json::object child = common(c, cs);
        if (v5)
        {
            // ChildrenJobListResp: the parent's fields, no error message.
            child["job_mode"] = "sync_child";
            child["job_mode_role"] = "child";
            child["job_action"] = job_action;
        }
        else
            child["error_msg"] = cs.error_message;  // ChildrenJobInfo
        children.push_back(std::move(child));
    }
    const bool multi = !children.empty();
    json::object o = common(j, s);
    o["description"] = j.description;
    o["net_type"] = j.net_type;
    o["billing_tag"] = false;
    o["job_direction"] = j.job_direction;
    o["task_type"] = j.task_type;
    o["children"] = std::move(children);
    o["job_action"] = job_action;
    if (v5)
    {
        // The world has no enterprise projects: enterprise_project_id is left out.
        o["charging_mode"] = "on_demand";
        o["job_mode"] = multi ? "sync_child" : "single";
        o["job_mode_role"] = multi ? "parent" : "";
        o["is_multi_az"] = false;
        o["node_new_framework"] = true;
    }
    else
        o["node_newFramework"] = true;
    return o;
}

response router::async_jobs(std::string_view batch_id, const query_list& query)
{
    const async_batch* b = world_.find_batch(batch_id);
    if (!b)
        return drs_error(400, "DRS.10000001", "Failed.");
    const auto paging = offset_limit(query);
    if (!paging)
        return drs_error(400, "DRS.10000001", "Failed.");
    const auto [offset, limit] = *paging;

    double t = world_.now();
    std::vector<const job_spec*> members;
    for (const auto& id : b->job_ids)
        if (const auto* j = world_.find(id))
            members.push_back(j);
    // Newest first, as documented.
    std::stable_sort(members.begin(), members.end(), [](const job_spec* a, const job_spec* c) {
        return a->created_at > c->created_at;
    });
    json::array jobs;
    auto start = std::min(members.size(), static_cast<std::size_t>(offset));
    auto end = std::min(members.size(), start + static_cast<std::size_t>(limit));
    for (std::size_t i = start; i < end; ++i)
    {
        const job_spec& j = *members[i];
        job_snapshot s = world_.snapshot(j, t);
        auto [src, dst] = engines_of(j.engine_type);
        json::object o;
        o["id"] = j.id;
        o["status"] = s.status;
        o["create_time"] = iso_time(world_.wall_at(j.created_at));
        o["base_info"] = {
            {"name", j.name},
            {"job_type", j.db_use_type},
            {"engine_type", j.engine_type},
            {"job_direction", j.job_direction},
            {"task_type", j.task_type},
            {"net_type", j.net_type},
            {"charging_mode", "on_demand"},
            {"enterprise_project_id", "0"},
            {"description", j.description},
            {"expired_days", 14},
            {"tags", json::array{}}};
        o["source_endpoint"] = json::array{json::object{
            {"db_type", src},
            {"endpoint_type", "offline"},
            {"endpoint_role", "so"},
            {"endpoint",
             {{"id", instance_of(j.id, "ep01")},
              {"endpoint_name", src},
              {"ip", ip_of(j.id, 1)},
              {"db_port", std::to_string(port_of(src))},
              {"db_user", "drs_user"},
              {"db_password", j.db_password},
              {"db_name", ""}}},
            {"ssl", {{"ssl_link", false}}}}};
        o["target_endpoint"] = json::array{json::object{
            {"db_type", dst},
            {"endpoint_type", "cloud"},
            {"endpoint_role", "ta"},
            {"endpoint",
             {{"id", instance_of(j.id, "ep02")},
              {"endpoint_name", "cloud_" + dst},
              {"instance_id", instance_of(j.id, "in14")},
              {"db_user", "root"},
              {"db_password", j.db_password}}},
            {"cloud",
             {{"region", world_.options().region},
              {"project_id", world_.options().project_id},
              {"az_code", world_.options().region + "a"}}}}};
        o["alarm_notify"] = {{"alarm_to_user", false}, {"topic_urn", ""}, {"delay_time", 0}};
        o["node_info"] = {{"spec", {{"node_type", "high"}}}};
        auto v = precheck_of(j, s);
        o["precheck_result"] = {
            {"precheck_id", j.id},
            {"result", v.passed},
            {"process", percent_string(v.process, true)},
            {"total_passed_rate", v.passed_rate},
            {"rds_instance_id", instance_of(j.id, "in01")},
            {"job_direction", j.job_direction},
            {"precheck_results", precheck_items_json(v, true)}};
        o["progress_info"] = {
            {"progress", percent_string(s.progress, false)},
            {"incr_trans_delay", delay_seconds(s)},
            {"incr_trans_delay_millis", delay_millis(s)},
            {"task_mode", j.task_type},
            {"transfer_status", s.status},
            {"process_time", ms_string(world_.wall_at(t))},
            {"remaining_time", s.remaining ? std::to_string(std::llround(*s.remaining)) : "0"},
            {"progress_map", progress_map(j, s)}};
        json::array overview;
        auto process = world_.struct_process(j, t);
        for (std::size_t k = 0; k < object_types.size(); ++k)
        {
            const struct_progress* sp = process.empty() ? nullptr : &process[k];
            std::string st = !sp                 ? "NOT_START"
                             : sp->status == 2   ? "COMPLETED"
                             : sp->dst_count > 0 ? "TRANSFERING"
                                                 : "NOT_START";
            if (is_failed(s.status) && sp && sp->status != 2)
                st = "FAILED";
            overview.push_back(json::object{
                {"type", object_types[k]},
                {"src_count", std::to_string(j.object_counts[k])},
                {"dst_count", std::to_string(sp ? sp->dst_count : 0)},
                {"status", st},
                {"start_time", sp ? iso_time(world_.wall_at(sp->start)) : ""},
                {"end_time", sp && sp->end ? iso_time(world_.wall_at(*sp->end)) : ""}});
        }
        auto when = [&](const std::optional<double>& x) {
            return x ? iso_time(world_.wall_at(*x)) : std::string();
        };
        o["migration_object_progress_info"] = {
            {"migration_object_overview", std::move(overview)},
            {"create_time", iso_time(world_.wall_at(t))},
            {"full_start_time", when(s.full_start)},
            {"full_complete_time", when(s.full_end)},
            {"incr_start_time", when(s.incr_start)},
            {"end_time", ""}};
        auto metric = [&](std::uint64_t salt, double scale) {
            char buf[32];
            std::snprintf(
                buf,
                sizeof buf,
                "%.2f",
                world_.noise(j.id, salt, static_cast<std::int64_t>(t / 60)) * scale
            );
            return std::string(buf);
        };
        bool running = s.full_start || s.incr_start;
        o["metrics"] = {
            {"job_id", j.id},
            {"node_id", instance_of(j.id, "no01")},
            {"time_stamp", ms_string(world_.wall_at(t))},
            {"cpu_util", metric(11, 80)},
            {"mem_util", metric(12, 70)},
            {"network_incoming_bytes_rate", metric(13, 5e6)},
            {"network_outgoing_bytes_rate", metric(14, 5e6)},
            {"disk_read_bytes_rate", metric(15, 1e6)},
            {"disk_write_bytes_rate", metric(16, 1e6)},
            {"apply_rows_rate", metric(17, 5000)},
            {"apply_transactions_rate", metric(18, 500)},
            {"apply_ddl_rate", metric(19, 1)},
            {"apply_average_execute_time", metric(20, 10)},
            {"apply_average_commit_time", metric(21, 5)},
            {"apply_current_state",
             is_failed(s.status) ? "failed"
             : running           ? "processing"
                                 : "waiting"}};
        jobs.push_back(std::move(o));
    }
    return json_response(200, json::object{{"jobs", std::move(jobs)}, {"total_count", members.size()}});
}

response router::collect(std::string_view job_id, const request& req)
{
    if (!world_.find(job_id))
        return drs_error(400, "DRS.10000010", "Job does not exist, please check job ID.");
    json::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
        return drs_error(400, "DRS.10000001", "Failed.");
    const auto& obj = body.as_object();
    const auto* type = obj.if_contains("type");
    if (!type || !type->is_string() ||
        (type->as_string() != "source" && type->as_string() != "modified" &&
         type->as_string() != "synchronized"))
        return drs_error(400, "DRS.10000001", "The value of type is invalid.");
    // v5.1 documents is_refresh as a string; a boolean is a client bug worth catching.
    if (const auto* r = obj.if_contains("is_refresh"); r && !r->is_string())
        return drs_error(400, "DRS.10000001", "The value of is_refresh is invalid.");
    std::string id = uuid(id_state_);
    collections_[id] = {std::string(job_id), world_.now(), std::string(type->as_string())};
    return json_response(202, json::object{{"id", id}, {"status", "pending"}, {"job_id", job_id}});
}

response router::job_read(std::string_view api, std::string_view job_id)
{
    const job_spec* j = world_.find(job_id);
    if (!j)
        return drs_error(400, "DRS.10000010", "Job does not exist, please check job ID.");
    const double t = world_.now();
    const job_snapshot s = world_.snapshot(*j, t);
    if (api == "actions")
        return json_response(200, actions_document(*j, s, t));
    if (!components_apply(s))
        return drs_error(400, not_applicable_code, not_applicable_message);
    return json_response(200, components_document(world_, *j, s, t));
}

response router::collection_status(std::string_view job_id, const query_list& query)
{
    const job_spec* j = world_.find(job_id);
    if (!j)
        return drs_error(400, "DRS.10000010", "Job does not exist, please check job ID.");
    const std::string* qid = query_value(query, "query_id");
    if (!qid || qid->empty())
        return drs_error(400, "DRS.10000001", "The value of query_id is invalid.");
    auto it = collections_.find(*qid);
    if (it == collections_.end() || it->second.job_id != job_id)
        return drs_error(400, "DRS.10000001", "The value of query_id is invalid.");
    bool done = world_.now() - it->second.created >= opts_.collection_seconds;
    json::object info;
    if (done)
    {
        int dbs = std::max(1, j->object_counts[0]);
        auto tables = world_.struct_detail(*j, "table", 1e12);
        for (int d = 0; d < dbs; ++d)
        {
            json::object tbls;
            std::string dbname;
            int total = 0;
            for (std::size_t k = 0; k < tables.size(); ++k)
                if (static_cast<int>(k) % dbs == d)
                {
                    dbname = tables[k].src_db;
                    tbls[tables[k].src_tb] = {
                        {"sync_type", "config"},
                        {"type", "table"},
                        {"name", tables[k].src_tb},
                        {"all", true}};
                    ++total;
                }
            if (dbname.empty())
                dbname = "db_" + std::to_string(d + 1);
            info[dbname] = {
                {"sync_type", "config"},
                {"name", dbname},
                {"all", true},
                {"schemas", json::object{}},
                {"tables", std::move(tbls)},
                {"total_table_num", total},
                {"is_synchronized", it->second.type == "synchronized"}};
        }
    }
    return json_response(
        200,
        json::object{
            {"id", it->first},
            {"status", done ? "success" : "pending"},
            {"target_root_db", {{"db_name", ""}, {"db_encoding", "utf8mb4"}}},
            {"object_info", std::move(info)},
            {"max_table_num", 50000},
            {"object_scope", "table"}}
    );
}

// ---- Control endpoint ----

response router::control(const request& req, const std::vector<std::string>& segs, const query_list& query)
{
    auto ok = [](json::value v) { return json_response(200, v); };
    auto bad = [](unsigned status, std::string msg) {
        return json_response(status, json::object{{"error", msg}});
    };
    std::string what = segs.size() > 2 ? segs[2] : "";
    std::string arg = segs.size() > 3 ? segs[3] : "";
    const std::string& m = req.method;
    try
    {
        if (what == "state" && m == "GET")
            return ok(state_json_locked());
        if (what == "advance" && m == "POST")
        {
            auto body = json::parse(req.body);
            double secs = body.at("seconds").to_number<double>();
            world_.advance(std::chrono::duration<double>(secs));
            return ok(json::object{{"sim_time", world_.now()}});
        }
        if (what == "speed" && m == "POST")
        {
            auto body = json::parse(req.body);
            world_.set_speed(body.at("speed").to_number<double>());
            return ok(json::object{{"speed", world_.options().speed}});
        }
        if (what == "jobs" && arg.empty() && m == "POST")
        {
            std::string id = world_.add_job(parse_job_spec(req.body));
            return json_response(201, json::object{{"id", id}});
        }
        if (what == "jobs" && !arg.empty() && m == "DELETE")
        {
            if (!world_.remove_job(arg))
                return bad(404, "no such job");
            return ok(json::object{{"deleted", arg}});
        }
        if (what == "jobs" && !arg.empty() && m == "POST")
        {
            if (!world_.set_now(arg, parse_keyframe(req.body.empty() ? "{}" : req.body)))
                return bad(404, "no such job");
            auto s = world_.snapshot(*world_.find(arg));
            return ok(json::object{{"id", arg}, {"status", s.status}, {"progress", s.progress}});
        }
        if (what == "faults" && m == "GET")
        {
            json::array a;
            for (const auto& f : faults_.active())
                a.push_back(to_json(f));
            return ok(a);
        }
        if (what == "faults" && m == "POST")
        {
            std::string error;
            auto f = parse_fault_json(json::parse(req.body), &error);
            if (!f)
                return bad(400, error);
            if (f->kind == fault_kind::token_expiry)
            {
                for (auto& [t, info] : tokens_)
                    info.expires = std::min(info.expires, server_now());
                return ok(to_json(*f));
            }
            faults_.add(*f);
            return ok(to_json(*f));
        }
        if (what == "faults" && m == "DELETE")
        {
            faults_.clear();
            return ok(json::object{{"cleared", true}});
        }
        if (what == "requests" && m == "GET")
        {
            const std::string* api = query_value(query, "api");
            json::array a;
            for (const auto& r : recorder_.requests())
                if (!api || r.api == *api)
                    a.push_back(to_json(r));
            json::object counters;
            for (const auto& [k, v] : recorder_.counters())
                counters[k] = v;
            return ok(json::object{{"requests", std::move(a)}, {"counters", std::move(counters)}});
        }
        if (what == "requests" && m == "DELETE")
        {
            recorder_.clear();
            return ok(json::object{{"cleared", true}});
        }
        if (what == "tokens" && arg == "expire" && m == "POST")
        {
            for (auto& [t, info] : tokens_)
                info.expires = std::min(info.expires, server_now());
            return ok(json::object{{"expired", tokens_.size()}});
        }
    }
    catch (const std::exception& e)
    {
        return bad(400, e.what());
    }
    return bad(404, "unknown control path; see tests/sim/README.md");
}

boost::json::value router::state_json_locked() const
{
    json::object o;
    double t = world_.now();
    o["sim_time"] = t;
    o["virtual_now"] = iso_time(world_.wall_at(t));
    o["speed"] = world_.options().speed;
    o["project_id"] = world_.options().project_id;
    o["region"] = world_.options().region;
    json::array jobs;
    for (const auto& j : world_.jobs())
    {
        auto s = world_.snapshot(j, t);
        json::object jo{
            {"id", j.id},
            {"name", j.name},
            {"db_use_type", j.db_use_type},
            {"engine_type", j.engine_type},
            {"task_type", j.task_type},
            {"status", s.status},
            {"progress", s.progress},
            {"precheck_process", s.precheck_process}};
        jo["delay"] = s.delay ? json::value(*s.delay) : json::value(nullptr);
        jobs.push_back(std::move(jo));
    }
    o["jobs"] = std::move(jobs);
    json::array batches;
    for (const auto& b : world_.batches())
    {
        json::array ids;
        for (const auto& id : b.job_ids)
            ids.push_back(json::value(id));
        batches.push_back(json::object{{"id", b.id}, {"jobs", std::move(ids)}});
    }
    o["batches"] = std::move(batches);
    json::array faults;
    for (const auto& f : faults_.active())
        faults.push_back(to_json(f));
    o["faults"] = std::move(faults);
    json::object counters;
    for (const auto& [k, v] : recorder_.counters())
        counters[k] = v;
    o["counters"] = std::move(counters);
    return o;
}

boost::json::value router::state_json() const
{
    std::lock_guard lock(mutex_);
    return state_json_locked();
}

void router::add_fault(fault f)
{
    std::lock_guard lock(mutex_);
    if (f.kind == fault_kind::token_expiry)
    {
        for (auto& [t, info] : tokens_)
            info.expires = std::min(info.expires, server_now());
        return;
    }
    faults_.add(std::move(f));
}

void router::clear_faults()
{
    std::lock_guard lock(mutex_);
    faults_.clear();
}

std::vector<recorded_request> router::requests() const
{
    std::lock_guard lock(mutex_);
    return {recorder_.requests().begin(), recorder_.requests().end()};
}

void router::clear_requests()
{
    std::lock_guard lock(mutex_);
    recorder_.clear();
}

std::size_t router::count(std::string_view api) const
{
    std::lock_guard lock(mutex_);
    return recorder_.count(api);
}

void router::expire_tokens()
{
    fault f;
    f.kind = fault_kind::token_expiry;
    add_fault(std::move(f));
}

void router::advance(std::chrono::duration<double> d)
{
    std::lock_guard lock(mutex_);
    world_.advance(d);
}

bool router::set_job(std::string_view id, keyframe k)
{
    std::lock_guard lock(mutex_);
    return world_.set_now(id, std::move(k));
}

std::string router::project_id() const
{
    std::lock_guard lock(mutex_);
    return world_.options().project_id;
}

std::vector<std::string> router::job_ids() const
{
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (const auto& j : world_.jobs())
        ids.push_back(j.id);
    return ids;
}

std::string router::issue_token()
{
    std::lock_guard lock(mutex_);
    return issue_token_locked();
}

}  // namespace drsmon::sim
