#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/dr_models.hpp"

#include <optional>
#include <string_view>

// Parsers of the disaster-recovery and replication-health responses into dr_models.hpp. The
// contract of parse.hpp holds: total (never throws except std::bad_alloc, never crashes), and a
// body that is not the documented shape is errc::bad_response with where = api_name(...) and path
// = the JSON path of the offending value. Per-item errors stay on the item. Optional figures of an
// unexpected type or with an unparseable value are std::nullopt, never 0.
namespace drsmon::drs_api {

// {"count":n,"results":[{"job_id","rpo_info":{...},"rto_info":{...},"error_code","error_msg"}]}.
// Failures: results missing or not a list, an item or rpo_info/rto_info that is not an object, a
// job id that is not a string, or missing on an item without an error code.
core::result<batch_rpo_rto_response> parse_batch_rpo_rto(std::string_view body);

// {"count":n,"results":[{"id","data_guard_minitor":{...}}]}. The misspelt key is what the API sends;
// the corrected spelling data_guard_monitor is read as well when the misspelt one is absent.
// Failures as for parse_batch_rpo_rto, and a monitor that is not an object.
core::result<batch_dr_monitor_response> parse_dr_monitoring(std::string_view body);

// {"update_time":..,"increment_components_list":[{"type","status","delay",...}]}. A missing list
// is an empty one. Failures: the root or an entry not an object, the list not a list, a type or
// status that is not a string.
core::result<increment_components_response> parse_increment_components(std::string_view body);

// {"available_actions":[..],"unavailable_actions":[..],"current_action":".."}, also when wrapped in
// {"job_action":{...}} as the v3 job list carries it. Failures: the root (or job_action) not an
// object, a list not a list, current_action not a string.
core::result<job_actions_response> parse_job_actions(std::string_view body);

// A delay as the DR APIs send it: seconds as a number or digit string, or a number followed by a
// unit (ms, s, sec, m, min, h, and their long forms, any case; blanks allowed). Nullopt for the
// empty string, a negative value ("-1" = not applicable), an unknown unit, NaN or infinity.
std::optional<double> parse_delay_text(std::string_view text) noexcept;

}  // namespace drsmon::drs_api
