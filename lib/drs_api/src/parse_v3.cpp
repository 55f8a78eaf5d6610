#include "drsmon/drs_api/parse.hpp"

#include "parse_common.hpp"

namespace drsmon::drs_api {

using namespace detail;

namespace detail {

progress_snapshot read_progress(reader& r, const json::object& o, const jpath& at)
{
    progress_snapshot p;
    p.ratio = reader::ratio(o, "progress");
    // The millisecond field is more precise; "-1" in either means not incremental.
    if (const json::value* ms = reader::find_any(o, {"incre_trans_delay_millis", "incr_trans_delay_millis"}))
    {
        const auto n = to_number(*ms);
        if (n && *n >= 0)
            p.delay_seconds = *n / 1000.0;
    }
    if (!p.delay_seconds)
    {
        if (const json::value* s = reader::find_any(o, {"incre_trans_delay", "incr_trans_delay"}))
        {
            const auto n = to_number(*s);
            if (n && *n >= 0)
                p.delay_seconds = *n;
        }
    }
    p.task_mode = reader::text(o, "task_mode");
    p.transfer_status = r.strict_text(o, "transfer_status", at);
    p.process_time = reader::time(o, "process_time");
    p.remaining_seconds = reader::seconds(o, "remaining_time");
    if (const json::object* map = r.optional_object(o, "progress_map", at))
    {
        const jpath map_at = at.child("progress_map");
        p.phases.reserve(map->size());
        for (const auto& kv : *map)
        {
            const std::string_view name(kv.key().data(), kv.key().size());
            if (kv.value().is_null())
                continue;
            const json::object* phase = r.element(kv.value(), map_at.child(name));
            if (!phase)
                break;
            p.phases.push_back(progress_phase{
                std::string(name),
                reader::ratio(*phase, "completed"),
                reader::seconds(*phase, "remaining_time")});
        }
    }
    return p;
}

precheck_summary read_precheck(reader& r, const json::object& o, const jpath& at)
{
    precheck_summary s;
    s.passed = reader::boolean(o, "result");
    s.process = reader::ratio(o, "process");
    s.total_passed_rate = reader::ratio(o, "total_passed_rate");
    s.job_direction = reader::text(o, "job_direction");
    // v3 calls the item list precheck_result, v5 precheck_results.
    const char* key = reader::find(o, "precheck_results") ? "precheck_results" : "precheck_result";
    read_list(r, o, key, at, s.items, [](const json::object& it, const jpath&) {
        return precheck_item{
            reader::text(it, "item"),
            reader::text(it, "result"),
            reader::text(it, "group"),
            reader::text(it, "failed_reason")};
    });
    return s;
}

job_summary read_job_summary(reader& r, const json::object& o, const jpath& at)
{
    job_summary j;
    j.id = r.item_id(o, {"id"}, std::nullopt, at);
    j.status = r.strict_text(o, "status", at);
    j.name = reader::text(o, "name");
    j.db_use_type = reader::text_any(o, {"db_use_type", "job_type"});
    j.engine_type = reader::text(o, "engine_type");
    j.task_type = reader::text(o, "task_type");
    j.job_direction = reader::text(o, "job_direction");
    j.create_time = reader::time(o, "create_time");
    // An empty value is "not reported", not a project: the filter only compares reported ones.
    if (auto ep = reader::text(o, "enterprise_project_id"); !ep.empty())
        j.enterprise_project_id = std::move(ep);
    read_list(r, o, "children", at, j.children, [&](const json::object& c, const jpath& c_at) {
        child_job cj;
        cj.id = r.item_id(c, {"id"}, std::nullopt, c_at);
        cj.status = r.strict_text(c, "status", c_at);
        cj.name = reader::text(c, "name");
        cj.error_msg = reader::text_any(c, {"error_msg", "error_message"});
        return cj;
    });
    return j;
}

}  // namespace detail

namespace {

// db_type of an endpoint given as an object (v3) or a list of objects (v5). The
// endpoint is only a fallback for the engine, so any other shape is ignored.
std::string endpoint_db_type(const json::object& o, std::string_view key)
{
    const json::value* v = reader::find(o, key);
    if (!v)
        return {};
    if (const json::array* a = v->if_array(); a && !a->empty())
        v = &a->front();
    if (const json::object* e = v->if_object())
        return reader::text(*e, "db_type");
    return {};
}

// A batch result item with its per-item error and its id, read from the first of id_keys present
// (the id may only be missing when the item carries an error).
template <class Item>
Item identified(
    reader& r,
    const json::object& o,
    const jpath& at,
    std::string Item::*id,
    std::initializer_list<std::string_view> id_keys
)
{
    Item item;
    item.error = reader::item_err(o);
    item.*id = r.item_id(o, id_keys, item.error, at);
    return item;
}

struct_object_progress read_struct_object(const json::object& v, const jpath&)
{
    return struct_object_progress{
        reader::text(v, "type"),
        reader::integer(v, "status"),
        reader::integer(v, "src_count"),
        reader::integer(v, "dst_count"),
        reader::time(v, "start_time"),
        reader::time(v, "end_time")};
}

// find() falls back to a case-insensitive match: src_DB (SDK) and src_db (TF).
struct_detail_entry read_struct_detail_entry(const json::object& v, const jpath&)
{
    return struct_detail_entry{
        reader::ratio(v, "progress"),
        reader::text(v, "src_DB"),
        reader::text(v, "src_TB"),
        reader::text(v, "dst_DB"),
        reader::text(v, "dst_TB")};
}

}  // namespace

core::result<batch_status_response> parse_batch_status(std::string_view body)
{
    return read_batch<batch_status_response>(
        api::batch_status,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            auto s = identified(r, o, at, &job_status::id, {"id", "job_id"});
            s.status = r.strict_text(o, "status", at);
            return s;
        }
    );
}

core::result<batch_progress_response> parse_batch_progress(std::string_view body)
{
    return read_batch<batch_progress_response>(
        api::batch_progress,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            auto p = identified(r, o, at, &job_progress::job_id, {"job_id", "id"});
            p.progress = read_progress(r, o, at);
            return p;
        }
    );
}

core::result<batch_detail_response> parse_batch_detail(std::string_view body)
{
    return read_batch<batch_detail_response>(
        api::batch_detail,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            auto d = identified(r, o, at, &job_detail::id, {"id", "job_id"});
            d.status = r.strict_text(o, "status", at);
            d.parent_id = reader::text(o, "parent_id");
            d.master_job_id = reader::text(o, "master_job_id");
            d.name = reader::text(o, "name");
            d.db_use_type = reader::text(o, "db_use_type");
            d.task_type = reader::text(o, "task_type");
            d.job_direction = reader::text(o, "job_direction");
            d.net_type = reader::text(o, "net_type");
            d.node_role = reader::text(o, "node_role");
            d.failed_reason = reader::text(o, "failed_reason");
            d.create_time = reader::time(o, "create_time");
            d.update_time = reader::time(o, "update_time");
            d.actual_start_time = reader::time(o, "actual_start_time");
            d.full_transfer_complete_time = reader::time(o, "full_transfer_complete_time");
            d.node_num = reader::integer(o, "node_num");
            d.multi_write = reader::boolean(o, "multi_write");
            d.is_multi_az = reader::boolean(o, "is_multi_az");
            if (const json::object* inst = r.optional_object(o, "inst_info", at))
            {
                d.engine_type = reader::text(*inst, "engine_type");
                d.instance_status = reader::text(*inst, "status");
            }
            if (d.engine_type.empty())
                d.engine_type = endpoint_db_type(o, "source_endpoint");
            return d;
        }
    );
}

core::result<batch_precheck_response> parse_batch_precheck_result(std::string_view body)
{
    return read_batch<batch_precheck_response>(
        api::batch_precheck_result,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            job_precheck p;
            p.error = reader::item_err(o);
            p.precheck_id = r.strict_text(o, "precheck_id", at);
            // The documented response has no job id: precheck_id carries it.
            p.job_id = r.item_id(o, {"job_id", "id", "precheck_id"}, p.error, at);
            p.summary = read_precheck(r, o, at);
            return p;
        }
    );
}

core::result<batch_struct_process_response> parse_batch_struct_process(std::string_view body)
{
    return read_batch<batch_struct_process_response>(
        api::batch_struct_process,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            auto p = identified(r, o, at, &job_struct_process::job_id, {"job_id", "id"});
            if (const json::object* sp = r.optional_object(o, "struct_process", at))
            {
                p.create_time = reader::time(*sp, "create_time");
                read_list(r, *sp, "result", at.child("struct_process"), p.objects, read_struct_object);
            }
            return p;
        }
    );
}

core::result<batch_struct_detail_response> parse_batch_struct_detail(std::string_view body)
{
    return read_batch<batch_struct_detail_response>(
        api::batch_struct_detail,
        body,
        [](reader& r, const json::object& o, const jpath& at) {
            auto d = identified(r, o, at, &job_struct_detail::job_id, {"job_id", "id"});
            if (const json::object* sd = r.optional_object(o, "struct_detail", at))
            {
                d.total_record = reader::integer(*sd, "total_record");
                d.create_time = reader::time(*sd, "create_time");
                read_list(r, *sd, "list", at.child("struct_detail"), d.list, read_struct_detail_entry);
            }
            return d;
        }
    );
}

core::result<job_list_response> parse_job_list(std::string_view body)
{
    return read_document<job_list_response>(api::job_list, body, [](reader& r, const json::object& root) {
        job_list_response out;
        out.total_record = reader::integer(root, "total_record");
        const auto read_job = [&](const json::object& o, const jpath& at) {
            return read_job_summary(r, o, at);
        };
        read_list(r, root, "jobs", root_path, out.jobs, read_job, list_presence::required);
        return out;
    });
}

}  // namespace drsmon::drs_api
