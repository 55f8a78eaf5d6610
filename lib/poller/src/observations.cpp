#include "drsmon/core/text.hpp"
#include "drsmon/drs_api/errors.hpp"
#include "drsmon/poller/observations.hpp"
#include "drsmon/state/update.hpp"

#include <algorithm>

namespace drsmon::poller {

namespace {

bool has_code(const std::optional<drs_api::item_error>& e) { return e && !e->code.empty(); }

}  // namespace

state::api_error_state to_api_error(const std::optional<drs_api::item_error>& e)
{
    if (!e || (e->code.empty() && e->message.empty()))
        return {};
    return {e->code.empty() ? std::string(state::unknown_error_code) : e->code, e->message.substr(0, 160)};
}

// ---- batch-status

judgement judge(const state::job_state* stored, const drs_api::job_status& item)
{
    if (item.error && drs_api::is_not_found_code(item.error->code))
        return {verdict::drop, item.error->code};
    if (item.status == "DELETED")
        return {verdict::drop, "DELETED"};
    // Most items confirm what is stored: then apply_update would store the same state with a new
    // last_refresh and no event (a stale job must go through it to become fresh).
    if (stored && state::confirms_status(*stored, item.status, to_api_error(item.error)))
        return {verdict::refresh};
    return {verdict::apply};
}

void apply_item(state::job_state& s, const drs_api::job_status& item, core::wall_time now)
{
    if (!item.status.empty())
        s.status = item.status;
    s.api_error = to_api_error(item.error);
    s.last_refresh = now;
}

// ---- batch-progress

judgement judge(const state::job_state* stored, const drs_api::job_progress& item)
{
    if (!stored)
        return {verdict::ignore};
    const auto& reported = item.progress.transfer_status;
    if (reported == "DELETED")
        return {verdict::drop, "DELETED"};
    // With its status the answer stands for a status observation (errors included); without, it
    // only adds an error it carries.
    const bool error_kept = reported.empty()
                                ? !has_code(item.error) || stored->api_error == to_api_error(item.error)
                                : stored->api_error == to_api_error(item.error);
    if (!error_kept || (!reported.empty() && reported != stored->status) ||
        !same_progress(*stored, item.progress))
        return {verdict::apply};
    if (reported.empty())
        return {verdict::keep};
    // A stale job goes through apply_update so that it becomes fresh (job_fresh).
    return {stored->stale ? verdict::apply : verdict::refresh};
}

void apply_item(state::job_state& s, const drs_api::job_progress& item, core::wall_time now)
{
    apply_progress_snapshot(s, item.progress);
    if (!item.progress.transfer_status.empty())
    {
        s.status = item.progress.transfer_status;
        s.api_error = to_api_error(item.error);
        s.last_refresh = now;
    }
    else if (has_code(item.error))
        s.api_error = to_api_error(item.error);
}

bool same_progress(const state::job_state& s, const drs_api::progress_snapshot& p)
{
    if (s.progress_ratio != p.ratio || s.delay_seconds != p.delay_seconds ||
        s.remaining_seconds != p.remaining_seconds)
        return false;
    std::size_t completed = 0;
    for (const auto& ph : p.phases)
    {
        if (!ph.completed)
            continue;
        ++completed;
        const auto it = s.phases.find(ph.name);
        if (it == s.phases.end() || !(it->second == *ph.completed))
            return false;
    }
    // Equal sizes with every reported phase found: the same map (names in a map are unique, and a
    // name reported twice would make apply_progress_snapshot keep the last value, which differs
    // from one of them unless both are equal).
    return completed == s.phases.size();
}

void apply_progress_snapshot(state::job_state& s, const drs_api::progress_snapshot& p)
{
    s.progress_ratio = p.ratio;
    s.delay_seconds = p.delay_seconds;
    s.remaining_seconds = p.remaining_seconds;
    // Built aside and kept only when different, so that an unchanged map stays shared.
    state::shared_flat_map<double> phases;
    for (const auto& ph : p.phases)
        if (ph.completed)
            phases[ph.name] = *ph.completed;
    if (!(phases == s.phases))
        s.phases = std::move(phases);
}

// ---- batch-detail

judgement judge(const state::job_state*, const drs_api::job_detail& item)
{
    if (item.error && drs_api::is_not_found_code(item.error->code))
        return {verdict::drop, item.error->code};
    return {verdict::apply};
}

void apply_item(state::job_state& s, const drs_api::job_detail& d, core::wall_time)
{
    // The detail describes the job as a whole: it replaces the metadata but for the async batch
    // (from batch-async-jobs) and a creation time it does not report.
    const auto& m = s.metadata;
    s.metadata = state::job_metadata{
        d.name,
        d.db_use_type,
        d.engine_type,
        d.task_type,
        d.job_direction,
        d.parent_id,
        m.async_job_id,
        d.create_time ? d.create_time : m.created,
    };
    if (!d.status.empty())
        s.status = d.status;
}

// ---- batch-precheck-result

judgement judge(const state::job_state* stored, const drs_api::job_precheck&)
{
    return {stored ? verdict::apply : verdict::ignore};
}

void apply_item(state::job_state& s, const drs_api::job_precheck& item, core::wall_time)
{
    if (has_code(item.error))
        s.api_error = to_api_error(item.error);
    else
        apply_precheck_summary(s, item.summary);
}

void apply_precheck_summary(state::job_state& s, const drs_api::precheck_summary& p)
{
    s.precheck.present = true;
    s.precheck.progress_ratio = p.process;
    s.precheck.complete = p.process && *p.process >= 1.0;
    s.precheck.passed = s.precheck.complete ? p.passed : std::nullopt;
    s.precheck.passed_ratio = p.total_passed_rate;
    s.precheck.items.clear();
    for (const auto& i : p.items)
        s.precheck.items.push_back({i.item, i.group, i.result});
}

// ---- batch-struct-process

judgement judge(const state::job_state* stored, const drs_api::job_struct_process&)
{
    return {stored ? verdict::apply : verdict::ignore};
}

void apply_item(state::job_state& s, const drs_api::job_struct_process& item, core::wall_time)
{
    for (const auto& o : item.objects)
    {
        const auto type = core::lower(o.type);
        // Written only when changed: an unchanged map stays shared with the stored state.
        const auto it = s.init.find(type);
        auto obj = it != s.init.end() ? it->second : state::init_object{};
        obj.status = o.status ? std::optional<int>(static_cast<int>(*o.status)) : std::nullopt;
        obj.src_count = o.src_count;
        obj.dst_count = o.dst_count;
        if (it == s.init.end() || !(it->second == obj))
            s.init[type] = obj;
    }
}

// ---- batch-struct-detail

struct_detail_tally::struct_detail_tally(std::span<const std::string> job_ids)
{
    for (const auto& id : job_ids)
        jobs_[id];
}

bool struct_detail_tally::add_page(const drs_api::batch_struct_detail_response& page)
{
    std::size_t listed = 0;
    for (const auto& j : page.results)
    {
        const auto it = jobs_.find(j.job_id);
        if (it == jobs_.end() || it->second.done)
            continue;
        auto& t = it->second;
        if (has_code(j.error))
        {
            t.done = t.failed = true;
            continue;
        }
        listed += j.list.size();
        for (const auto& e : j.list)
            (e.progress && *e.progress >= 1.0 ? t.counts.complete : t.counts.in_progress) += 1;
        t.seen += static_cast<std::int64_t>(j.list.size());
        if (t.seen >= j.total_record.value_or(0))
            t.done = true;
    }
    return listed > 0 &&
           std::any_of(jobs_.begin(), jobs_.end(), [](const auto& kv) { return !kv.second.done; });
}

std::map<std::string, init_detail_counts> struct_detail_tally::result() const
{
    std::map<std::string, init_detail_counts> out;
    for (const auto& [id, t] : jobs_)
        if (!t.failed)
            out.emplace(id, t.counts);
    return out;
}

judgement judge_struct_detail(
    const state::job_state* stored,
    std::string_view type,
    const init_detail_counts& c
)
{
    if (!stored)
        return {verdict::ignore};
    const auto it = stored->init.find(std::string(type));
    if (it != stored->init.end() && it->second.detail_complete == c.complete &&
        it->second.detail_in_progress == c.in_progress)
        return {verdict::keep};
    return {verdict::apply};
}

void apply_struct_detail(state::job_state& s, std::string_view type, const init_detail_counts& c)
{
    auto& obj = s.init[std::string(type)];
    obj.detail_complete = c.complete;
    obj.detail_in_progress = c.in_progress;
}

// ---- v5 batch-async-jobs

void apply_v5(
    state::job_state& s,
    const drs_api::v5_job_detail& j,
    std::string_view async_job_id,
    core::wall_time now
)
{
    auto& m = s.metadata;
    m.async_job_id = async_job_id;
    const auto keep_or = [](std::string& field, const std::string& reported) {
        if (!reported.empty())
            field = reported;
    };
    keep_or(m.name, j.base_info.name);
    keep_or(m.db_use_type, j.base_info.job_type);
    keep_or(m.engine_type, j.base_info.engine_type);
    keep_or(m.task_type, j.base_info.task_type);
    keep_or(m.job_direction, j.base_info.job_direction);
    keep_or(s.status, j.status);
    if (j.create_time)
        m.created = j.create_time;
    if (j.progress)
        apply_progress_snapshot(s, *j.progress);
    if (j.precheck)
        apply_precheck_summary(s, *j.precheck);
    if (j.metrics)
    {
        // The parser turns the percentages into ratios (drs_api models): used as they are.
        const auto& r = *j.metrics;
        s.node = state::node_metrics{
            r.cpu_util,
            r.mem_util,
            r.apply_rows_rate,
            r.apply_transactions_rate,
            r.network_incoming_bytes_rate,
            r.network_outgoing_bytes_rate,
            r.disk_read_bytes_rate,
            r.disk_write_bytes_rate,
        };
    }
    s.last_refresh = now;
}

void offset_pager::advance(std::size_t listed, std::optional<std::int64_t> total) noexcept
{
    offset_ += static_cast<int>(listed);
    if (listed == 0 || offset_ >= total.value_or(0) || offset_ >= max_items_)
        more_ = false;
}

// ---- v5.1 db-objects collection

collect_step next_collect_step(const state::collect_state& c, bool due) noexcept
{
    if (c.status == "pending" && !c.query_id.empty())
        return collect_step::poll;
    return due ? collect_step::submit : collect_step::none;
}

void apply_collect_submit(state::job_state& s, const drs_api::collect_submit_response& r, core::wall_time now)
{
    s.collect.query_id = r.id;
    s.collect.status = r.status;
    if (r.status == "success")
        s.collect.last_success = now;
}

void apply_collection_status(
    state::job_state& s,
    const drs_api::collection_status_response& r,
    core::wall_time now
)
{
    s.collect.status = r.status;
    if (r.status == "success")
        s.collect.last_success = now;
}

}  // namespace drsmon::poller
