#include "drsmon/core/json_writer.hpp"
#include "drsmon/drs_api/requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <iterator>

namespace drsmon::drs_api {

namespace json = boost::json;

namespace {

// names[e]: the wire names are listed in the order of the enumerators (each list's static_assert
// catches an enumerator added without one); fallback stands for a value outside the enumeration.
template <class Enum, std::size_t N>
const char* wire_name(const char* const (&names)[N], Enum e, const char* fallback) noexcept
{
    const auto i = static_cast<std::size_t>(e);
    return i < N ? names[i] : fallback;
}

bool is_unreserved(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

// IDs are UUID-like, but a stray '/' or '?' from a config file must not change the API
// called, so every segment is percent-encoded.
void append_segment(std::string& out, std::string_view segment)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    out.push_back('/');
    for (char c : segment)
    {
        if (is_unreserved(c))
        {
            out.push_back(c);
        }
        else
        {
            const auto b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 0xF]);
        }
    }
}

std::string make_path(std::initializer_list<std::string_view> segments)
{
    std::string out;
    for (auto s : segments)
        append_segment(out, s);
    return out;
}

json::array jobs_array(std::span<const std::string> job_ids)
{
    json::array jobs;
    jobs.reserve(job_ids.size());
    for (const auto& id : job_ids)
        jobs.emplace_back(json::string_view(id));
    return jobs;
}

json::object page_req(std::int64_t cur_page, std::int64_t per_page)
{
    return json::object{{"cur_page", cur_page}, {"per_page", per_page}};
}

request_spec post(api which, std::string path, const json::object& body)
{
    return request_spec{which, "POST", std::move(path), {}, json::serialize(body)};
}

// {"jobs":[ids...]} or {"jobs":[ids...],"page_req":{"cur_page":1,"per_page":n}}, written straight
// to text (the same bytes as serialising the boost::json object): these bodies go out with every
// batch request.
std::string jobs_body(std::span<const std::string> ids, bool paged)
{
    std::string text;
    std::size_t size = 64;
    for (const auto& id : ids)
        size += id.size() + 3;
    text.reserve(size);
    core::json_writer w(text);
    w.begin_object();
    w.key("jobs");
    w.begin_array();
    for (const auto& id : ids)
        w.string(id);
    w.end_array();
    if (paged)
    {
        w.key("page_req");
        w.begin_object();
        w.key("cur_page");
        w.int64(1);
        w.key("per_page");
        w.int64(static_cast<std::int64_t>(ids.size()));
        w.end_object();
    }
    w.end_object();
    w.finish();
    return text;
}

request_spec jobs_only(
    api which,
    std::string_view project_id,
    std::string_view leaf,
    std::span<const std::string> ids
)
{
    return request_spec{
        which,
        "POST",
        make_path({"v3", project_id, "jobs", leaf}),
        {},
        jobs_body(ids, false)};
}

request_spec jobs_paged(
    api which,
    std::string_view project_id,
    std::string_view leaf,
    std::span<const std::string> ids
)
{
    return request_spec{which, "POST", make_path({"v3", project_id, "jobs", leaf}), {}, jobs_body(ids, true)};
}

}  // namespace

const char* to_string(struct_object_type t) noexcept
{
    static constexpr const char* names[] = {
        "database",
        "schema",
        "table",
        "view",
        "procedure",
        "trigger",
        "index",
        "table_indexs",
        "table_structure",
    };
    static_assert(std::size(names) == static_cast<std::size_t>(struct_object_type::table_structure) + 1);
    return wire_name(names, t, "table");
}

const char* to_string(db_use_type t) noexcept
{
    static constexpr const char* names[] = {"migration", "sync", "cloudDataGuard"};
    static_assert(std::size(names) == static_cast<std::size_t>(db_use_type::cloud_data_guard) + 1);
    return wire_name(names, t, "migration");
}

std::optional<db_use_type> db_use_type_from_string(std::string_view s) noexcept
{
    for (auto t : {db_use_type::migration, db_use_type::sync, db_use_type::cloud_data_guard})
        if (s == to_string(t))
            return t;
    return std::nullopt;
}

const char* to_string(collect_type t) noexcept
{
    static constexpr const char* names[] = {"source", "modified", "synchronized"};
    static_assert(std::size(names) == static_cast<std::size_t>(collect_type::synchronized) + 1);
    return wire_name(names, t, "source");
}

request_spec batch_status_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_paged(api::batch_status, project_id, "batch-status", job_ids);
}

request_spec batch_progress_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_only(api::batch_progress, project_id, "batch-progress", job_ids);
}

request_spec batch_detail_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_paged(api::batch_detail, project_id, "batch-detail", job_ids);
}

request_spec batch_precheck_result_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_only(api::batch_precheck_result, project_id, "batch-precheck-result", job_ids);
}

request_spec batch_struct_process_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_only(api::batch_struct_process, project_id, "batch-struct-process", job_ids);
}

request_spec batch_struct_detail_request(
    std::string_view project_id,
    std::span<const std::string> job_ids,
    struct_object_type type,
    page_request page
)
{
    json::object body;
    body["jobs"] = jobs_array(job_ids);
    body["page_req"] = page_req(page.cur_page, page.per_page);
    return post(
        api::batch_struct_detail,
        make_path({"v3", project_id, "jobs", to_string(type), "batch-struct-detail"}),
        body
    );
}

request_spec job_list_request(
    std::string_view project_id,
    page_request page,
    db_use_type use_type,
    const job_list_filter& filter
)
{
    json::object body{
        {"cur_page", page.cur_page},
        {"per_page", page.per_page},
        {"db_use_type", to_string(use_type)}};
    if (!filter.engine_type.empty())
        body["engine_type"] = filter.engine_type;
    if (!filter.enterprise_project_id.empty())
        body["enterprise_project_id"] = filter.enterprise_project_id;
    if (!filter.tags.empty())
    {
        json::object tags;
        for (const auto& [k, v] : filter.tags)
            tags[k] = v;
        body["tags"] = std::move(tags);
    }
    return post(api::job_list, make_path({"v3", project_id, "jobs"}), body);
}

request_spec job_list_v5_request(
    std::string_view project_id,
    int offset,
    int limit,
    db_use_type use_type,
    const job_list_filter& filter
)
{
    request_spec r{
        api::job_list_v5,
        "GET",
        make_path({"v5", project_id, "jobs"}),
        {{"job_type", to_string(use_type)},
         {"offset", std::to_string(offset)},
         {"limit", std::to_string(limit)}},
        {}};
    if (!filter.engine_type.empty())
        r.query.emplace_back("engine_type", filter.engine_type);
    // An empty enterprise_project_id means "all" to ListJobs as well; sending nothing says the same.
    if (!filter.enterprise_project_id.empty())
        r.query.emplace_back("enterprise_project_id", filter.enterprise_project_id);
    return r;
}

request_spec async_job_detail_request(
    std::string_view project_id,
    std::string_view async_job_id,
    int offset,
    int limit
)
{
    return request_spec{
        api::async_job_detail,
        "GET",
        make_path({"v5", project_id, "batch-async-jobs", async_job_id}),
        {{"offset", std::to_string(offset)}, {"limit", std::to_string(limit)}},
        {}};
}

request_spec db_objects_collect_request(
    std::string_view project_id,
    std::string_view job_id,
    collect_type type,
    bool is_refresh
)
{
    const json::object body{{"type", to_string(type)}, {"is_refresh", is_refresh ? "true" : "false"}};
    return post(
        api::db_objects_collect,
        make_path({"v5.1", project_id, "jobs", job_id, "db-objects", "collect"}),
        body
    );
}

request_spec collection_status_request(
    std::string_view project_id,
    std::string_view job_id,
    std::string_view query_id
)
{
    return request_spec{
        api::collection_status,
        "GET",
        make_path({"v5", project_id, "jobs", job_id, "db-objects", "collection-status"}),
        {{"query_id", std::string(query_id)}},
        {}};
}

request_spec batch_rpo_rto_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_only(api::batch_rpo_rto, project_id, "batch-rpo-and-rto", job_ids);
}

request_spec dr_monitoring_request(std::string_view project_id, std::span<const std::string> job_ids)
{
    return jobs_only(api::dr_monitoring, project_id, "disaster-recovery-monitoring-data", job_ids);
}

request_spec increment_components_request(std::string_view project_id, std::string_view job_id)
{
    return request_spec{
        api::increment_components,
        "GET",
        make_path({"v5", project_id, "jobs", job_id, "increment-components-detail"}),
        {},
        {}};
}

request_spec job_actions_request(std::string_view project_id, std::string_view job_id)
{
    return request_spec{
        api::job_actions,
        "GET",
        make_path({"v5", project_id, "jobs", job_id, "actions"}),
        {},
        {}};
}

}  // namespace drsmon::drs_api
