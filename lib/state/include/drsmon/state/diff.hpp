#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/state/job_state.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::state {

enum class event_kind
{
    job_added,
    job_removed,
    status_changed,
    job_failed,
    job_recovered,
    precheck_finished,
    precheck_item_changed,
    init_object_completed,
    api_error_appeared,
    api_error_cleared,
    async_membership_changed,
    collect_status_changed,
    job_stale,
    job_fresh,
    job_discovered,            // discovery found a job that newly matches (the poller, not the diff)
    job_not_found,             // the API says a configured job does not exist (the poller, not the diff)
    endpoint_down,             // a DR link's endpoint stopped being normal (detail side=source|target)
    endpoint_up,               // it is normal again
    component_status_changed,  // an increment component's status changed (detail component=...)
    action_started,            // a current action (e.g. SWITCH_OVER) began
    action_ended,              // it is no longer reported
};

inline constexpr event_kind all_event_kinds[] = {
    event_kind::job_added,
    event_kind::job_removed,
    event_kind::status_changed,
    event_kind::job_failed,
    event_kind::job_recovered,
    event_kind::precheck_finished,
    event_kind::precheck_item_changed,
    event_kind::init_object_completed,
    event_kind::api_error_appeared,
    event_kind::api_error_cleared,
    event_kind::async_membership_changed,
    event_kind::collect_status_changed,
    event_kind::job_stale,
    event_kind::job_fresh,
    event_kind::job_discovered,
    event_kind::job_not_found,
    event_kind::endpoint_down,
    event_kind::endpoint_up,
    event_kind::component_status_changed,
    event_kind::action_started,
    event_kind::action_ended,
};

// The snake_case label of a kind ("status_changed"), used in logs, JSON and metric labels.
const char* to_string(event_kind k) noexcept;

// The kind named by a label, or nullopt.
std::optional<event_kind> event_kind_from_string(std::string_view s) noexcept;

// Something that happened to a job, as observed by the monitor.
struct event
{
    std::uint64_t seq = 0;  // assigned by event_log::append
    core::wall_time time;
    std::string project;
    std::string job_id;
    std::string job_name;
    event_kind kind = event_kind::job_added;
    std::string from;
    std::string to;
    std::string detail;
    bool after_restart = false;  // the first observation after loading persisted state

    friend bool operator==(const event&, const event&) = default;
};

// The events between two observations of a job. before == nullptr: the job is new;
// after == nullptr: the job was removed. An unchanged observation gives no events.
// seq is left 0. For a new job: job_added, plus job_failed / api_error_appeared when
// the first observation already shows them. A child's error in the job list (listed_error) is an
// api_error_appeared (code "unknown", detail "job list: <message>") when it appears or changes and
// an api_error_cleared (detail "job list") when it goes.
std::vector<event> diff(
    const job_state* before,
    const job_state* after,
    const job_key& key,
    core::wall_time now
);

}  // namespace drsmon::state
