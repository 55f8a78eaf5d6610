// The reader of the state file and its journal lines.
#include "exact_json.hpp"
#include "state_format.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <utility>

namespace drsmon::state {

namespace json = boost::json;

namespace {

using detail::from_ns;

// The first thing wrong in a document: where (a JSON path such as "$.jobs[3].node") and what.
struct failure
{
    std::string path;
    std::string what;
};

// Reads typed fields and remembers the first type mismatch with its JSON path.
class reader
{
public:
    std::optional<failure> first_failure;

    const json::object* object(const json::object& o, std::string_view k, const std::string& path)
    {
        auto* v = o.if_contains(k);
        if (!v)
            return nullptr;
        if (!v->is_object())
        {
            fail(path + "." + std::string(k), "expected an object");
            return nullptr;
        }
        return &v->as_object();
    }

    void get(const json::object& o, std::string_view k, std::string& out, const std::string& path)
    {
        if (auto* v = o.if_contains(k))
        {
            if (v->is_string())
                out = std::string(v->as_string());
            else
                fail(path + "." + std::string(k), "expected a string");
        }
    }
    void get(const json::object& o, std::string_view k, bool& out, const std::string& path)
    {
        if (auto* v = o.if_contains(k))
        {
            if (v->is_bool())
                out = v->as_bool();
            else
                fail(path + "." + std::string(k), "expected a boolean");
        }
    }
    void get(const json::object& o, std::string_view k, std::optional<bool>& out, const std::string& path)
    {
        if (o.contains(k))
        {
            bool b = false;
            get(o, k, b, path);
            out = b;
        }
    }
    template <class N>
    std::optional<N> number(const json::value& v, const std::string& path)
    {
        boost::system::error_code ec;
        N n = v.is_number() ? v.to_number<N>(ec) : N{};
        if (!v.is_number() || ec)
        {
            fail(path, "expected a number");
            return std::nullopt;
        }
        return n;
    }
    template <class N>
    void get(const json::object& o, std::string_view k, std::optional<N>& out, const std::string& path)
    {
        if (auto* v = o.if_contains(k))
            out = number<N>(*v, path + "." + std::string(k));
    }
    void get(const json::object& o, std::string_view k, std::uint64_t& out, const std::string& path)
    {
        std::optional<std::uint64_t> n;
        get(o, k, n, path);
        if (n)
            out = *n;
    }
    void get_time(
        const json::object& o,
        std::string_view k,
        std::optional<core::wall_time>& out,
        const std::string& path
    )
    {
        std::optional<std::int64_t> ns;
        get(o, k, ns, path);
        if (ns)
            out = from_ns(*ns);
    }

    void fail(std::string path, std::string what)
    {
        if (!first_failure)
            first_failure = failure{std::move(path), std::move(what)};
    }
};

std::optional<std::pair<job_key, job_state>> job_from_json(
    const json::value& v,
    const std::string& path,
    reader& r
)
{
    if (!v.is_object())
    {
        r.fail(path, "expected an object");
        return std::nullopt;
    }
    const auto& o = v.as_object();
    job_key key;
    r.get(o, "project", key.project, path);
    r.get(o, "job_id", key.job_id, path);
    if (key.project.empty() || key.job_id.empty())
    {
        r.fail(path, "project and job_id are required");
        return std::nullopt;
    }

    job_state s;
    if (auto* m = r.object(o, "metadata", path))
    {
        const auto mp = path + ".metadata";
        for (const auto& [name, field] : metadata_text_fields)
            r.get(*m, name, s.metadata.*field, mp);
        r.get_time(*m, "created_ns", s.metadata.created, mp);
    }
    r.get(o, "status", s.status, path);
    r.get_time(o, "status_changed_at_ns", s.status_changed_at, path);
    r.get(o, "status_changes", s.status_changes, path);
    r.get(o, "progress_ratio", s.progress_ratio, path);
    if (auto* phases = r.object(o, "phases", path))
        for (const auto& kv : *phases)
            if (auto n = r.number<double>(kv.value(), path + ".phases." + std::string(kv.key())))
                s.phases[std::string(kv.key())] = *n;
    r.get(o, "delay_seconds", s.delay_seconds, path);
    r.get(o, "remaining_seconds", s.remaining_seconds, path);

    if (auto* pc = r.object(o, "precheck", path))
    {
        const auto pp = path + ".precheck";
        r.get(*pc, "present", s.precheck.present, pp);
        r.get(*pc, "complete", s.precheck.complete, pp);
        r.get(*pc, "passed", s.precheck.passed, pp);
        r.get(*pc, "passed_ratio", s.precheck.passed_ratio, pp);
        r.get(*pc, "progress_ratio", s.precheck.progress_ratio, pp);
        if (auto* items = pc->if_contains("items"))
        {
            if (!items->is_array())
                r.fail(pp + ".items", "expected an array");
            else
                for (std::size_t i = 0; i < items->as_array().size(); ++i)
                {
                    const auto& iv = items->as_array()[i];
                    const auto ip = pp + ".items[" + std::to_string(i) + "]";
                    if (!iv.is_object())
                    {
                        r.fail(ip, "expected an object");
                        continue;
                    }
                    precheck_item item;
                    for (const auto& [name, field] : precheck_item_fields)
                        r.get(iv.as_object(), name, item.*field, ip);
                    s.precheck.items.push_back(std::move(item));
                }
        }
    }

    if (auto* init = r.object(o, "init", path))
        for (const auto& kv : *init)
        {
            const auto ip = path + ".init." + std::string(kv.key());
            if (!kv.value().is_object())
            {
                r.fail(ip, "expected an object");
                continue;
            }
            const auto& io = kv.value().as_object();
            init_object obj;
            r.get(io, "status", obj.status, ip);
            for (const auto& [name, field] : init_count_fields)
                r.get(io, name, obj.*field, ip);
            s.init[std::string(kv.key())] = obj;
        }

    if (auto* node = r.object(o, "node", path))
    {
        const auto np = path + ".node";
        for (const auto& [name, field] : node_metric_fields)
            r.get(*node, name, s.node.*field, np);
    }
    if (auto* c = r.object(o, "collect", path))
    {
        r.get(*c, "status", s.collect.status, path + ".collect");
        r.get_time(*c, "last_success_ns", s.collect.last_success, path + ".collect");
        r.get(*c, "query_id", s.collect.query_id, path + ".collect");
    }
    if (auto* dr = r.object(o, "dr", path))
    {
        const auto dp = path + ".dr";
        for (const auto& [name, field] : dr_number_fields)
            r.get(*dr, name, s.dr.*field, dp);
        r.get_time(*dr, "rpo_checkpoint_ns", s.dr.rpo_checkpoint, dp);
        for (const auto& [name, field] : dr_flag_fields)
            r.get(*dr, name, s.dr.*field, dp);
        for (const auto& [name, field] : dr_text_fields)
            r.get(*dr, name, s.dr.*field, dp);
        if (auto* comps = r.object(*dr, "components", dp))
            for (const auto& kv : *comps)
            {
                const auto cp = dp + ".components." + std::string(kv.key());
                if (!kv.value().is_object())
                {
                    r.fail(cp, "expected an object");
                    continue;
                }
                component_state c;
                r.get(kv.value().as_object(), "status", c.status, cp);
                r.get(kv.value().as_object(), "delay_seconds", c.delay_seconds, cp);
                s.dr.components[std::string(kv.key())] = std::move(c);
            }
    }
    if (auto* e = r.object(o, "api_error", path))
    {
        r.get(*e, "code", s.api_error.code, path + ".api_error");
        r.get(*e, "message_short", s.api_error.message_short, path + ".api_error");
    }
    r.get(o, "listed_error", s.listed_error, path);
    r.get(o, "source", s.source, path);
    r.get_time(o, "last_refresh_ns", s.last_refresh, path);
    r.get_time(o, "last_change_ns", s.last_change, path);
    r.get(o, "stale", s.stale, path);
    return std::pair{std::move(key), std::move(s)};
}

}  // namespace

core::result<loaded_state> parse_state(std::string_view text, const std::string& origin)
{
    boost::system::error_code ec;
    json::value v = detail::parse_exact(text, ec);
    if (ec)
        return core::make_error(core::errc::bad_response, origin, "not valid JSON: " + ec.message());
    if (!v.is_object())
        return core::make_error(core::errc::bad_response, origin, "expected a JSON object", "$");
    const auto& doc = v.as_object();
    auto* fmt = doc.if_contains("format");
    if (!fmt || !fmt->is_string() || fmt->as_string() != detail::format_name)
        return core::make_error(core::errc::bad_response, origin, "not a drs-monitor state file", "$.format");
    auto* ver = doc.if_contains("version");
    if (!ver || !ver->is_int64() || ver->as_int64() != detail::format_version)
        return core::make_error(
            core::errc::bad_response,
            origin,
            "unsupported state file version",
            "$.version"
        );

    reader r;
    loaded_state out;
    r.get(doc, "next_event_seq", out.next_event_seq, "$");
    auto* jobs = doc.if_contains("jobs");
    if (!jobs || !jobs->is_array())
        return core::make_error(core::errc::bad_response, origin, "expected an array", "$.jobs");
    for (std::size_t i = 0; i < jobs->as_array().size(); ++i)
    {
        if (auto job = job_from_json(jobs->as_array()[i], "$.jobs[" + std::to_string(i) + "]", r))
            out.jobs.upsert(job->first, std::move(job->second));
        if (r.first_failure)
            break;
    }
    if (r.first_failure)
        return core::make_error(
            core::errc::bad_response,
            origin,
            std::move(r.first_failure->what),
            std::move(r.first_failure->path)
        );
    return out;
}

namespace detail {

journal_line apply_journal_line(std::string_view text, std::uint64_t saved_seq, loaded_state& into)
{
    boost::system::error_code ec;
    json::value v = parse_exact(text, ec);
    if (ec || !v.is_object())
        return journal_line::invalid;
    const auto& o = v.as_object();
    reader r;
    std::uint64_t seq = 0;
    r.get(o, "next_event_seq", seq, "$");
    if (r.first_failure)
        return journal_line::invalid;
    if (seq <= saved_seq)
        return journal_line::older;
    if (const auto* job = o.if_contains("job"))
    {
        auto parsed = job_from_json(*job, "$.job", r);
        if (!parsed || r.first_failure)
            return journal_line::invalid;
        into.jobs.upsert(parsed->first, std::move(parsed->second));
    }
    else if (const auto* removed = o.if_contains("removed"); removed && removed->is_object())
    {
        const auto* p = removed->as_object().if_contains("project");
        const auto* j = removed->as_object().if_contains("job_id");
        if (!p || !j || !p->is_string() || !j->is_string())
            return journal_line::invalid;
        into.jobs.erase({std::string(p->as_string()), std::string(j->as_string())});
    }
    else
    {
        return journal_line::invalid;
    }
    into.next_event_seq = std::max(into.next_event_seq, seq);
    return journal_line::applied;
}

}  // namespace detail

}  // namespace drsmon::state
