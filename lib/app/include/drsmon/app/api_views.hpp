#pragma once

// The documents of the HTTP API, the landing page and the --once output: pure functions of the
// state, written with core::json_writer (numbers as people read them: 0.5, 1). Domain fields
// only: no credential ever reaches the state, so none can reach these documents.

#include "drsmon/core/json_writer.hpp"
#include "drsmon/state/diff.hpp"
#include "drsmon/state/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::app {

enum class job_view
{
    summary,  // identity, status, progress, freshness, API error: the list of /api/v1/jobs
    full,     // every field state.json and /metrics carry: /api/v1/jobs/{id} and --once
};

// One job as a JSON object. Absent values are null; times are RFC 3339 UTC with milliseconds.
void write_job(core::json_writer& w, const state::job_key& key, const state::job_state& s, job_view view);

// GET /api/v1/jobs: {"jobs":[summary of every job, in key order]}.
std::string jobs_document(const state::store& store);

// GET /api/v1/jobs/{id}: the full view of the job with this ID, or {"jobs":[...]} when several
// projects poll a job of that ID; nullopt when none does.
std::optional<std::string> job_document(const state::store& store, std::string_view job_id);

// GET /api/v1/events: {"next_seq":N,"events":[...]}, each event as events.jsonl holds it.
std::string events_document(const std::vector<state::event>& events, std::uint64_t next_seq);

// {"error":"<message>"}
std::string error_document(std::string_view message);

// The since and limit parameters of /api/v1/events: absent ones default to 0 and 100, limit is
// capped at 1000. nullopt when one is not a non-negative integer in digits only.
struct events_query
{
    std::uint64_t since = 0;
    std::uint64_t limit = 100;
};
std::optional<events_query> parse_events_query(
    const std::optional<std::string>& since,
    const std::optional<std::string>& limit
);

// A configured project and whether its last rounds succeeded.
struct project_status
{
    std::string name;
    bool up = false;
};

// --once: {"projects":[{"project":..,"up":..}],"jobs":[full view of every job],"ok":..}.
std::string once_document(const std::vector<project_status>& projects, const state::store& store, bool ok);

// Why a job needs an operator's attention, comma-separated ("failed", "stale", "pre-check failed",
// "API error <code>"); empty when it does not.
std::string attention_reasons(const state::job_state& s);

// GET /: the version, links to the endpoints, one row of job counts per project, and under them
// the jobs that need attention (attention_reasons) with name, status, since when and a link to
// /api/v1/jobs/{id}. Plain HTML, no script; every text from the configuration or the state is
// HTML-escaped.
std::string landing_page(
    const std::vector<project_status>& projects,
    const state::store& store,
    std::string_view telemetry_path
);

}  // namespace drsmon::app
