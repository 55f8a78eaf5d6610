#include "drsmon/drs_api/errors.hpp"
#include "drsmon/poller/dr_observations.hpp"

namespace drsmon::poller {

namespace {

bool not_applicable(const std::optional<drs_api::item_error>& e)
{
    return e && drs_api::is_not_applicable_code(e->code);
}

// The judgement shared by the two DR batches: `mark` is the job's dr_not_applicable.
template <class Item, class Same>
judgement judge_dr(const state::job_state* stored, const Item& item, Same same)
{
    if (!stored)
        return {verdict::ignore};
    if (item.error && drs_api::is_not_found_code(item.error->code))
        return {verdict::drop, item.error->code};
    if (not_applicable(item.error))
        return {same_applicability(*stored, stored->dr.dr_not_applicable) ? verdict::keep : verdict::apply};
    // Another per-item error says nothing about the figures: they stay until the next answer.
    if (item.error && !item.error->code.empty())
        return {verdict::keep};
    if (!stored->dr.dr_not_applicable.empty() || !same(stored->dr, item))
        return {verdict::apply};
    return {verdict::keep};
}

bool same_rpo(const state::dr_state& d, const drs_api::job_rpo_rto& item)
{
    // Compared in place: copies into optionals made from `p ? x : nullopt` draw GCC 12's
    // -Wmaybe-uninitialized false positive at -O2.
    const auto same_delay = [](const std::optional<double>& stored, const auto& point) {
        return point ? stored == point->delay_seconds : !stored;
    };
    const bool same_time = item.rpo ? d.rpo_checkpoint == item.rpo->time : !d.rpo_checkpoint;
    return same_delay(d.rpo_seconds, item.rpo) && same_delay(d.rto_seconds, item.rto) && same_time;
}

// The dr_state figures of a monitoring answer (the RPO/RTO fields of `d` are kept).
state::dr_state with_monitor(state::dr_state d, const std::optional<drs_api::dr_monitor>& m)
{
    const drs_api::dr_monitor none;
    const auto& v = m ? *m : none;
    d.source_up = v.source.normal;
    d.target_up = v.target.normal;
    d.source_delay_seconds = v.source.delay_seconds;
    d.target_delay_seconds = v.target.delay_seconds;
    d.source_rows_per_second = v.source.rows_per_second;
    d.target_rows_per_second = v.target.rows_per_second;
    d.source_io = v.source.io;
    d.target_io = v.target.io;
    d.cpu_ratio = v.cpu_used_ratio;
    d.memory_used_bytes = v.memory_used_bytes;
    d.volume_used_bytes = v.volume_used_bytes;
    d.node_memory_bytes = v.node_memory_bytes;
    d.node_volume_bytes = v.node_volume_bytes;
    d.transferred_bytes = v.transferred_bytes;
    d.transferred_rows = v.transferred_rows;
    d.bandwidth = v.bandwidth;
    d.migration_bytes_per_second = v.migration_bytes_per_second;
    return d;
}

// Clears everything the two DR batches report and marks the job.
void mark_dr_not_applicable(state::job_state& s)
{
    auto d = with_monitor(s.dr, std::nullopt);
    d.rpo_seconds.reset();
    d.rto_seconds.reset();
    d.rpo_checkpoint.reset();
    d.dr_not_applicable = applicability_key(s);
    // current_action and the components come from other APIs: kept.
    s.dr = std::move(d);
}

}  // namespace

// ---- batch-rpo-and-rto

judgement judge(const state::job_state* stored, const drs_api::job_rpo_rto& item)
{
    return judge_dr(stored, item, same_rpo);
}

void apply_item(state::job_state& s, const drs_api::job_rpo_rto& item, core::wall_time)
{
    if (not_applicable(item.error))
    {
        mark_dr_not_applicable(s);
        return;
    }
    s.dr.rpo_seconds = item.rpo ? item.rpo->delay_seconds : std::nullopt;
    s.dr.rto_seconds = item.rto ? item.rto->delay_seconds : std::nullopt;
    s.dr.rpo_checkpoint = item.rpo ? item.rpo->time : std::nullopt;
    s.dr.dr_not_applicable.clear();
}

// ---- disaster-recovery-monitoring-data

judgement judge(const state::job_state* stored, const drs_api::job_dr_monitor& item)
{
    return judge_dr(stored, item, [](const state::dr_state& d, const drs_api::job_dr_monitor& i) {
        return with_monitor(d, i.monitor) == d;
    });
}

void apply_item(state::job_state& s, const drs_api::job_dr_monitor& item, core::wall_time)
{
    if (not_applicable(item.error))
    {
        mark_dr_not_applicable(s);
        return;
    }
    s.dr = with_monitor(std::move(s.dr), item.monitor);
    s.dr.dr_not_applicable.clear();
}

// ---- increment-components-detail

void apply_components(state::job_state& s, const drs_api::increment_components_response& r, core::wall_time)
{
    // Built aside and kept only when different, so that an unchanged map stays shared.
    state::shared_flat_map<state::component_state> components;
    for (const auto& c : r.components)
    {
        if (!c.type.empty())
            components[c.type] = state::component_state{c.status, c.delay_seconds};
    }
    if (!(components == s.dr.components))
        s.dr.components = std::move(components);
    s.dr.components_not_applicable.clear();
}

void apply_components_not_applicable(state::job_state& s)
{
    s.dr.components = {};
    s.dr.components_not_applicable = applicability_key(s);
}

// ---- actions

void apply_actions(state::job_state& s, const drs_api::job_actions_response& r, core::wall_time)
{
    s.dr.current_action = r.current_action;
}

}  // namespace drsmon::poller
