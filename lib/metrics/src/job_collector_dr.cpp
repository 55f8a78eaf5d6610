#include "drsmon/metrics/job_collector.hpp"

#include "job_format.hpp"

#include <cmath>
#include <optional>
#include <string_view>

namespace drsmon::metrics {

using namespace detail;

void job_collector::pass::render_dr(const state::dr_state& d)
{
    // Absent figures (not reported, not a DR job) give no line: never NaN, never a fake 0.
    const auto sample = [this](family fam, const std::optional<double>& v) {
        if (!v || !std::isfinite(*v))
            return;
        line_end(line(fam), *v);
    };
    const auto labelled = [this](family fam, std::string_view name, std::string_view value, double v) {
        if (!std::isfinite(v))
            return;
        std::string& out = line(fam);
        append_label(out, name, value);
        line_end(out, v);
    };
    const auto sided =
        [&](family fam, const std::optional<double>& source, const std::optional<double>& target) {
            if (source)
                labelled(fam, "side", "source", *source);
            if (target)
                labelled(fam, "side", "target", *target);
        };

    sample(f_rpo, d.rpo_seconds);
    sample(f_rto, d.rto_seconds);
    if (d.rpo_checkpoint)
        sample(f_rpo_checkpoint, core::to_unix_seconds(*d.rpo_checkpoint));
    if (d.source_up)
        labelled(f_endpoint_up, "side", "source", *d.source_up ? 1 : 0);
    if (d.target_up)
        labelled(f_endpoint_up, "side", "target", *d.target_up ? 1 : 0);
    sided(f_dr_delay, d.source_delay_seconds, d.target_delay_seconds);
    sided(f_dr_rows, d.source_rows_per_second, d.target_rows_per_second);
    sided(f_dr_io, d.source_io, d.target_io);
    sample(f_dr_node_cpu, d.cpu_ratio);
    sample(f_dr_memory_used, d.memory_used_bytes);
    sample(f_dr_node_memory, d.node_memory_bytes);
    sample(f_dr_volume_used, d.volume_used_bytes);
    sample(f_dr_node_volume, d.node_volume_bytes);
    sample(f_dr_transferred_bytes, d.transferred_bytes);
    sample(f_dr_transferred_rows, d.transferred_rows);
    sample(f_dr_bandwidth, d.bandwidth);
    sample(f_dr_migration_rate, d.migration_bytes_per_second);

    // A state set per component: the documented statuses always, and a reported one outside them.
    static constexpr std::string_view known[] = {"STARTED", "STARTING", "STOPPED", "STOPPING"};
    for (const auto& [component, c] : d.components)
    {
        bool listed = false;
        for (const auto status : known)
        {
            listed = listed || c.status == status;
            std::string& out = line(f_component_status);
            append_label(out, "component", component);
            append_label(out, "status", status);
            line_end(out, c.status == status ? 1 : 0);
        }
        if (!listed && !c.status.empty())
        {
            std::string& out = line(f_component_status);
            append_label(out, "component", component);
            append_label(out, "status", c.status);
            line_end(out, 1);
        }
        if (c.delay_seconds)
            labelled(f_component_delay, "component", component, *c.delay_seconds);
    }
    if (!d.current_action.empty())
        labelled(f_current_action, "action", d.current_action, 1);
}

}  // namespace drsmon::metrics
