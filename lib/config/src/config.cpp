#include "drsmon/config/config.hpp"
#include "drsmon/config/duration.hpp"
#include "drsmon/core/names.hpp"
#include "drsmon/core/no_proxy.hpp"
#include "drsmon/core/text.hpp"
#include "drsmon/core/url.hpp"

#include "auth_section.hpp"
#include "discovery_section.hpp"
#include "yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <vector>

namespace drsmon::config {

namespace {

namespace fs = std::filesystem;
using namespace detail;

constexpr auto collect_type_names = core::names<collect_type>({
    {collect_type::source, "source"},
    {collect_type::modified, "modified"},
    {collect_type::synchronized, "synchronized"},
});

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_lower_alnum(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'z'); }

bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Label-safe project names: [a-zA-Z_][a-zA-Z0-9_-]*, at most 64 characters.
bool valid_project_name(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 64)
        return false;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!alpha(s.front()))
        return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || is_digit(c) || c == '-'; });
}

// Region IDs go into host names: lower-case letters and digits in hyphen-separated parts,
// at least two parts ("ap-southeast-1", "eu-west-101").
bool valid_region(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-' ||
        s.find("--") != std::string_view::npos)
        return false;
    return s.find('-') != std::string_view::npos &&
           std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool valid_project_id(std::string_view s) noexcept
{
    return s.size() == 32 && std::all_of(s.begin(), s.end(), is_hex);
}

// DRS job IDs look like UUIDs but may end in letters past 'f' ("...1040402fjb21"):
// 8-4-4-4-12 groups of [0-9a-z], either case.
bool valid_job_id(std::string_view s) noexcept
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_lower_alnum(core::lower(s[i])))
            return false;
    }
    return true;
}

// A duration key of a section and its value (the default when the key is absent).
struct keyed_duration
{
    std::string_view key;
    std::chrono::milliseconds value;
};

// Fails when `upper` is shorter than `lower`, at upper's key (at lower's when only lower is set).
void require_not_shorter(const parser& p, const section& s, keyed_duration lower, keyed_duration upper)
{
    if (upper.value >= lower.value)
        return;
    const field at = s.get(upper.key) ? *s.get(upper.key) : *s.get(lower.key);
    p.fail(
        at.line,
        s.child_path(upper.key),
        "must not be shorter than " + std::string(lower.key) + " (" + format_duration(lower.value) + ")"
    );
}

void read_retry(const parser& p, const field& f, retry_config& r)
{
    const section s(p, f, {"max_attempts", "initial_backoff", "max_backoff", "round_budget"});
    if (auto v = s.get("max_attempts"))
        r.max_attempts = static_cast<int>(p.integer(*v, 1, 10));
    if (auto v = s.get("initial_backoff"))
        r.initial_backoff = p.duration(*v);
    if (auto v = s.get("max_backoff"))
        r.max_backoff = p.duration(*v);
    if (auto v = s.get("round_budget"))
        r.round_budget = static_cast<int>(p.integer(*v, 0, 10'000));
    require_not_shorter(p, s, {"initial_backoff", r.initial_backoff}, {"max_backoff", r.max_backoff});
}

void read_throttle(const parser& p, const field& f, throttle_config& t)
{
    const section s(p, f, {"min_backoff", "max_backoff"});
    if (auto v = s.get("min_backoff"))
        t.min_backoff = p.duration(*v);
    if (auto v = s.get("max_backoff"))
        t.max_backoff = p.duration(*v);
    require_not_shorter(p, s, {"min_backoff", t.min_backoff}, {"max_backoff", t.max_backoff});
}

void read_events(const parser& p, const field& f, events_config& e)
{
    const section s(p, f, {"ring_size", "file_max_bytes", "file_keep", "fsync"});
    if (auto v = s.get("ring_size"))
        e.ring_size = static_cast<std::size_t>(p.integer(*v, 1, 1'000'000));
    if (auto v = s.get("file_max_bytes"))
        e.file_max_bytes = p.size(*v);
    if (auto v = s.get("file_keep"))
        e.file_keep = static_cast<int>(p.integer(*v, 0, 100));
    if (auto v = s.get("fsync"))
        e.fsync = read_name(p, *v, core::fsync_policy_names);
}

void read_global(const parser& p, const field& f, const std::string& config_dir, global_config& g)
{
    const section s(
        p,
        f,
        {"poll_interval",
         "finished_interval",
         "detail_interval",
         "precheck_interval",
         "init_interval",
         "async_interval",
         "dr_interval",
         "components_interval",
         "batch_size",
         "max_concurrency",
         "request_timeout",
         "max_staleness",
         "state_dir",
         "max_response_bytes",
         "retry",
         "throttle",
         "auth_failure_backoff",
         "events",
         "jitter",
         "language"}
    );
    const std::pair<std::string_view, milliseconds*> durations[] = {
        {"poll_interval", &g.poll_interval},
        {"finished_interval", &g.finished_interval},
        {"detail_interval", &g.detail_interval},
        {"precheck_interval", &g.precheck_interval},
        {"init_interval", &g.init_interval},
        {"async_interval", &g.async_interval},
        {"dr_interval", &g.dr_interval},
        {"components_interval", &g.components_interval},
        {"request_timeout", &g.request_timeout},
        {"max_staleness", &g.max_staleness},
        {"auth_failure_backoff", &g.auth_failure_backoff},
    };
    for (const auto& [key, target] : durations)
        if (auto v = s.get(key))
            *target = p.duration(*v);
    if (auto v = s.get("batch_size"))
        g.batch_size = static_cast<int>(p.integer(*v, 1, 10));
    if (auto v = s.get("max_concurrency"))
        g.max_concurrency = static_cast<int>(p.integer(*v, 1, 64));
    if (auto v = s.get("state_dir"))
        g.state_dir = p.path(*v, config_dir);
    else if (!fs::path(g.state_dir).is_absolute())
        g.state_dir = (fs::path(config_dir) / g.state_dir).string();
    if (auto v = s.get("max_response_bytes"))
        g.max_response_bytes = p.size(*v);
    if (auto v = s.get("retry"))
        read_retry(p, *v, g.retry);
    if (auto v = s.get("throttle"))
        read_throttle(p, *v, g.throttle);
    if (auto v = s.get("events"))
        read_events(p, *v, g.events);
    if (auto v = s.get("jitter"))
        g.jitter = p.number(*v, 0.0, 1.0);
    if (auto v = s.get("language"))
    {
        g.language = p.text(*v);
        if (g.language != "en-us" && g.language != "zh-cn")
            p.fail(*v, "must be one of en-us, zh-cn (got " + in_quotes(g.language) + ")");
    }
    // A staleness limit below the poll interval would flag every job as stale between rounds.
    if (g.max_staleness < g.poll_interval)
    {
        const auto at = s.get("max_staleness") ? *s.get("max_staleness") : *s.get("poll_interval");
        p.fail(
            at.line,
            s.child_path("max_staleness"),
            "must not be shorter than poll_interval (" + format_duration(g.poll_interval) + ")"
        );
    }
    // Finished jobs are polled less often than the others, never more often: the default follows a
    // longer poll_interval, a value given must not undercut it.
    if (g.finished_interval < g.poll_interval && !s.get("finished_interval"))
        g.finished_interval = g.poll_interval;
    if (g.finished_interval < g.poll_interval)
    {
        const auto at = *s.get("finished_interval");
        p.fail(
            at.line,
            s.child_path("finished_interval"),
            "must not be shorter than poll_interval (" + format_duration(g.poll_interval) + ")"
        );
    }
}

std::string read_endpoint(
    const parser& p,
    const section& s,
    std::string_view key,
    const std::string& env_name,
    std::string derived
)
{
    if (auto v = s.get(key))
    {
        const std::string text = p.text(*v);
        const auto u = core::parse_origin(text);
        if (!u || u->scheme != "https")
            p.fail(
                *v,
                "must be an https URL with a host and no path, like " + derived + " (got " + in_quotes(text) +
                    ")"
            );
        return u->origin();
    }
    if (auto e = p.env(env_name))
    {
        const auto u = core::parse_origin(*e);
        if (!u || u->scheme != "https")
            p.fail(
                s.self().line,
                s.child_path(key),
                env_name + " must be an https URL with a host and no path (got " + in_quotes(*e) + ")"
            );
        return u->origin();
    }
    return derived;
}

// Proxy values may carry user:password@, so they are echoed only when they have none.
std::string shown_proxy(std::string_view v)
{
    return v.find('@') == std::string_view::npos ? " (got " + in_quotes(v) + ")" : std::string();
}

void read_proxy(const parser& p, const section& s, project_config& pc)
{
    if (auto v = s.get("proxy_url"))
    {
        const std::string text = p.text(*v, true);
        if (text.empty())
            return;  // explicitly direct, whatever HTTPS_PROXY says
        const auto u = core::parse_origin(text);
        if (!u || u->scheme != "http")
            p.fail(*v, "must be an http://host:port URL without user info" + shown_proxy(text));
        pc.proxy_url = pc.iam_proxy_url = u->origin();
        return;
    }
    std::string env_name = "HTTPS_PROXY";
    auto proxy = p.env(env_name);
    if (!proxy)
        proxy = p.env(env_name = "https_proxy");
    if (!proxy)
        return;
    // curl and Go accept "host:port" without a scheme.
    std::string text = *proxy;
    if (text.find("://") == std::string::npos)
        text = "http://" + text;
    const auto u = core::parse_origin(text);
    if (!u || u->scheme != "http")
        p.fail(
            s.self().line,
            s.child_path("proxy_url"),
            env_name + " must be an http://host:port URL without user info" + shown_proxy(*proxy)
        );
    auto no_proxy = p.env("NO_PROXY");
    if (!no_proxy)
        no_proxy = p.env("no_proxy");
    auto via = [&](const std::string& endpoint) {
        const auto target = core::parse_origin(endpoint);
        return no_proxy && target && core::no_proxy_matches(*no_proxy, target->host) ? std::string()
                                                                                     : u->origin();
    };
    pc.proxy_url = via(pc.endpoint);
    pc.iam_proxy_url = via(pc.iam_endpoint);
}

collect_config read_collect(const parser& p, const field& f)
{
    const section s(p, f, {"type", "interval"});
    collect_config c;
    if (auto v = s.get("type"))
        c.type = read_name(p, *v, collect_type_names);
    if (auto v = s.get("interval"))
        c.interval = p.duration(*v);
    return c;
}

// Checks one job ID and that it is new in seen (case-insensitive).
std::string read_job_id(const parser& p, const field& f, std::map<std::string, int>& seen)
{
    const std::string id = p.text(f);
    if (!valid_job_id(id))
        p.fail(
            f,
            "malformed job ID " + in_quotes(id) +
                " (expected 8-4-4-4-12 letters and digits, like 9a470239-2308-4bb5-a6bc-1040402fjb21)"
        );
    const auto [it, inserted] = seen.emplace(core::lower(id), f.line);
    if (!inserted)
        p.fail(
            f,
            "duplicate job ID " + in_quotes(id) + " (first at line " + std::to_string(it->second) + ")"
        );
    return id;
}

// A project's mapping, with the keys it may have.
section project_section(const parser& p, const field& f)
{
    return section(
        p,
        f,
        {"name",
         "region",
         "project_id",
         "endpoint",
         "iam_endpoint",
         "auth",
         "tls",
         "proxy_url",
         "jobs",
         "async_jobs",
         "discovery",
         "dr",
         "components"}
    );
}

project_config read_project(const parser& p, const field& f, const std::string& config_dir)
{
    const section s = project_section(p, f);
    project_config pc;
    const field name = s.require("name");
    pc.name = p.text(name);
    if (!valid_project_name(pc.name))
        p.fail(
            name,
            "must match [a-zA-Z_][a-zA-Z0-9_-]* and be at most 64 characters (got " + in_quotes(pc.name) + ")"
        );
    const field region = s.require("region");
    pc.region = p.text(region);
    if (!valid_region(pc.region))
        p.fail(region, "must be a region ID like ap-southeast-1 (got " + in_quotes(pc.region) + ")");
    const field project_id = s.require("project_id");
    pc.project_id = p.text(project_id);
    if (!valid_project_id(pc.project_id))
        p.fail(project_id, "must be 32 hexadecimal characters (got " + in_quotes(pc.project_id) + ")");

    pc.endpoint = read_endpoint(p, s, "endpoint", endpoint_env_name(pc.region), default_endpoint(pc.region));
    pc.iam_endpoint = read_endpoint(
        p,
        s,
        "iam_endpoint",
        "HUAWEICLOUD_SDK_IAM_ENDPOINT",
        default_iam_endpoint(pc.region)
    );
    pc.auth = read_auth(p, s.require("auth"), config_dir);
    if (auto v = s.get("tls"))
        pc.tls = read_tls(p, *v, config_dir);
    read_proxy(p, s, pc);

    std::map<std::string, int> seen;
    if (auto v = s.get("jobs"))
    {
        for (const field& item : p.list(*v))
        {
            job_config job;
            if (item.node.IsMap())
            {
                const section js(p, item, {"id", "collect"});
                job.id = read_job_id(p, js.require("id"), seen);
                if (auto c = js.get("collect"))
                    job.collect = read_collect(p, *c);
            }
            else if (item.node.IsScalar())
                job.id = read_job_id(p, item, seen);
            else
                p.fail(item, "must be a job ID or a mapping with id and collect");
            pc.jobs.push_back(std::move(job));
        }
    }
    std::map<std::string, int> seen_async;
    if (auto v = s.get("async_jobs"))
        for (const field& item : p.list(*v))
            pc.async_jobs.push_back(read_job_id(p, item, seen_async));
    if (auto v = s.get("discovery"))
        pc.discovery = read_discovery(p, *v);
    if (pc.jobs.empty() && pc.async_jobs.empty() && !pc.discovery.enabled)
        p.fail(f, "lists no jobs; add job IDs to jobs or async_jobs, or enable discovery");
    if (auto v = s.get("dr"))
        pc.dr = p.boolean(*v);
    if (auto v = s.get("components"))
        pc.components = p.boolean(*v);
    return pc;
}

config parse(const parser& p, const YAML::Node& root, const std::string& config_dir)
{
    config out;
    out.source = p.source();
    const field root_field{"(root)", parser::line_of(root, 1), root};
    if (!root.IsMap())
        p.fail(root_field, "must be a mapping with the keys global and projects");
    const section s(p, root_field, {"global", "projects"});
    if (auto g = s.get("global"))
        read_global(p, *g, config_dir, out.global);
    else
        read_global(p, field{"global", 1, YAML::Node()}, config_dir, out.global);

    if (!s.has("projects"))
        p.fail(root_field.line, "projects", "is required and must list at least one project");
    const auto items = p.list(*s.get("projects"));
    if (items.empty())
        p.fail(*s.get("projects"), "must list at least one project");
    std::map<std::string, int> names;
    for (const field& item : items)
    {
        auto pc = read_project(p, item, config_dir);
        const auto [it, inserted] = names.emplace(pc.name, item.line);
        if (!inserted)
        {
            const section again = project_section(p, item);
            p.fail(
                *again.get("name"),
                "duplicate project name " + in_quotes(pc.name) + " (first at line " +
                    std::to_string(it->second) + ")"
            );
        }
        out.projects.push_back(std::move(pc));
    }
    return out;
}

}  // namespace

const char* to_string(collect_type t) noexcept { return collect_type_names.name(t); }

std::string default_endpoint(std::string_view region)
{
    // The one exception in the SDK's region table (drs-api.md §1.1).
    const char* domain = region == "eu-west-101" ? ".myhuaweicloud.eu" : ".myhuaweicloud.com";
    return "https://drs." + std::string(region) + domain;
}

std::string default_iam_endpoint(std::string_view region)
{
    const char* domain = region == "eu-west-101" ? ".myhuaweicloud.eu" : ".myhuaweicloud.com";
    return "https://iam." + std::string(region) + domain;
}

std::string endpoint_env_name(std::string_view region)
{
    std::string out = "HUAWEICLOUD_SDK_REGION_DRS_";
    for (char c : region)
        out += c == '-' ? '_' : (c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    return out;
}

core::result<config> load_string(std::string_view yaml, std::string_view source_name, const env_lookup& env)
{
    const parser p{std::string(source_name), env};
    const std::string config_dir = fs::path(source_name).parent_path().string();
    try
    {
        YAML::Node root;
        try
        {
            root = YAML::Load(std::string(yaml));
        }
        catch (const YAML::Exception& e)
        {
            p.fail(e.mark.is_null() ? 1 : e.mark.line + 1, "(root)", "invalid YAML: " + e.msg);
        }
        return parse(p, root, config_dir);
    }
    catch (const invalid& e)
    {
        return e.err;
    }
    catch (const YAML::Exception& e)
    {
        // Conversions are done by hand above, so this is only reached on yaml-cpp surprises.
        return core::make_error(
            core::errc::config,
            std::string(source_name),
            std::string(source_name) + ":" + std::to_string(e.mark.line + 1) + ": (root): " + e.msg
        );
    }
}

core::result<config> load_file(const std::string& path, const env_lookup& env)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        std::error_code ec(errno, std::generic_category());
        return core::make_error(core::errc::config, path, path + ": (root): cannot read: " + ec.message());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return core::make_error(core::errc::config, path, path + ": (root): cannot read: I/O error");
    return load_string(text.str(), path, env);
}

}  // namespace drsmon::config
