#pragma once

#include "drsmon/state/job_state.hpp"

#include <chrono>
#include <string>

namespace drsmon::state::testing {

inline core::wall_time at(long long unix_seconds)
{
    return core::wall_time(std::chrono::seconds(unix_seconds));
}

// A job that only has a status.
inline job_state with_status(const std::string& status)
{
    job_state s;
    s.status = status;
    return s;
}

// A job with every field set to a non-default value.
inline job_state full_job()
{
    job_state s;
    s.metadata.name = "orders-sync";
    s.metadata.db_use_type = "sync";
    s.metadata.engine_type = "mysql-to-mysql";
    s.metadata.task_type = "FULL_INCR_TRANS";
    s.metadata.job_direction = "up";
    s.metadata.parent_id = "parent-1";
    s.metadata.async_job_id = "async-1";
    s.metadata.created = at(1'600'000'000) + std::chrono::milliseconds(412);
    s.status = "INCRE_TRANSFER_STARTED";
    s.status_changed_at = at(1'700'000'100);
    s.status_changes = 3;
    s.progress_ratio = 0.75;
    s.phases = {{"struct", 1.0}, {"data", 0.5}, {"index", 0.25}};
    s.delay_seconds = 12.5;
    s.remaining_seconds = 300;
    s.precheck.present = true;
    s.precheck.complete = true;
    s.precheck.passed = false;
    s.precheck.passed_ratio = 0.9;
    s.precheck.progress_ratio = 1.0;
    s.precheck.items = {
        {"source_db_connectivity", "connectivity", "PASSED"},
        {"ttl_indexes", "objects", "ALARM"},
        {"binlog_format", "config", "FAILED"},
    };
    s.init["table"] = init_object{2, 120, 118, 100, 20};
    s.init["view"] = init_object{1, 7, 3, 3, 4};
    s.node.cpu_ratio = 0.31;
    s.node.memory_ratio = 0.62;
    s.node.apply_rows_per_second = 1500;
    s.node.apply_transactions_per_second = 120;
    s.node.network_receive_bytes_per_second = 1e6;
    s.node.network_transmit_bytes_per_second = 2e6;
    s.node.disk_read_bytes_per_second = 3e5;
    s.node.disk_write_bytes_per_second = 4e5;
    s.collect.status = "success";
    s.collect.last_success = at(1'700'000'050);
    s.dr.rpo_seconds = 12;
    s.dr.rto_seconds = 4;
    s.dr.rpo_checkpoint = at(1'700'000'040);
    s.dr.source_up = true;
    s.dr.target_up = false;
    s.dr.source_delay_seconds = 3;
    s.dr.target_delay_seconds = 9;
    s.dr.source_rows_per_second = 1520;
    s.dr.target_rows_per_second = 1498.5;
    s.dr.source_io = 35;
    s.dr.target_io = 41;
    s.dr.cpu_ratio = 0.37;
    s.dr.memory_used_bytes = 2048.0 * 1024 * 1024;
    s.dr.volume_used_bytes = 20.0 * 1024 * 1024 * 1024;
    s.dr.node_memory_bytes = 8192.0 * 1024 * 1024;
    s.dr.node_volume_bytes = 100.0 * 1024 * 1024 * 1024;
    s.dr.transferred_bytes = 512.0 * 1024 * 1024;
    s.dr.transferred_rows = 1048576;
    s.dr.bandwidth = 12.5;
    s.dr.migration_bytes_per_second = 65536;
    s.dr.components["capture"] = component_state{"STARTED", 2};
    s.dr.components["apply"] = component_state{"STOPPED", std::nullopt};
    s.dr.current_action = "SWITCH_OVER";
    // Marks from earlier phases (a record test sets every field; they do not match the status).
    s.dr.dr_not_applicable = "sync|FULL_INCR_TRANS|FULL_TRANSFER_STARTED";
    s.dr.components_not_applicable = "sync|FULL_INCR_TRANS|CONFIGURATION";
    s.collect.query_id = "q-123";
    s.api_error.code = "DRS.M00289";
    s.api_error.message_short = "job not found in batch";
    s.listed_error = "child: connection to the source lost";
    s.source = "async_batch";
    s.last_refresh = at(1'700'000'200) + std::chrono::nanoseconds(123);
    s.last_change = at(1'700'000'150);
    s.stale = true;
    return s;
}

}  // namespace drsmon::state::testing
