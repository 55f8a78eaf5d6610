#include "drsmon/drs_api/api.hpp"

namespace drsmon::drs_api {

const char* api_name(api which) noexcept
{
    switch (which)
    {
    case api::batch_status: return "batch-status";
    case api::batch_progress: return "batch-progress";
    case api::batch_detail: return "batch-detail";
    case api::batch_precheck_result: return "batch-precheck-result";
    case api::batch_struct_process: return "batch-struct-process";
    case api::batch_struct_detail: return "batch-struct-detail";
    case api::job_list: return "job-list";
    case api::async_job_detail: return "batch-async-jobs";
    case api::db_objects_collect: return "db-objects-collect";
    case api::collection_status: return "collection-status";
    case api::batch_rpo_rto: return "batch-rpo-and-rto";
    case api::dr_monitoring: return "disaster-recovery-monitoring-data";
    case api::increment_components: return "increment-components-detail";
    case api::job_actions: return "actions";
    case api::job_list_v5: return "job-list-v5";
    }
    return "unknown";
}

}  // namespace drsmon::drs_api
