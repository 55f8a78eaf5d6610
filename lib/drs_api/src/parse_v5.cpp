#include "drsmon/drs_api/parse.hpp"

#include "parse_common.hpp"

namespace drsmon::drs_api {

using namespace detail;

namespace {

// Whitelist of base_info: name, types and billing labels only. Everything else under a
// job (source_endpoint, target_endpoint, user_migration, ...) may carry credentials and
// is never read.
v5_base_info read_base_info(const json::object& o)
{
    v5_base_info b;
    b.name = reader::text(o, "name");
    b.job_type = reader::text(o, "job_type");
    b.engine_type = reader::text(o, "engine_type");
    b.task_type = reader::text(o, "task_type");
    b.job_direction = reader::text(o, "job_direction");
    b.net_type = reader::text(o, "net_type");
    b.charging_mode = reader::text(o, "charging_mode");
    b.enterprise_project_id = reader::text(o, "enterprise_project_id");
    b.expired_days = reader::integer(o, "expired_days");
    b.multi_write = reader::boolean(o, "multi_write");
    return b;
}

migration_object_progress read_migration_objects(reader& r, const json::object& o, const jpath& at)
{
    migration_object_progress m;
    m.create_time = reader::time(o, "create_time");
    m.full_start_time = reader::time(o, "full_start_time");
    m.full_complete_time = reader::time(o, "full_complete_time");
    m.incr_start_time = reader::time(o, "incr_start_time");
    m.end_time = reader::time(o, "end_time");
    read_list(r, o, "migration_object_overview", at, m.overview, [](const json::object& v, const jpath&) {
        return migration_object_overview{
            reader::text(v, "type"),
            reader::integer(v, "src_count"),
            reader::integer(v, "dst_count"),
            reader::text(v, "status"),
            reader::time(v, "start_time"),
            reader::time(v, "end_time")};
    });
    return m;
}

node_metrics read_metrics(const json::object& o)
{
    node_metrics m;
    m.node_id = reader::text(o, "node_id");
    m.time_stamp = reader::time(o, "time_stamp");
    m.cpu_util = reader::ratio(o, "cpu_util");
    m.mem_util = reader::ratio(o, "mem_util");
    m.network_incoming_bytes_rate = reader::number(o, "network_incoming_bytes_rate");
    m.network_outgoing_bytes_rate = reader::number(o, "network_outgoing_bytes_rate");
    m.disk_read_bytes_rate = reader::number(o, "disk_read_bytes_rate");
    m.disk_write_bytes_rate = reader::number(o, "disk_write_bytes_rate");
    m.apply_rows_rate = reader::number(o, "apply_rows_rate");
    m.apply_transactions_rate = reader::number(o, "apply_transactions_rate");
    m.apply_ddl_rate = reader::number(o, "apply_ddl_rate");
    m.apply_average_execute_time = reader::number(o, "apply_average_execute_time");
    m.apply_average_commit_time = reader::number(o, "apply_average_commit_time");
    m.apply_current_state = reader::text(o, "apply_current_state");
    return m;
}

v5_job_detail read_job_detail(reader& r, const json::object& o, const jpath& at)
{
    v5_job_detail j;
    j.id = r.item_id(o, {"id"}, std::nullopt, at);
    j.status = r.strict_text(o, "status", at);
    j.master_job_id = reader::text(o, "master_job_id");
    j.create_time = reader::time(o, "create_time");
    if (const json::object* base = r.optional_object(o, "base_info", at))
        j.base_info = read_base_info(*base);
    if (const json::object* node = r.optional_object(o, "node_info", at))
    {
        if (const json::object* nb = r.optional_object(*node, "base_info", at.child("node_info")))
            j.node_status = reader::text(*nb, "status");
    }
    if (const json::object* p = r.optional_object(o, "progress_info", at))
        j.progress = read_progress(r, *p, at.child("progress_info"));
    if (const json::object* p = r.optional_object(o, "precheck_result", at))
        j.precheck = read_precheck(r, *p, at.child("precheck_result"));
    if (const json::object* m = r.optional_object(o, "migration_object_progress_info", at))
        j.migration_objects = read_migration_objects(r, *m, at.child("migration_object_progress_info"));
    if (const json::object* m = r.optional_object(o, "metrics", at))
        j.metrics = read_metrics(*m);
    return j;
}

}  // namespace

core::result<async_job_detail_response> parse_async_job_detail(std::string_view body)
{
    const list_shape<async_job_detail_response, v5_job_detail> shape{
        "total_count",
        &async_job_detail_response::total_count,
        "jobs",
        &async_job_detail_response::jobs,
    };
    return read_listing(api::async_job_detail, body, shape, &read_job_detail);
}

core::result<job_list_response> parse_job_list_v5(std::string_view body)
{
    return read_document<job_list_response>(api::job_list_v5, body, [](reader& r, const json::object& root) {
        job_list_response out;
        out.total_record = reader::integer(root, "total_count");
        // The same job fields as ShowJobList's, spelt job_type: one reader for both lists.
        const auto read_job = [&](const json::object& o, const jpath& at) {
            return read_job_summary(r, o, at);
        };
        read_list(r, root, "jobs", root_path, out.jobs, read_job, list_presence::required);
        return out;
    });
}

core::result<collect_submit_response> parse_db_objects_collect(std::string_view body)
{
    return read_document<collect_submit_response>(
        api::db_objects_collect,
        body,
        [](reader& r, const json::object& root) {
            collect_submit_response out;
            out.id = r.item_id(root, {"id"}, std::nullopt, root_path);
            out.status = r.strict_text(root, "status", root_path);
            out.job_id = r.strict_text(root, "job_id", root_path);
            return out;
        }
    );
}

core::result<collection_status_response> parse_collection_status(std::string_view body)
{
    return read_document<collection_status_response>(
        api::collection_status,
        body,
        [](reader& r, const json::object& root) {
            collection_status_response out;
            out.id = reader::text(root, "id");
            out.status = r.strict_text(root, "status", root_path);
            return out;
        }
    );
}

}  // namespace drsmon::drs_api
