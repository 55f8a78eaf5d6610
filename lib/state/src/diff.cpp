#include "drsmon/state/diff.hpp"

#include <cstdio>
#include <map>
#include <string_view>
#include <utility>

namespace drsmon::state {

namespace {

constexpr const char* kind_labels[] = {
    "job_added",          "job_removed",       "status_changed",           "job_failed",
    "job_recovered",      "precheck_finished", "precheck_item_changed",    "init_object_completed",
    "api_error_appeared", "api_error_cleared", "async_membership_changed", "collect_status_changed",
    "job_stale",          "job_fresh",         "job_discovered",           "job_not_found",
    "endpoint_down",      "endpoint_up",       "component_status_changed", "action_started",
    "action_ended",
};
static_assert(std::size(kind_labels) == std::size(all_event_kinds));

std::string format_ratio(const std::optional<double>& r)
{
    if (!r)
        return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", *r);
    return buf;
}

std::string precheck_outcome(const precheck_state& p)
{
    if (!p.passed)
        return "unknown";
    return *p.passed ? "passed" : "failed";
}

class builder
{
public:
    builder(const job_state* before, const job_state* after, const job_key& key, core::wall_time now)
        : key_(key), now_(now), name_(after ? after->metadata.name : before->metadata.name)
    {
    }

    void add(event_kind kind, std::string from, std::string to, std::string detail = {})
    {
        event e;
        e.time = now_;
        e.project = key_.project;
        e.job_id = key_.job_id;
        e.job_name = name_;
        e.kind = kind;
        e.from = std::move(from);
        e.to = std::move(to);
        e.detail = std::move(detail);
        out_.push_back(std::move(e));
    }

    std::vector<event> take() { return std::move(out_); }

private:
    const job_key& key_;
    core::wall_time now_;
    const std::string& name_;  // copied into an event only when one is added
    std::vector<event> out_;
};

// Items are identified by (group, item): the same check name can appear in several groups.
using item_id = std::pair<std::string_view, std::string_view>;

std::map<item_id, std::string_view> items_by_id(const precheck_state& p)
{
    std::map<item_id, std::string_view> out;
    for (const auto& i : p.items)
        out[{i.group, i.item}] = i.result;
    return out;
}

std::string item_detail(const item_id& id)
{
    std::string detail;
    if (!id.first.empty())
    {
        detail.reserve(id.first.size() + 1 + id.second.size());
        detail.append(id.first);
        detail.push_back('/');
    }
    detail.append(id.second);
    return detail;
}

// Item changes: a changed result, a new item that did not pass, or a vanished item that had
// not passed. A first result with dozens of PASSED items is not news.
void diff_precheck_items(const precheck_state& b, const precheck_state& a, builder& out)
{
    const auto before_items = items_by_id(b);
    const auto after_items = items_by_id(a);
    for (const auto& [id, result] : after_items)
    {
        auto it = before_items.find(id);
        if (it == before_items.end())
        {
            if (result != "PASSED")
                out.add(event_kind::precheck_item_changed, "", std::string(result), item_detail(id));
        }
        else if (it->second != result)
        {
            out.add(
                event_kind::precheck_item_changed,
                std::string(it->second),
                std::string(result),
                item_detail(id)
            );
        }
    }
    for (const auto& [id, result] : before_items)
    {
        if (!after_items.contains(id) && result != "PASSED")
            out.add(event_kind::precheck_item_changed, std::string(result), "", item_detail(id));
    }
}

void diff_init(const job_state& b, const job_state& a, builder& out)
{
    auto bi = b.init.begin();
    for (const auto& [type, obj] : a.init)
    {
        int order = 1;  // of bi's type against `type`: < 0, 0 (same type) or > 0 (none left)
        while (bi != b.init.end() && (order = bi->first.compare(type)) < 0)
            ++bi;
        if (!obj.complete())
            continue;
        if (bi != b.init.end() && order == 0 && bi->second.complete())
            continue;
        std::string detail;
        if (obj.src_count)
        {
            detail.append("src_count=");
            detail.append(std::to_string(*obj.src_count));
        }
        if (obj.dst_count)
        {
            if (!detail.empty())
                detail.push_back(' ');
            detail.append("dst_count=");
            detail.append(std::to_string(*obj.dst_count));
        }
        out.add(event_kind::init_object_completed, "", type, std::move(detail));
    }
}

// DR health: an endpoint going down (not normal after normal or unknown) or coming back (normal
// after not normal); a component whose status changed, or that first appears in a status other
// than STARTED; an action starting or ending. Figures (RPO, delays) make no events: alert rules
// judge thresholds.
void diff_dr(const dr_state& b, const dr_state& a, builder& out)
{
    const auto endpoint =
        [&](const std::optional<bool>& before, const std::optional<bool>& after, const char* side) {
            if (after == false && before != false)
                out.add(event_kind::endpoint_down, before ? "up" : "", "down", std::string("side=") + side);
            else if (after == true && before == false)
                out.add(event_kind::endpoint_up, "down", "up", std::string("side=") + side);
        };
    endpoint(b.source_up, a.source_up, "source");
    endpoint(b.target_up, a.target_up, "target");

    if (!a.components.shares_storage_with(b.components))
        for (const auto& [component, c] : a.components)
        {
            const auto it = b.components.find(component);
            const std::string_view was = it != b.components.end() ? std::string_view(it->second.status) : "";
            if (c.status == was || c.status.empty() || (was.empty() && c.status == "STARTED"))
                continue;
            out.add(
                event_kind::component_status_changed,
                std::string(was),
                c.status,
                "component=" + component
            );
        }

    if (a.current_action != b.current_action)
    {
        if (!b.current_action.empty())
            out.add(event_kind::action_ended, b.current_action, "");
        if (!a.current_action.empty())
            out.add(event_kind::action_started, "", a.current_action);
    }
}

// A child's error in the job list has no code: it is told as an API error with the code
// "unknown" (as it is exported) and a detail that names the job list. A new message replaces the
// old one (from and to both "unknown"); an empty one clears it.
void diff_listed_error(const std::string& before, const std::string& after, builder& out)
{
    const std::string code(unknown_error_code);
    if (!after.empty())
        out.add(event_kind::api_error_appeared, before.empty() ? "" : code, code, "job list: " + after);
    else
        out.add(event_kind::api_error_cleared, code, "", "job list");
}

void diff_existing(const job_state& b, const job_state& a, builder& out)
{
    if (a.status != b.status && !a.status.empty())
    {
        out.add(event_kind::status_changed, b.status, a.status);
        const bool was_failed = is_failed_status(b.status);
        const bool is_failed = is_failed_status(a.status);
        if (is_failed && !was_failed)
            out.add(event_kind::job_failed, b.status, a.status);
        else if (was_failed && !is_failed)
            out.add(event_kind::job_recovered, b.status, a.status);
    }

    if (a.precheck.complete && !b.precheck.complete)
        out.add(
            event_kind::precheck_finished,
            precheck_outcome(b.precheck),
            precheck_outcome(a.precheck),
            a.precheck.passed_ratio ? "passed_ratio=" + format_ratio(a.precheck.passed_ratio) : std::string{}
        );

    // Item changes: a changed result, a new item that did not pass, or a vanished item that had
    // not passed. A first result with dozens of PASSED items is not news.
    if (a.precheck.items != b.precheck.items)
        diff_precheck_items(b.precheck, a.precheck, out);

    // A copy whose init map was not changed shares its storage: nothing can have completed.
    // Otherwise both maps are ordered by type: walk them side by side instead of a lookup per type.
    if (!a.init.shares_storage_with(b.init))
        diff_init(b, a, out);

    if (!a.api_error.empty() && a.api_error.code != b.api_error.code)
        out.add(
            event_kind::api_error_appeared,
            b.api_error.code,
            a.api_error.code,
            a.api_error.message_short
        );
    else if (a.api_error.empty() && !b.api_error.empty())
        out.add(event_kind::api_error_cleared, b.api_error.code, "");
    if (a.listed_error != b.listed_error)
        diff_listed_error(b.listed_error, a.listed_error, out);

    if (a.metadata.async_job_id != b.metadata.async_job_id)
        out.add(event_kind::async_membership_changed, b.metadata.async_job_id, a.metadata.async_job_id);

    if (a.collect.status != b.collect.status)
        out.add(event_kind::collect_status_changed, b.collect.status, a.collect.status);

    if (!(a.dr == b.dr))
        diff_dr(b.dr, a.dr, out);

    if (a.stale && !b.stale)
        out.add(
            event_kind::job_stale,
            "",
            "",
            a.last_refresh
                ? "last_refresh=" +
                      std::to_string(static_cast<long long>(core::to_unix_seconds(*a.last_refresh)))
                : std::string{}
        );
    else if (!a.stale && b.stale)
        out.add(event_kind::job_fresh, "", "");
}

}  // namespace

const char* to_string(event_kind k) noexcept
{
    const auto i = static_cast<std::size_t>(k);
    return i < std::size(kind_labels) ? kind_labels[i] : "unknown";
}

std::optional<event_kind> event_kind_from_string(std::string_view s) noexcept
{
    for (auto k : all_event_kinds)
        if (s == to_string(k))
            return k;
    return std::nullopt;
}

std::vector<event> diff(
    const job_state* before,
    const job_state* after,
    const job_key& key,
    core::wall_time now
)
{
    if (!before && !after)
        return {};
    builder out(before, after, key, now);
    if (!before)
    {
        out.add(event_kind::job_added, "", after->status, after->source);
        if (is_failed_status(after->status))
            out.add(event_kind::job_failed, "", after->status);
        if (!after->api_error.empty())
            out.add(
                event_kind::api_error_appeared,
                "",
                after->api_error.code,
                after->api_error.message_short
            );
        if (!after->listed_error.empty())
            diff_listed_error("", after->listed_error, out);
    }
    else if (!after)
    {
        out.add(event_kind::job_removed, before->status, "");
    }
    else
    {
        diff_existing(*before, *after, out);
    }
    return out.take();
}

}  // namespace drsmon::state
