#pragma once

#include "drsmon/core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Typed models of the DRS responses the monitor reads. They are whitelists: only the
// fields below are ever copied out of a response, so endpoint credentials (db_password,
// db_user, ssl_cert_password, kafka passwords, ...) never reach a model.
//
// Conventions:
//  * text fields are copied verbatim (statuses are an open set); an empty string means
//    the field was absent or null;
//  * numbers that may be absent or unparseable are std::optional, never a default 0;
//  * percentages are converted to ratios 0..1;
//  * delays and remaining times are seconds; "-1" (not applicable) is std::nullopt;
//  * timestamps are core::wall_time; "0" (unset) is std::nullopt.
namespace drsmon::drs_api {

// A per-item error reported inside results[] (HTTP 200 with a failed item).
struct item_error
{
    std::string code;     // error_code, e.g. "DRS.M05004"; may be empty when only a message came
    std::string message;  // error_message or error_msg
};

// The shape of every v3 batch response: {"count": n, "results": [item...]}.
template <class Item>
struct batch_response
{
    std::optional<std::int64_t> count;
    std::vector<Item> results;
};

// ---- batch-status ----------------------------------------------------------------

struct job_status
{
    std::string id;
    std::string status;  // e.g. "INCRE_TRANSFER_STARTED"; empty when the item only carries an error
    std::optional<item_error> error;
};

using batch_status_response = batch_response<job_status>;

// ---- progress (v3 batch-progress, v5 progress_info) ----------------------------

// One entry of progress_map ("struct", "data", "index", ...).
struct progress_phase
{
    std::string name;
    std::optional<double> completed;          // ratio 0..1
    std::optional<double> remaining_seconds;  // null in most examples
};

struct progress_snapshot
{
    std::optional<double> ratio;          // progress, 0..1
    std::optional<double> delay_seconds;  // incremental delay; nullopt when "-1" (not incremental)
    std::string task_mode;                // FULL_TRANS, INCR_TRANS, FULL_INCR_TRANS
    std::string transfer_status;          // a job status
    std::optional<core::wall_time> process_time;
    std::optional<double> remaining_seconds;
    std::vector<progress_phase> phases;  // progress_map, in response order
};

struct job_progress
{
    std::string job_id;
    progress_snapshot progress;
    std::optional<item_error> error;
};

using batch_progress_response = batch_response<job_progress>;

// ---- batch-detail -----------------------------------------------------------------

struct job_detail
{
    std::string id;
    std::string parent_id;
    std::string master_job_id;
    std::string name;
    std::string status;
    std::string db_use_type;    // migration, sync, cloudDataGuard
    std::string task_type;      // FULL_TRANS, INCR_TRANS, FULL_INCR_TRANS
    std::string job_direction;  // up, down, non-dbs
    std::string engine_type;    // inst_info.engine_type, else source_endpoint.db_type
    std::string net_type;
    std::string node_role;
    std::string failed_reason;
    std::string instance_status;  // inst_info.status
    std::optional<core::wall_time> create_time;
    std::optional<core::wall_time> update_time;
    std::optional<core::wall_time> actual_start_time;
    std::optional<core::wall_time> full_transfer_complete_time;
    std::optional<std::int64_t> node_num;
    std::optional<bool> multi_write;
    std::optional<bool> is_multi_az;
    std::optional<item_error> error;
};

using batch_detail_response = batch_response<job_detail>;

// ---- pre-check (v3 batch-precheck-result, v5 precheck_result) --------------------

struct precheck_item
{
    std::string item;    // e.g. "srcCollHasTtlIndex"
    std::string result;  // PASSED, ALARM, FAILED (verbatim)
    std::string group;
    std::string failed_reason;
};

struct precheck_summary
{
    std::optional<bool> passed;               // "result": all items passed
    std::optional<double> process;            // pre-check progress, ratio 0..1
    std::optional<double> total_passed_rate;  // ratio 0..1
    std::string job_direction;
    std::vector<precheck_item> items;
};

struct job_precheck
{
    std::string job_id;  // job_id when present, else precheck_id (which carries the job id)
    std::string precheck_id;
    precheck_summary summary;
    std::optional<item_error> error;
};

using batch_precheck_response = batch_response<job_precheck>;

// ---- batch-struct-process (DR initialisation) -----------------------------------

struct struct_object_progress
{
    std::string type;                    // object type as given ("table", "TABLE_INDEX", ...)
    std::optional<std::int64_t> status;  // 1 = in progress, 2 = complete
    std::optional<std::int64_t> src_count;
    std::optional<std::int64_t> dst_count;
    std::optional<core::wall_time> start_time;
    std::optional<core::wall_time> end_time;
};

struct job_struct_process
{
    std::string job_id;
    std::optional<core::wall_time> create_time;
    std::vector<struct_object_progress> objects;
    std::optional<item_error> error;
};

using batch_struct_process_response = batch_response<job_struct_process>;

// ---- batch-struct-detail ---------------------------------------------------------

struct struct_detail_entry
{
    std::optional<double> progress;  // ratio 0..1
    std::string src_db;              // src_DB or src_db
    std::string src_tb;
    std::string dst_db;
    std::string dst_tb;
};

struct job_struct_detail
{
    std::string job_id;
    std::optional<std::int64_t> total_record;
    std::optional<core::wall_time> create_time;
    std::vector<struct_detail_entry> list;
    std::optional<item_error> error;
};

using batch_struct_detail_response = batch_response<job_struct_detail>;

// ---- job list: v3 ShowJobList and v5 ListJobs -----------------------------------------

struct child_job
{
    std::string id;
    std::string name;
    std::string status;
    std::string error_msg;  // v3 ChildrenJobInfo; ListJobs (v5) documents none: "" unless sent
};

struct job_summary
{
    std::string id;
    std::string name;
    std::string status;
    std::string db_use_type;  // v3 db_use_type, v5 job_type
    std::string engine_type;
    std::string task_type;
    std::string job_direction;
    std::optional<core::wall_time> create_time;
    std::optional<std::string> enterprise_project_id;  // v5 only; absent when empty or not sent
    std::vector<child_job> children;
};

struct job_list_response
{
    std::optional<std::int64_t> total_record;  // v3 total_record, v5 total_count
    std::vector<job_summary> jobs;
};

// ---- v5 job detail (batch-async-jobs) ----------------------------------------------

struct v5_base_info
{
    std::string name;
    std::string job_type;  // migration, sync, cloudDataGuard
    std::string engine_type;
    std::string task_type;
    std::string job_direction;
    std::string net_type;
    std::string charging_mode;
    std::string enterprise_project_id;
    std::optional<std::int64_t> expired_days;
    std::optional<bool> multi_write;
};

struct migration_object_overview
{
    std::string type;
    std::optional<std::int64_t> src_count;
    std::optional<std::int64_t> dst_count;
    std::string status;  // NOT_START, TRANSFERING, COMPLETED, FAILED, TRANSFER_WHEN_END
    std::optional<core::wall_time> start_time;
    std::optional<core::wall_time> end_time;
};

struct migration_object_progress
{
    std::vector<migration_object_overview> overview;
    std::optional<core::wall_time> create_time;
    std::optional<core::wall_time> full_start_time;
    std::optional<core::wall_time> full_complete_time;
    std::optional<core::wall_time> incr_start_time;
    std::optional<core::wall_time> end_time;
};

// Node metrics of a v5 job. Utilisations are ratios 0..1; rates are per second.
struct node_metrics
{
    std::string node_id;
    std::optional<core::wall_time> time_stamp;
    std::optional<double> cpu_util;
    std::optional<double> mem_util;
    std::optional<double> network_incoming_bytes_rate;
    std::optional<double> network_outgoing_bytes_rate;
    std::optional<double> disk_read_bytes_rate;
    std::optional<double> disk_write_bytes_rate;
    std::optional<double> apply_rows_rate;
    std::optional<double> apply_transactions_rate;
    std::optional<double> apply_ddl_rate;
    std::optional<double> apply_average_execute_time;
    std::optional<double> apply_average_commit_time;
    std::string apply_current_state;  // succeed, failed, processing, waiting (verbatim)
};

struct v5_job_detail
{
    std::string id;
    std::string status;
    std::string master_job_id;
    std::optional<core::wall_time> create_time;
    v5_base_info base_info;
    std::string node_status;  // node_info.base_info.status
    std::optional<progress_snapshot> progress;
    std::optional<precheck_summary> precheck;
    std::optional<migration_object_progress> migration_objects;
    std::optional<node_metrics> metrics;
};

struct async_job_detail_response
{
    std::optional<std::int64_t> total_count;
    std::vector<v5_job_detail> jobs;
};

// ---- v5.1 db-objects collect / v5 collection-status --------------------------------

struct collect_submit_response
{
    std::string id;      // query id for collection-status
    std::string status;  // pending, failed, success
    std::string job_id;
};

struct collection_status_response
{
    std::string id;
    std::string status;  // pending, failed, success
};

}  // namespace drsmon::drs_api
