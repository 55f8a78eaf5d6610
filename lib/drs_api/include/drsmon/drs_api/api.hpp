#pragma once

namespace drsmon::drs_api {

// The DRS APIs the monitor calls. The values are stable: api_name() is used as a
// metric label and as core::error::where.
enum class api
{
    batch_status,           // POST /v3/{project_id}/jobs/batch-status
    batch_progress,         // POST /v3/{project_id}/jobs/batch-progress
    batch_detail,           // POST /v3/{project_id}/jobs/batch-detail
    batch_precheck_result,  // POST /v3/{project_id}/jobs/batch-precheck-result
    batch_struct_process,   // POST /v3/{project_id}/jobs/batch-struct-process
    batch_struct_detail,    // POST /v3/{project_id}/jobs/{type}/batch-struct-detail
    job_list,               // POST /v3/{project_id}/jobs
    async_job_detail,       // GET  /v5/{project_id}/batch-async-jobs/{async_job_id}
    db_objects_collect,     // POST /v5.1/{project_id}/jobs/{job_id}/db-objects/collect
    collection_status,      // GET  /v5/{project_id}/jobs/{job_id}/db-objects/collection-status
    batch_rpo_rto,          // POST /v3/{project_id}/jobs/batch-rpo-and-rto
    dr_monitoring,          // POST /v3/{project_id}/jobs/disaster-recovery-monitoring-data
    increment_components,   // GET  /v5/{project_id}/jobs/{job_id}/increment-components-detail
    job_actions,            // GET  /v5/{project_id}/jobs/{job_id}/actions
    job_list_v5             // GET  /v5/{project_id}/jobs (ListJobs)
};

// All values of api, in declaration order (for label pre-registration).
inline constexpr api all_apis[] = {
    api::batch_status,
    api::batch_progress,
    api::batch_detail,
    api::batch_precheck_result,
    api::batch_struct_process,
    api::batch_struct_detail,
    api::job_list,
    api::async_job_detail,
    api::db_objects_collect,
    api::collection_status,
    api::batch_rpo_rto,
    api::dr_monitoring,
    api::increment_components,
    api::job_actions,
    api::job_list_v5,
};

// A short, bounded label ("batch-status", "batch-async-jobs", ...). Never null;
// "unknown" for a value outside the enumeration.
const char* api_name(api which) noexcept;

}  // namespace drsmon::drs_api
