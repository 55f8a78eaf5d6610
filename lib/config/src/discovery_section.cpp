#include "discovery_section.hpp"

#include <regex>
#include <set>

namespace drsmon::config {

namespace {

constexpr auto discovery_api_names = core::names<discovery_api>({
    {discovery_api::v3, "v3"},
    {discovery_api::v5, "v5"},
});

}  // namespace

const char* to_string(discovery_api a) noexcept { return discovery_api_names.name(a); }

namespace detail {

namespace {

// A list of distinct non-empty names, each accepted by `valid` (which returns the complaint, or
// nullptr).
template <class Check>
std::vector<std::string> read_names(const parser& p, const field& f, Check valid)
{
    std::vector<std::string> out;
    std::map<std::string, int> seen;
    for (const field& item : p.list(f))
    {
        std::string v = p.text(item);
        if (const char* complaint = valid(v))
            p.fail(item, std::string(complaint) + " (got " + in_quotes(v) + ")");
        const auto [it, inserted] = seen.emplace(v, item.line);
        if (!inserted)
            p.fail(item, "duplicate " + in_quotes(v) + " (first at line " + std::to_string(it->second) + ")");
        out.push_back(std::move(v));
    }
    return out;
}

// DRS statuses are an open set, but always upper-case words joined by '_' ("INCRE_TRANSFER_STARTED"):
// a lower-case or misspelt-looking value is almost certainly a typo that would match nothing.
const char* check_status(const std::string& s)
{
    const bool ok = std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    return ok ? nullptr : "must be a DRS status in upper case, like INCRE_TRANSFER_STARTED";
}

const char* check_db_use_type(const std::string& s)
{
    return s == "migration" || s == "sync" || s == "cloudDataGuard"
               ? nullptr
               : "must be one of migration, sync, cloudDataGuard";
}

const char* check_any(const std::string&) { return nullptr; }

std::string read_regex(const parser& p, const field& f)
{
    std::string pattern = p.text(f);
    try
    {
        const std::regex compiled(pattern, std::regex::ECMAScript);
    }
    catch (const std::regex_error& e)
    {
        p.fail(f, "is not a valid ECMAScript regular expression (" + std::string(e.what()) + ")");
    }
    return pattern;
}

// Tag keys and values are the user's own: any non-empty key, each once, a single value each.
std::map<std::string, std::string> read_tags(const parser& p, const field& f)
{
    std::map<std::string, std::string> out;
    if (f.node.IsNull())
        return out;
    if (!f.node.IsMap())
        p.fail(f, "must be a mapping of tag keys to values");
    std::map<std::string, int> lines;
    for (auto it = f.node.begin(); it != f.node.end(); ++it)
    {
        const int line = parser::line_of(it->first, f.line);
        if (!it->first.IsScalar() || it->first.Scalar().empty())
            p.fail(line, f.path, "tag keys must be plain, non-empty names");
        const std::string key = it->first.Scalar();
        const field value{f.path + "." + key, line, it->second};
        const auto [seen, inserted] = lines.emplace(key, line);
        if (!inserted)
            p.fail(value, "duplicate tag (first at line " + std::to_string(seen->second) + ")");
        out.emplace(key, p.text(value, true));
    }
    return out;
}

}  // namespace

discovery_config read_discovery(const parser& p, const field& f)
{
    const section s(
        p,
        f,
        {"enabled",
         "api",
         "db_use_types",
         "engine_types",
         "statuses",
         "exclude_statuses",
         "name_regex",
         "exclude_name_regex",
         "tags",
         "enterprise_project_id",
         "interval",
         "max_jobs"}
    );
    discovery_config d;
    if (auto v = s.get("enabled"))
        d.enabled = p.boolean(*v);
    if (auto v = s.get("api"))
        d.api = read_name(p, *v, discovery_api_names);
    if (auto v = s.get("db_use_types"))
    {
        d.db_use_types = read_names(p, *v, check_db_use_type);
        if (d.db_use_types.empty())
            p.fail(*v, "must list at least one of migration, sync, cloudDataGuard");
    }
    if (auto v = s.get("engine_types"))
        d.engine_types = read_names(p, *v, check_any);
    if (auto v = s.get("statuses"))
        d.statuses = read_names(p, *v, check_status);
    if (auto v = s.get("exclude_statuses"))
    {
        d.exclude_statuses = read_names(p, *v, check_status);
        const std::set<std::string> kept(d.statuses.begin(), d.statuses.end());
        for (const auto& item : p.list(*v))
            if (kept.contains(item.node.Scalar()))
                p.fail(item, in_quotes(item.node.Scalar()) + " is also listed under statuses");
    }
    if (auto v = s.get("name_regex"))
        d.name_regex = read_regex(p, *v);
    if (auto v = s.get("exclude_name_regex"))
        d.exclude_name_regex = read_regex(p, *v);
    if (auto v = s.get("tags"))
    {
        d.tags = read_tags(p, *v);
        // ListJobs neither filters by tags nor reports them: the filter would silently match all.
        if (d.api == discovery_api::v5 && !d.tags.empty())
            p.fail(*v, "needs api: v3 (ListJobs, api: v5, has no tag filter)");
    }
    if (auto v = s.get("enterprise_project_id"))
        d.enterprise_project_id = p.text(*v);
    if (auto v = s.get("interval"))
        d.interval = p.duration(*v);
    if (auto v = s.get("max_jobs"))
        d.max_jobs = static_cast<int>(p.integer(*v, 1, 100'000));
    return d;
}

}  // namespace detail

}  // namespace drsmon::config
