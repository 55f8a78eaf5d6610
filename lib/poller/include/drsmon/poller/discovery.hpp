#pragma once

#include "drsmon/core/clock.hpp"
#include "drsmon/core/error.hpp"
#include "drsmon/drs_api/models.hpp"
#include "drsmon/drs_api/requests.hpp"
#include "drsmon/state/job_state.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::poller {

// Job discovery: which jobs of a project exist, as the two list APIs report them, after the
// configured filters. Pure functions and bookkeeping with the time passed in; the poller's shell
// makes the calls and turns the changes into jobs and events.

// The list API one discovery pass pages through.
enum class list_api
{
    v3_show_job_list,  // POST /v3/{project_id}/jobs: cur_page (from 1) / per_page, total_record
    v5_list_jobs,      // GET /v5/{project_id}/jobs: offset / limit, total_count
};

// ---- paging

// The parameters of the next page to ask for. v3 reads cur_page/per_page, v5 offset/limit
// (per_page == limit).
struct page_request
{
    int cur_page = 1;
    int per_page = 0;
    int offset = 0;
    friend bool operator==(const page_request&, const page_request&) = default;
};

// Pages through one listing (one db_use_type) until it is covered: a page comes back empty, the
// reported total is reached (the latest total counts when it changes between pages), or, for v3
// only, a page is short (v5 may cap `limit` below what was asked: only an empty page or the total
// ends it). Never more pages than that, and never more than max_pages (a bound against a listing
// that never ends; hitting it leaves the listing incomplete).
class listing_pager
{
public:
    static constexpr int max_per_page = 100;  // both APIs: ShowJobList documents at most 100
    static constexpr int max_pages = 1000;

    // per_page is clamped to [1, max_per_page].
    listing_pager(list_api api, int per_page) noexcept;

    bool more() const noexcept { return more_; }
    page_request next() const noexcept;
    // Records the page just read: how many jobs it listed (parents, children not counted) and the
    // total it reported, if any.
    void advance(std::size_t listed, std::optional<std::int64_t> total) noexcept;

    int pages() const noexcept { return pages_; }
    std::int64_t listed() const noexcept { return listed_; }
    // True once the listing ended by being covered, every page reported the same total (or none)
    // and the jobs listed add up to it: only such a listing may retire jobs. Paging by position
    // skips a job when another one is deleted between two pages; a changed total says that may
    // have happened.
    bool complete() const noexcept;

private:
    list_api api_;
    int per_page_;
    int pages_ = 0;
    std::int64_t listed_ = 0;
    std::optional<std::int64_t> first_total_;
    std::optional<std::int64_t> last_total_;
    bool total_changed_ = false;
    bool more_ = true;
    bool covered_ = false;
};

// ---- filters

// The filters of a project's discovery section, as configured.
struct discovery_filter_spec
{
    std::vector<std::string> engine_types;  // empty: any (compared without case)
    std::vector<std::string> statuses;      // empty: any
    std::vector<std::string> exclude_statuses{"RELEASE_RESOURCE_COMPLETE", "DELETED"};
    std::string name_regex;                   // ECMAScript, matched against the whole name; empty: any
    std::string exclude_name_regex;           // empty: none
    std::map<std::string, std::string> tags;  // all must match
    std::string enterprise_project_id;        // empty: any
};

// What a listing call carries as API-side filters for one db_use_type. The status filters stay
// local: children are judged by their own status, and an API-side status filter would leave out
// the children of a parent whose status differs.
struct listing_query
{
    list_api api = list_api::v3_show_job_list;
    drs_api::db_use_type use_type = drs_api::db_use_type::migration;
    std::string db_use_type;  // its wire name: migration, sync, cloudDataGuard (required by both APIs)
    std::string engine_type;  // set when exactly one engine type is configured
    std::string enterprise_project_id;
    std::map<std::string, std::string> tags;  // v3 only (ListJobs has no tag filter)
    friend bool operator==(const listing_query&, const listing_query&) = default;
};
listing_query make_listing_query(
    list_api api,
    const discovery_filter_spec& spec,
    drs_api::db_use_type use_type
);

// The call that reads one page of a listing through the query's API: ShowJobList (v3) from
// cur_page/per_page, with the query's tags, or ListJobs (v5) from offset/limit (limit =
// per_page); the query's other filters are sent when set.
drs_api::request_spec listing_request(
    std::string_view project_id,
    const listing_query& q,
    const page_request& page
);

// The parser of a listing answer: parse_job_list (v3) or parse_job_list_v5.
using listing_parser = core::result<drs_api::job_list_response> (*)(std::string_view);
listing_parser listing_parser_of(list_api api) noexcept;

// One job as discovery reports it: a listed parent or one of its children.
struct listed_job
{
    std::string id;
    std::string name;
    std::string status;
    std::string db_use_type;
    std::string engine_type;
    std::string parent_id;                                   // set for children
    std::string error_msg;                                   // a child's own error message, as listed
    std::optional<std::string> enterprise_project_id;        // when the listing reports it
    std::optional<std::map<std::string, std::string>> tags;  // when the listing reports them
    friend bool operator==(const listed_job&, const listed_job&) = default;
};

// The job and then each child (`children[]`) as listed jobs. Children carry parent_id and inherit
// db_use_type (`db_use_type` when the listing did not name it), engine type and project-level
// fields from their parent.
std::vector<listed_job> flatten(const drs_api::job_summary& job, std::string_view db_use_type);

// ---- what a listing says of a job it lists

// A child's error message as listed (error_msg cut to 160 bytes, as per-item errors are: free
// text, never a label; "" when the listing shows none), or nullopt for a parent: ShowJobList
// carries no message of its own for it.
std::optional<std::string> listed_error(const listed_job& job);
// True when apply_listing(s, job) would change `s`.
bool listing_changes(const state::job_state& s, const listed_job& job);
// Stores what a listing (complete or partial) says of a job it lists: a child's error message,
// set when the listing shows one and cleared when it shows none, in its own field (listed_error;
// the status round rewrites api_error every round). A parent's state is left as it is.
void apply_listing(state::job_state& s, const listed_job& job);

// The compiled filters. Checks the API could not make are made here; those it made are made again
// (harmless, and an API that ignores a filter does not widen discovery). Tags and the enterprise
// project are checked only when the listing reports them.
class discovery_filter
{
public:
    // Errors (errc::config, where "discovery") name the regular expression that does not compile.
    static core::result<discovery_filter> make(const discovery_filter_spec& spec);

    // Engine type, name and project fields: decided by a parent for itself and its children.
    bool matches_job(const listed_job& job) const;
    // Status filters: judged per job, parent and child alike.
    bool matches_status(std::string_view status) const;

private:
    discovery_filter_spec spec_;
    std::shared_ptr<const std::regex> name_;
    std::shared_ptr<const std::regex> exclude_name_;
};

// The jobs of one listing that discovery monitors, and every ID it listed (matching or not).
struct selection
{
    std::vector<listed_job> matched;  // listing order, each ID once
    std::set<std::string, std::less<>> listed;
};
// Adds the listed jobs (parents and children) to `out`.
void select(
    const discovery_filter& filter,
    std::span<const drs_api::job_summary> jobs,
    std::string_view db_use_type,
    selection& out
);

// ---- what a pass changes

inline constexpr std::string_view removed_deleted = "deleted";      // no longer listed
inline constexpr std::string_view removed_unmatched = "unmatched";  // listed, filtered out

struct removed_job
{
    std::string id;
    std::string_view reason;  // removed_deleted or removed_unmatched
    friend bool operator==(const removed_job&, const removed_job&) = default;
};

struct discovery_change
{
    std::vector<listed_job> added;     // newly matching, in listing order: job_discovered
    std::vector<listed_job> updated;   // known and listed again with other values
    std::vector<removed_job> removed;  // in ID order: job_removed
    std::size_t not_added = 0;         // matching jobs left out because of max_jobs
};

// The discovered jobs of one project across passes. A pass adds every newly matching job (a
// partial pass too: what it listed exists), up to max_jobs known jobs (jobs already known keep
// their place; beyond it the pass says how many it left out). A job is removed once two
// consecutive complete passes did not match it; passes that were not complete (a listing failed,
// was throttled or was inconsistent) neither count nor reset that.
class discovery_tracker
{
public:
    explicit discovery_tracker(std::size_t max_jobs) noexcept : max_jobs_(max_jobs) {}

    discovery_change apply(const selection& pass, bool complete, core::wall_time now);

    bool known(std::string_view id) const { return jobs_.contains(id); }
    // The job as last listed, or nullptr when it is not known.
    const listed_job* find(std::string_view id) const;
    std::size_t size() const noexcept { return jobs_.size(); }
    // The known jobs in ID order.
    std::vector<listed_job> jobs() const;
    // Known jobs per db_use_type (for drs_monitor_discovery_jobs).
    std::map<std::string, std::size_t> count_by_db_use_type() const;
    // The last pass left matching jobs out (drs_monitor_discovery_truncated).
    bool truncated() const noexcept { return truncated_; }
    // When the last complete pass ended.
    std::optional<core::wall_time> last_complete() const noexcept { return last_complete_; }

private:
    struct entry
    {
        listed_job job;
        int misses = 0;  // consecutive complete passes that did not match it
    };
    std::size_t max_jobs_;
    std::map<std::string, entry, std::less<>> jobs_;
    bool truncated_ = false;
    std::optional<core::wall_time> last_complete_;
};

}  // namespace drsmon::poller
