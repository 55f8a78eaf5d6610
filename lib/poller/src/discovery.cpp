#include "drsmon/core/text.hpp"
#include "drsmon/drs_api/parse.hpp"
#include "drsmon/poller/discovery.hpp"

#include <algorithm>
#include <utility>

namespace drsmon::poller {

// ---- paging

listing_pager::listing_pager(list_api api, int per_page) noexcept
    : api_(api), per_page_(std::clamp(per_page, 1, max_per_page))
{
}

page_request listing_pager::next() const noexcept
{
    page_request p;
    p.per_page = per_page_;
    p.cur_page = pages_ + 1;
    p.offset = static_cast<int>(listed_);
    return p;
}

void listing_pager::advance(std::size_t listed, std::optional<std::int64_t> total) noexcept
{
    if (!more_)
        return;
    ++pages_;
    listed_ += static_cast<std::int64_t>(listed);
    if (total)
    {
        if (first_total_ && *first_total_ != *total)
            total_changed_ = true;
        if (!first_total_)
            first_total_ = total;
        last_total_ = total;
    }
    // v3 pages by position: page k covers items up to k * per_page. v5 pages by what was listed,
    // as the API may answer fewer than `limit` items on a page that is not the last.
    const std::int64_t reached = api_ == list_api::v3_show_job_list
                                     ? static_cast<std::int64_t>(pages_) * per_page_
                                     : listed_;
    const bool short_page = api_ == list_api::v3_show_job_list && std::cmp_less(listed, per_page_);
    if (listed == 0 || short_page || (last_total_ && reached >= *last_total_))
    {
        covered_ = true;
        more_ = false;
    }
    else if (pages_ >= max_pages)
        more_ = false;
}

bool listing_pager::complete() const noexcept
{
    return covered_ && !total_changed_ && (!last_total_ || listed_ == *last_total_);
}

// ---- filters

listing_query make_listing_query(
    list_api api,
    const discovery_filter_spec& spec,
    drs_api::db_use_type use_type
)
{
    listing_query q;
    q.api = api;
    q.use_type = use_type;
    q.db_use_type = drs_api::to_string(use_type);
    if (spec.engine_types.size() == 1)
        q.engine_type = spec.engine_types.front();
    q.enterprise_project_id = spec.enterprise_project_id;
    if (api == list_api::v3_show_job_list)
        q.tags = spec.tags;
    return q;
}

drs_api::request_spec listing_request(
    std::string_view project_id,
    const listing_query& q,
    const page_request& page
)
{
    const drs_api::job_list_filter filter{q.engine_type, q.enterprise_project_id, q.tags};
    if (q.api == list_api::v5_list_jobs)
        return drs_api::job_list_v5_request(project_id, page.offset, page.per_page, q.use_type, filter);
    return drs_api::job_list_request(
        project_id,
        {.cur_page = page.cur_page, .per_page = page.per_page},
        q.use_type,
        filter
    );
}

listing_parser listing_parser_of(list_api api) noexcept
{
    return api == list_api::v5_list_jobs ? &drs_api::parse_job_list_v5 : &drs_api::parse_job_list;
}

std::vector<listed_job> flatten(const drs_api::job_summary& job, std::string_view db_use_type)
{
    std::vector<listed_job> out;
    out.reserve(1 + job.children.size());
    listed_job& parent = out.emplace_back();
    parent.id = job.id;
    parent.name = job.name;
    parent.status = job.status;
    parent.db_use_type = job.db_use_type.empty() ? std::string(db_use_type) : job.db_use_type;
    parent.engine_type = job.engine_type;
    parent.enterprise_project_id = job.enterprise_project_id;
    for (const auto& c : job.children)
    {
        listed_job child;
        child.id = c.id;
        child.name = c.name;
        child.status = c.status;
        child.error_msg = c.error_msg;
        child.parent_id = job.id;
        child.db_use_type = out.front().db_use_type;
        child.engine_type = out.front().engine_type;
        child.enterprise_project_id = out.front().enterprise_project_id;
        child.tags = out.front().tags;
        out.push_back(std::move(child));
    }
    return out;
}

std::optional<std::string> listed_error(const listed_job& job)
{
    if (job.parent_id.empty())
        return std::nullopt;
    return job.error_msg.substr(0, 160);
}

bool listing_changes(const state::job_state& s, const listed_job& job)
{
    const auto e = listed_error(job);
    return e && *e != s.listed_error;
}

void apply_listing(state::job_state& s, const listed_job& job)
{
    if (auto e = listed_error(job))
        s.listed_error = std::move(*e);
}

namespace {

bool contains_ci(const std::vector<std::string>& set, std::string_view value)
{
    return std::any_of(set.begin(), set.end(), [&](const std::string& s) { return core::iequals(s, value); });
}

core::result<std::shared_ptr<const std::regex>> compile(const std::string& pattern, std::string_view key)
{
    if (pattern.empty())
        return std::shared_ptr<const std::regex>{};
    try
    {
        return std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
    }
    catch (const std::regex_error& e)
    {
        return core::make_error(
            core::errc::config,
            "discovery",
            std::string(key) + " is not a valid ECMAScript regular expression: " + e.what()
        );
    }
}

}  // namespace

core::result<discovery_filter> discovery_filter::make(const discovery_filter_spec& spec)
{
    discovery_filter f;
    f.spec_ = spec;
    auto name = compile(spec.name_regex, "name_regex");
    if (!name)
        return name.error();
    auto exclude = compile(spec.exclude_name_regex, "exclude_name_regex");
    if (!exclude)
        return exclude.error();
    f.name_ = std::move(*name);
    f.exclude_name_ = std::move(*exclude);
    return f;
}

bool discovery_filter::matches_job(const listed_job& job) const
{
    if (!spec_.engine_types.empty() && !contains_ci(spec_.engine_types, job.engine_type))
        return false;
    if (name_ && !std::regex_match(job.name, *name_))
        return false;
    if (exclude_name_ && std::regex_match(job.name, *exclude_name_))
        return false;
    if (!spec_.enterprise_project_id.empty() && job.enterprise_project_id &&
        *job.enterprise_project_id != spec_.enterprise_project_id)
        return false;
    if (job.tags)
        for (const auto& [key, value] : spec_.tags)
        {
            const auto it = job.tags->find(key);
            if (it == job.tags->end() || it->second != value)
                return false;
        }
    return true;
}

bool discovery_filter::matches_status(std::string_view status) const
{
    if (!spec_.statuses.empty() && !contains_ci(spec_.statuses, status))
        return false;
    return !contains_ci(spec_.exclude_statuses, status);
}

void select(
    const discovery_filter& filter,
    std::span<const drs_api::job_summary> jobs,
    std::string_view db_use_type,
    selection& out
)
{
    for (const auto& summary : jobs)
    {
        auto family = flatten(summary, db_use_type);
        const bool parent_matches = filter.matches_job(family.front());
        for (auto& job : family)
        {
            // The same ID twice (on two pages, or under two types) is one job.
            if (!out.listed.insert(job.id).second)
                continue;
            if (parent_matches && filter.matches_status(job.status))
                out.matched.push_back(std::move(job));
        }
    }
}

// ---- what a pass changes

discovery_change discovery_tracker::apply(const selection& pass, bool complete, core::wall_time now)
{
    discovery_change change;
    std::set<std::string_view> matched;
    for (const auto& job : pass.matched)
    {
        matched.insert(job.id);
        const auto it = jobs_.find(job.id);
        if (it != jobs_.end())
        {
            it->second.misses = 0;
            if (!(it->second.job == job))
            {
                it->second.job = job;
                change.updated.push_back(job);
            }
        }
        else if (jobs_.size() < max_jobs_)
        {
            jobs_.emplace(job.id, entry{job, 0});
            change.added.push_back(job);
        }
        else
            ++change.not_added;
    }
    truncated_ = change.not_added > 0;
    if (!complete)
        return change;

    last_complete_ = now;
    for (auto it = jobs_.begin(); it != jobs_.end();)
    {
        if (matched.contains(it->first) || ++it->second.misses < 2)
        {
            ++it;
            continue;
        }
        const auto reason = pass.listed.contains(it->first) ? removed_unmatched : removed_deleted;
        change.removed.push_back({it->first, reason});
        it = jobs_.erase(it);
    }
    return change;
}

const listed_job* discovery_tracker::find(std::string_view id) const
{
    const auto it = jobs_.find(id);
    return it != jobs_.end() ? &it->second.job : nullptr;
}

std::vector<listed_job> discovery_tracker::jobs() const
{
    std::vector<listed_job> out;
    out.reserve(jobs_.size());
    for (const auto& [id, e] : jobs_)
        out.push_back(e.job);
    return out;
}

std::map<std::string, std::size_t> discovery_tracker::count_by_db_use_type() const
{
    std::map<std::string, std::size_t> out;
    for (const auto& [id, e] : jobs_)
        ++out[e.job.db_use_type];
    return out;
}

}  // namespace drsmon::poller
