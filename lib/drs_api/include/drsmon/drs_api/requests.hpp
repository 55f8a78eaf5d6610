#pragma once

#include "drsmon/drs_api/api.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drsmon::drs_api {

// Everything the HTTP layer needs to send one DRS call, before signing. The path is
// already percent-encoded (RFC 3986 unreserved characters kept); query values are raw
// (the signer encodes them); the body is compact JSON, or empty for GET.
struct request_spec
{
    api which;
    std::string method;  // "GET" or "POST"
    std::string path;    // "/v3/{project_id}/jobs/batch-status"
    std::vector<std::pair<std::string, std::string>> query;
    std::string body;
};

// Path segment of batch-struct-detail: the object type whose details are listed.
enum class struct_object_type
{
    database,
    schema,
    table,
    view,
    procedure,
    trigger,
    index,
    table_indexs,  // sic, as the API spells it
    table_structure
};

// The path value ("database", "table_indexs", ...).
const char* to_string(struct_object_type t) noexcept;

// db_use_type of the v3 job list.
enum class db_use_type
{
    migration,
    sync,
    cloud_data_guard  // "cloudDataGuard"
};

// The wire value ("migration", "sync", "cloudDataGuard").
const char* to_string(db_use_type t) noexcept;
// The value with that wire name (exact case), or nullopt.
std::optional<db_use_type> db_use_type_from_string(std::string_view s) noexcept;

// "type" of a v5.1 database-object collection.
enum class collect_type
{
    source,
    modified,
    synchronized
};

// The wire value ("source", "modified", "synchronized").
const char* to_string(collect_type t) noexcept;

// POST batch-status {"jobs":[...],"page_req":{"cur_page":1,"per_page":N}}, N = job_ids.size().
// page_req is always sent: the documented default per_page of 5 would silently cut results.
request_spec batch_status_request(std::string_view project_id, std::span<const std::string> job_ids);

// POST batch-progress {"jobs":[...]}.
request_spec batch_progress_request(std::string_view project_id, std::span<const std::string> job_ids);

// POST batch-detail {"jobs":[...],"page_req":{"cur_page":1,"per_page":N}}, N = job_ids.size().
request_spec batch_detail_request(std::string_view project_id, std::span<const std::string> job_ids);

// POST batch-precheck-result {"jobs":[...]}.
request_spec batch_precheck_result_request(std::string_view project_id, std::span<const std::string> job_ids);

// POST batch-struct-process {"jobs":[...]}.
request_spec batch_struct_process_request(std::string_view project_id, std::span<const std::string> job_ids);

// POST /v3/{project_id}/jobs/{type}/batch-struct-detail
// {"jobs":[...],"page_req":{"cur_page":page.cur_page,"per_page":page.per_page}}. per_page
// counts objects (0 = all), not jobs.
struct page_request
{
    int cur_page = 1;  // from 1
    int per_page = 0;
};
request_spec batch_struct_detail_request(
    std::string_view project_id,
    std::span<const std::string> job_ids,
    struct_object_type type,
    page_request page
);

// Optional API-side filters of the job lists (v3 and v5); empty values are not sent.
struct job_list_filter
{
    std::string engine_type;
    std::string enterprise_project_id;        // the API rejects an empty one: left out when empty
    std::map<std::string, std::string> tags;  // v3 only: ListJobs (v5) has no tag filter
};
// POST /v3/{project_id}/jobs {"cur_page":..,"per_page":..,"db_use_type":".."}, with
// "engine_type", "enterprise_project_id" and "tags" (an object) when the filter sets them.
request_spec job_list_request(
    std::string_view project_id,
    page_request page,
    db_use_type use_type,
    const job_list_filter& filter = {}
);

// GET /v5/{project_id}/jobs?job_type=..&offset=..&limit=.. (ListJobs), with engine_type and
// enterprise_project_id when the filter sets them; filter.tags are not sent (ListJobs has no tag
// filter). offset counts jobs (parents) from 0. The query pairs are raw, in this order; the
// signer sorts and encodes them.
request_spec job_list_v5_request(
    std::string_view project_id,
    int offset,
    int limit,
    db_use_type use_type,
    const job_list_filter& filter = {}
);

// GET /v5/{project_id}/batch-async-jobs/{async_job_id}?offset=..&limit=..
request_spec async_job_detail_request(
    std::string_view project_id,
    std::string_view async_job_id,
    int offset,
    int limit
);

// POST /v5.1/{project_id}/jobs/{job_id}/db-objects/collect
// {"type":"source","is_refresh":"true"} (is_refresh is a string in v5.1).
request_spec db_objects_collect_request(
    std::string_view project_id,
    std::string_view job_id,
    collect_type type,
    bool is_refresh
);

// GET /v5/{project_id}/jobs/{job_id}/db-objects/collection-status?query_id=..
request_spec collection_status_request(
    std::string_view project_id,
    std::string_view job_id,
    std::string_view query_id
);

// POST /v3/{project_id}/jobs/batch-rpo-and-rto {"jobs":[...]} (at most 10 ids per call).
request_spec batch_rpo_rto_request(std::string_view project_id, std::span<const std::string> job_ids);

// POST /v3/{project_id}/jobs/disaster-recovery-monitoring-data {"jobs":[...]} (at most 10 ids
// per call, as the documentation recommends).
request_spec dr_monitoring_request(std::string_view project_id, std::span<const std::string> job_ids);

// GET /v5/{project_id}/jobs/{job_id}/increment-components-detail
request_spec increment_components_request(std::string_view project_id, std::string_view job_id);

// GET /v5/{project_id}/jobs/{job_id}/actions
request_spec job_actions_request(std::string_view project_id, std::string_view job_id);

}  // namespace drsmon::drs_api
