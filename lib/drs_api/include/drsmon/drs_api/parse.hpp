#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/models.hpp"

#include <string_view>

// Parsers of successful (2xx) DRS response bodies into the models of models.hpp.
//
// Every parser is total: it never throws (except std::bad_alloc) and never crashes on any
// input. It returns errc::bad_response with where = api_name(...) and path = the JSON path
// of the offending value ("$.results[2].status") when the body is not JSON, the top-level
// list is missing or not an array, an item is not an object, or a required field (ids,
// status) has the wrong type. Unknown fields are ignored; optional fields with an
// unexpected type or an unparseable value become empty / std::nullopt. Per-item errors
// (results[i].error_code) are kept on the item, not turned into a whole-response error.
// An item whose id is missing is an error unless the item carries an error code.
namespace drsmon::drs_api {

core::result<batch_status_response> parse_batch_status(std::string_view body);
core::result<batch_progress_response> parse_batch_progress(std::string_view body);
core::result<batch_detail_response> parse_batch_detail(std::string_view body);
core::result<batch_precheck_response> parse_batch_precheck_result(std::string_view body);
core::result<batch_struct_process_response> parse_batch_struct_process(std::string_view body);
core::result<batch_struct_detail_response> parse_batch_struct_detail(std::string_view body);
core::result<job_list_response> parse_job_list(std::string_view body);
// GET /v5/{project_id}/jobs (ListJobs): total_count and job_type are read into total_record and
// db_use_type; errors name "job-list-v5".
core::result<job_list_response> parse_job_list_v5(std::string_view body);
core::result<async_job_detail_response> parse_async_job_detail(std::string_view body);
core::result<collect_submit_response> parse_db_objects_collect(std::string_view body);
core::result<collection_status_response> parse_collection_status(std::string_view body);

}  // namespace drsmon::drs_api
