#include "drsmon/poller/discovery.hpp"
#include "drsmon/state/diff.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>

using namespace drsmon;
using poller::list_api;
using ids = std::vector<std::string>;

namespace {

const core::wall_time t0{std::chrono::seconds(1'700'000'000)};

// A case's name as a test name: what is not a letter or digit becomes '_'.
template <class Case>
std::string case_name(const testing::TestParamInfo<Case>& c)
{
    std::string n;
    for (const char* s = c.param.name; *s; ++s)
        n += std::isalnum(static_cast<unsigned char>(*s)) ? *s : '_';
    return n;
}

// ---- paging

struct page
{
    std::size_t listed;
    std::optional<std::int64_t> total;
};

struct pager_case
{
    const char* name;
    list_api api;
    int per_page;
    std::vector<page> answers;  // what each page answers; the pager must stop after the last
    std::vector<poller::page_request> asked;
    bool complete;
};

const pager_case pager_cases[] = {
    {"v3 empty estate", list_api::v3_show_job_list, 100, {{0, 0}}, {{1, 100, 0}}, true},
    {"v3 one short page", list_api::v3_show_job_list, 100, {{7, 7}}, {{1, 100, 0}}, true},
    {"v3 exactly one full page stops at the total",
     list_api::v3_show_job_list,
     100,
     {{100, 100}},
     {{1, 100, 0}},
     true},
    {"v3 three pages",
     list_api::v3_show_job_list,
     100,
     {{100, 250}, {100, 250}, {50, 250}},
     {{1, 100, 0}, {2, 100, 100}, {3, 100, 200}},
     true},
    {"v3 without a total ends on a short page",
     list_api::v3_show_job_list,
     2,
     {{2, {}}, {1, {}}},
     {{1, 2, 0}, {2, 2, 2}},
     true},
    {"v3 without a total ends on an empty page",
     list_api::v3_show_job_list,
     2,
     {{2, {}}, {0, {}}},
     {{1, 2, 0}, {2, 2, 2}},
     true},
    {"v3 per_page above the API's maximum is clamped",
     list_api::v3_show_job_list,
     500,
     {{100, 150}, {50, 150}},
     {{1, 100, 0}, {2, 100, 100}},
     true},
    {"v3 per_page below one is clamped", list_api::v3_show_job_list, 0, {{1, 1}}, {{1, 1, 0}}, true},
    {"v3 a total that grows between pages is followed but the listing is incomplete",
     list_api::v3_show_job_list,
     100,
     {{100, 150}, {100, 210}, {10, 210}},
     {{1, 100, 0}, {2, 100, 100}, {3, 100, 200}},
     false},
    {"v3 a total that shrinks between pages ends early and is incomplete",
     list_api::v3_show_job_list,
     100,
     {{100, 250}, {100, 190}},
     {{1, 100, 0}, {2, 100, 100}},
     false},
    {"v3 an empty page before the total is incomplete",
     list_api::v3_show_job_list,
     100,
     {{100, 250}, {0, 250}},
     {{1, 100, 0}, {2, 100, 100}},
     false},
    {"v5 empty estate", list_api::v5_list_jobs, 100, {{0, 0}}, {{1, 100, 0}}, true},
    {"v5 pages by what was listed",
     list_api::v5_list_jobs,
     100,
     {{100, 230}, {100, 230}, {30, 230}},
     {{1, 100, 0}, {2, 100, 100}, {3, 100, 200}},
     true},
    {"v5 a short page is not the end while the total is not reached",
     list_api::v5_list_jobs,
     100,
     {{50, 120}, {50, 120}, {20, 120}},
     {{1, 100, 0}, {2, 100, 50}, {3, 100, 100}},
     true},
    {"v5 without a total ends only on an empty page",
     list_api::v5_list_jobs,
     100,
     {{40, {}}, {40, {}}, {0, {}}},
     {{1, 100, 0}, {2, 100, 40}, {3, 100, 80}},
     true},
    {"v5 a changed total is incomplete",
     list_api::v5_list_jobs,
     100,
     {{100, 200}, {99, 199}},
     {{1, 100, 0}, {2, 100, 100}},
     false},
};

class ListingPager : public testing::TestWithParam<pager_case>
{
};

TEST_P(ListingPager, AsksForThePagesNeededAndNoMore)
{
    const auto& c = GetParam();
    poller::listing_pager p(c.api, c.per_page);
    std::vector<poller::page_request> asked;
    for (const auto& a : c.answers)
    {
        ASSERT_TRUE(p.more()) << "stopped before page " << asked.size() + 1;
        asked.push_back(p.next());
        p.advance(a.listed, a.total);
    }
    EXPECT_FALSE(p.more());
    EXPECT_EQ(asked, c.asked);
    EXPECT_EQ(p.complete(), c.complete);
    EXPECT_EQ(p.pages(), static_cast<int>(c.answers.size()));
}

INSTANTIATE_TEST_SUITE_P(Cases, ListingPager, testing::ValuesIn(pager_cases), case_name<pager_case>);

TEST(ListingPagerBound, StopsAtMaxPagesAndIsIncomplete)
{
    poller::listing_pager p(list_api::v5_list_jobs, 100);
    int pages = 0;
    while (p.more())
    {
        p.advance(100, {});  // a listing that never ends
        ++pages;
    }
    EXPECT_EQ(pages, poller::listing_pager::max_pages);
    EXPECT_FALSE(p.complete());
}

// ---- filters

drs_api::job_summary job(
    std::string id,
    std::string name,
    std::string status,
    std::string engine = "mysql",
    std::vector<drs_api::child_job> children = {}
)
{
    drs_api::job_summary j;
    j.id = std::move(id);
    j.name = std::move(name);
    j.status = std::move(status);
    j.engine_type = std::move(engine);
    j.children = std::move(children);
    return j;
}

ids matched_ids(const poller::discovery_filter_spec& spec, const std::vector<drs_api::job_summary>& jobs)
{
    auto f = poller::discovery_filter::make(spec);
    EXPECT_TRUE(f) << (f ? "" : f.error().to_string());
    poller::selection s;
    if (f)
        poller::select(*f, jobs, "sync", s);
    ids out;
    for (const auto& j : s.matched)
        out.push_back(j.id);
    return out;
}

const std::vector<drs_api::job_summary> estate{
    job("a", "orders-sync", "INCRE_TRANSFER_STARTED", "mysql"),
    job("b", "orders-test", "RELEASE_RESOURCE_COMPLETE", "mysql"),
    job("c", "billing", "DELETED", "postgresql"),
    job("d", "billing-2", "FULL_TRANSFER_FAILED", "oracle-to-gaussdbv5"),
    job("e", "xorders-sync", "CONFIGURATION", "MySQL"),
};

struct filter_case
{
    const char* name;
    poller::discovery_filter_spec spec;
    ids matched;
};

poller::discovery_filter_spec spec_with(auto&& change)
{
    poller::discovery_filter_spec s;
    change(s);
    return s;
}

const filter_case filter_cases[] = {
    {"defaults leave out released and deleted jobs", {}, {"a", "d", "e"}},
    {"engine types compare without case", spec_with([](auto& s) { s.engine_types = {"mysql"}; }), {"a", "e"}},
    {"statuses keep only the listed ones",
     spec_with([](auto& s) {
         s.statuses = {"FULL_TRANSFER_FAILED", "RELEASE_RESOURCE_COMPLETE"};
     }),
     {"d"}},
    {"an empty exclude list keeps everything",
     spec_with([](auto& s) { s.exclude_statuses.clear(); }),
     {"a", "b", "c", "d", "e"}},
    {"name_regex matches the whole name", spec_with([](auto& s) { s.name_regex = "orders-.*"; }), {"a"}},
    {"exclude_name_regex leaves out whole-name matches",
     spec_with([](auto& s) { s.exclude_name_regex = "billing(-[0-9]+)?"; }),
     {"a", "e"}},
    {"both regular expressions together",
     spec_with([](auto& s) {
         s.name_regex = ".*orders.*";
         s.exclude_name_regex = "x.*";
     }),
     {"a"}},
    {"tags the listing does not report were left to the API",
     spec_with([](auto& s) {
         s.tags = {{"env", "prod"}};
     }),
     {"a", "d", "e"}},
};

class DiscoveryFilter : public testing::TestWithParam<filter_case>
{
};

TEST_P(DiscoveryFilter, SelectsTheMatchingJobs)
{
    EXPECT_EQ(matched_ids(GetParam().spec, estate), GetParam().matched);
}

INSTANTIATE_TEST_SUITE_P(Cases, DiscoveryFilter, testing::ValuesIn(filter_cases), case_name<filter_case>);

TEST(DiscoveryFilterChecks, ReportsARegularExpressionThatDoesNotCompile)
{
    poller::discovery_filter_spec s;
    s.exclude_name_regex = "orders-(";
    const auto f = poller::discovery_filter::make(s);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().kind(), core::errc::config);
    EXPECT_NE(f.error().detail.find("exclude_name_regex"), std::string::npos);
}

TEST(DiscoveryFilterChecks, ChecksTagsAndEnterpriseProjectWhenTheListingReportsThem)
{
    poller::discovery_filter_spec s;
    s.tags = {{"env", "prod"}, {"team", "db"}};
    s.enterprise_project_id = "ep-1";
    const auto f = poller::discovery_filter::make(s);
    ASSERT_TRUE(f);
    poller::listed_job j;
    j.tags = std::map<std::string, std::string>{{"env", "prod"}, {"team", "db"}, {"extra", "x"}};
    j.enterprise_project_id = "ep-1";
    EXPECT_TRUE(f->matches_job(j));
    j.tags = std::map<std::string, std::string>{{"env", "prod"}};  // one tag missing
    EXPECT_FALSE(f->matches_job(j));
    j.tags = std::map<std::string, std::string>{{"env", "test"}, {"team", "db"}};  // one differs
    EXPECT_FALSE(f->matches_job(j));
    j.tags.reset();
    j.enterprise_project_id = "ep-2";
    EXPECT_FALSE(f->matches_job(j));
    j.enterprise_project_id.reset();
    EXPECT_TRUE(f->matches_job(j));
}

TEST(ListingQuery, CarriesTheFiltersEachApiSupports)
{
    poller::discovery_filter_spec s;
    s.engine_types = {"mysql"};
    s.tags = {{"env", "prod"}};
    s.enterprise_project_id = "ep-1";
    s.statuses = {"INCRE_TRANSFER_STARTED"};
    const auto v3 = poller::make_listing_query(list_api::v3_show_job_list, s, drs_api::db_use_type::sync);
    EXPECT_EQ(v3.db_use_type, "sync");
    EXPECT_EQ(v3.engine_type, "mysql");
    EXPECT_EQ(v3.enterprise_project_id, "ep-1");
    EXPECT_EQ(v3.tags, s.tags);
    const auto v5 = poller::make_listing_query(list_api::v5_list_jobs, s, drs_api::db_use_type::migration);
    EXPECT_EQ(v5.db_use_type, "migration");
    EXPECT_TRUE(v5.tags.empty());  // ListJobs has no tag filter
    s.engine_types = {"mysql", "postgresql"};
    EXPECT_TRUE(poller::make_listing_query(list_api::v3_show_job_list, s, drs_api::db_use_type::sync)
                    .engine_type.empty());
}

TEST(ListingRequest, AsksThePagersPageThroughTheConfiguredApi)
{
    poller::discovery_filter_spec s;
    s.engine_types = {"mysql"};
    s.tags = {{"env", "prod"}};
    const poller::page_request page{.cur_page = 3, .per_page = 100, .offset = 250};

    const auto q3 = poller::make_listing_query(list_api::v3_show_job_list, s, drs_api::db_use_type::sync);
    const auto v3 = poller::listing_request("p1", q3, page);
    EXPECT_EQ(v3.which, drs_api::api::job_list);
    EXPECT_EQ(v3.method, "POST");
    EXPECT_EQ(
        v3.body,
        R"({"cur_page":3,"per_page":100,"db_use_type":"sync","engine_type":"mysql","tags":{"env":"prod"}})"
    );

    const auto q5 = poller::make_listing_query(list_api::v5_list_jobs, s, drs_api::db_use_type::sync);
    const auto v5 = poller::listing_request("p1", q5, page);
    EXPECT_EQ(v5.which, drs_api::api::job_list_v5);
    EXPECT_EQ(v5.method, "GET");
    EXPECT_EQ(v5.path, "/v5/p1/jobs");
    const std::vector<std::pair<std::string, std::string>> query{
        {"job_type", "sync"},
        {"offset", "250"},
        {"limit", "100"},
        {"engine_type", "mysql"}};
    EXPECT_EQ(v5.query, query);
}

TEST(ListingRequest, ParsesWithTheParserOfTheSameApi)
{
    const std::string v3 = R"({"total_record":4,"jobs":[{"id":"a","status":"CONFIGURATION"}]})";
    const std::string
        v5 = R"({"total_count":4,"jobs":[{"id":"a","status":"CONFIGURATION","job_type":"sync"}]})";
    const auto r3 = poller::listing_parser_of(list_api::v3_show_job_list)(v3);
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->total_record, 4);
    EXPECT_FALSE(poller::listing_parser_of(list_api::v3_show_job_list)(v5)->total_record);
    const auto r5 = poller::listing_parser_of(list_api::v5_list_jobs)(v5);
    ASSERT_TRUE(r5);
    EXPECT_EQ(r5->total_record, 4);
    EXPECT_EQ(r5->jobs.at(0).db_use_type, "sync");
    const auto bad = poller::listing_parser_of(list_api::v5_list_jobs)("{}");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().where, "job-list-v5");
}

// ---- children

TEST(DiscoveryChildren, BecomeJobsWithTheirParentAndOwnStatus)
{
    const auto parent = job(
        "p",
        "multi",
        "INCRE_TRANSFER_STARTED",
        "mysql",
        {{"c1", "multi-1", "INCRE_TRANSFER_STARTED", ""},
         {"c2", "multi-2", "INCRE_TRANSFER_FAILED", "connection lost"},
         {"c3", "multi-3", "RELEASE_RESOURCE_COMPLETE", ""}}
    );
    const auto flat = poller::flatten(parent, "sync");
    ASSERT_EQ(flat.size(), 4u);
    EXPECT_EQ(flat[0].id, "p");
    EXPECT_TRUE(flat[0].parent_id.empty());
    EXPECT_EQ(flat[0].db_use_type, "sync");
    EXPECT_EQ(flat[2].id, "c2");
    EXPECT_EQ(flat[2].parent_id, "p");
    EXPECT_EQ(flat[2].status, "INCRE_TRANSFER_FAILED");
    EXPECT_EQ(flat[2].error_msg, "connection lost");
    EXPECT_EQ(flat[2].engine_type, "mysql");
    EXPECT_EQ(flat[2].db_use_type, "sync");

    // The parent's name decides for its children; each status is judged on its own.
    poller::discovery_filter_spec s;
    s.name_regex = "multi";
    EXPECT_EQ(matched_ids(s, {parent}), (ids{"p", "c1", "c2"}));
    s.name_regex = "multi-1";
    EXPECT_TRUE(matched_ids(s, {parent}).empty());
}

TEST(DiscoveryChildren, KeepsTheListedDbUseTypeWhenTheJobNamesIt)
{
    auto j = job("p", "n", "CONFIGURATION");
    j.db_use_type = "cloudDataGuard";
    EXPECT_EQ(poller::flatten(j, "sync").front().db_use_type, "cloudDataGuard");
}

TEST(DiscoveryChildren, InheritTheEnterpriseProjectTheListingReports)
{
    auto j = job("p", "n", "INCRE_TRANSFER_STARTED", "mysql", {{"c1", "n-1", "INCRE_TRANSFER_STARTED", ""}});
    EXPECT_FALSE(poller::flatten(j, "sync")[1].enterprise_project_id);  // v3: not reported
    j.enterprise_project_id = "ep-2";                                   // v5 reports it
    const auto flat = poller::flatten(j, "sync");
    EXPECT_EQ(flat[0].enterprise_project_id, "ep-2");
    EXPECT_EQ(flat[1].enterprise_project_id, "ep-2");
    poller::discovery_filter_spec s;
    s.enterprise_project_id = "ep-1";
    EXPECT_TRUE(matched_ids(s, {j}).empty());
    s.enterprise_project_id = "ep-2";
    EXPECT_EQ(matched_ids(s, {j}), (ids{"p", "c1"}));
}

// ---- what a listing says of a job

poller::listed_job child_listed(std::string error_msg)
{
    poller::listed_job j;
    j.id = "c2";
    j.parent_id = "p";
    j.status = "INCRE_TRANSFER_FAILED";
    j.error_msg = std::move(error_msg);
    return j;
}

TEST(DiscoveryListing, SetsAChildsErrorAndClearsItWhenTheListingShowsNone)
{
    state::job_state s;
    EXPECT_TRUE(poller::listing_changes(s, child_listed("connection lost")));
    poller::apply_listing(s, child_listed("connection lost"));
    EXPECT_EQ(s.listed_error, "connection lost");
    EXPECT_TRUE(s.api_error.empty()) << "the status round's field is not touched";
    EXPECT_FALSE(poller::listing_changes(s, child_listed("connection lost")));

    EXPECT_TRUE(poller::listing_changes(s, child_listed("")));
    poller::apply_listing(s, child_listed(""));
    EXPECT_EQ(s.listed_error, "");
    EXPECT_FALSE(poller::listing_changes(s, child_listed("")));
}

TEST(DiscoveryListing, LeavesAParentAsItIs)
{
    poller::listed_job parent;
    parent.id = "p";
    state::job_state s;
    s.listed_error = "restored from the state file";
    EXPECT_EQ(poller::listed_error(parent), std::nullopt);
    EXPECT_FALSE(poller::listing_changes(s, parent));
    poller::apply_listing(s, parent);
    EXPECT_EQ(s.listed_error, "restored from the state file");
}

TEST(DiscoveryListing, CutsTheMessageTo160Bytes)
{
    EXPECT_EQ(poller::listed_error(child_listed(std::string(500, 'x'))), std::string(160, 'x'));
}

TEST(DiscoveryListing, AChangedErrorIsOneEventAndAListingThatRepeatsItNone)
{
    const state::job_key key{"proj", "c2"};
    state::job_state before;
    before.status = "INCRE_TRANSFER_FAILED";
    auto after = before;
    poller::apply_listing(after, child_listed("connection lost"));
    const auto events = state::diff(&before, &after, key, t0);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, state::event_kind::api_error_appeared);
    EXPECT_EQ(events[0].to, "unknown");
    EXPECT_EQ(events[0].detail, "job list: connection lost");

    // The next listing says the same: nothing to store, nothing to tell.
    EXPECT_FALSE(poller::listing_changes(after, child_listed("connection lost")));
    auto again = after;
    poller::apply_listing(again, child_listed("connection lost"));
    EXPECT_TRUE(state::diff(&after, &again, key, t0).empty());
}

TEST(DiscoverySelection, ListsAJobSeenOnTwoPagesOnce)
{
    const auto f = poller::discovery_filter::make({});
    ASSERT_TRUE(f);
    poller::selection s;
    const std::vector<drs_api::job_summary> page1{job("a", "a", "CONFIGURATION"), job("b", "b", "DELETED")};
    const std::vector<drs_api::job_summary> page2{
        job("a", "a", "CONFIGURATION"),
        job("c", "c", "CONFIGURATION")};
    poller::select(*f, page1, "sync", s);
    poller::select(*f, page2, "sync", s);
    ASSERT_EQ(s.matched.size(), 2u);
    EXPECT_EQ(s.matched[0].id, "a");
    EXPECT_EQ(s.matched[1].id, "c");
    EXPECT_EQ(s.listed, (std::set<std::string, std::less<>>{"a", "b", "c"}));
}

// ---- passes

poller::selection pass_of(const ids& matched, const ids& also_listed = {})
{
    poller::selection s;
    for (const auto& id : matched)
    {
        poller::listed_job j;
        j.id = id;
        j.status = "INCRE_TRANSFER_STARTED";
        j.db_use_type = id.starts_with("m") ? "migration" : "sync";
        s.matched.push_back(j);
        s.listed.insert(id);
    }
    for (const auto& id : also_listed)
        s.listed.insert(id);
    return s;
}

ids added_ids(const poller::discovery_change& c)
{
    ids out;
    for (const auto& j : c.added)
        out.push_back(j.id);
    return out;
}

using removals = std::vector<poller::removed_job>;

TEST(DiscoveryTracker, AddsNewlyMatchingJobsOnce)
{
    poller::discovery_tracker t(100);
    EXPECT_EQ(added_ids(t.apply(pass_of({"s1", "m1"}), true, t0)), (ids{"s1", "m1"}));
    const auto again = t.apply(pass_of({"s1", "m1", "s2"}), true, t0);
    EXPECT_EQ(added_ids(again), (ids{"s2"}));
    EXPECT_TRUE(again.removed.empty());
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.count_by_db_use_type(), (std::map<std::string, std::size_t>{{"migration", 1}, {"sync", 2}}));
}

TEST(DiscoveryTracker, RemovesAJobAfterTwoConsecutiveCompleteListingsWithoutIt)
{
    poller::discovery_tracker t(100);
    t.apply(pass_of({"s1", "s2"}), true, t0);
    EXPECT_TRUE(t.apply(pass_of({"s1"}), true, t0).removed.empty());  // first miss
    EXPECT_EQ(t.apply(pass_of({"s1"}), true, t0).removed, (removals{{"s2", poller::removed_deleted}}));
    EXPECT_FALSE(t.known("s2"));
    EXPECT_TRUE(t.apply(pass_of({"s1"}), true, t0).removed.empty());  // removed exactly once
}

TEST(DiscoveryTracker, AJobListedAgainStartsCountingAfresh)
{
    poller::discovery_tracker t(100);
    t.apply(pass_of({"s1", "s2"}), true, t0);
    t.apply(pass_of({"s1"}), true, t0);
    t.apply(pass_of({"s1", "s2"}), true, t0);
    EXPECT_TRUE(t.apply(pass_of({"s1"}), true, t0).removed.empty());
    EXPECT_TRUE(t.known("s2"));
}

TEST(DiscoveryTracker, AnIncompleteListingRemovesNothingAndDoesNotCount)
{
    poller::discovery_tracker t(100);
    t.apply(pass_of({"s1", "s2"}), true, t0);
    EXPECT_TRUE(t.apply(pass_of({"s1"}), true, t0).removed.empty());
    // Failed or throttled: nothing listed, nothing removed.
    EXPECT_TRUE(t.apply(pass_of({}), false, t0 + std::chrono::minutes(5)).removed.empty());
    EXPECT_TRUE(t.known("s1"));
    EXPECT_EQ(t.last_complete(), t0);
    // The next complete listing is the second one without s2.
    EXPECT_EQ(t.apply(pass_of({"s1"}), true, t0).removed, (removals{{"s2", poller::removed_deleted}}));
}

TEST(DiscoveryTracker, AnIncompleteListingStillAddsWhatItListed)
{
    poller::discovery_tracker t(100);
    EXPECT_EQ(added_ids(t.apply(pass_of({"s1"}), false, t0)), (ids{"s1"}));
    EXPECT_FALSE(t.last_complete());
}

TEST(DiscoveryTracker, SaysWhetherARemovedJobWasDeletedOrFilteredOut)
{
    poller::discovery_tracker t(100);
    t.apply(pass_of({"s1", "s2", "s3"}), true, t0);
    t.apply(pass_of({"s1"}, {"s2"}), true, t0);
    EXPECT_EQ(
        t.apply(pass_of({"s1"}, {"s2"}), true, t0).removed,
        (removals{{"s2", poller::removed_unmatched}, {"s3", poller::removed_deleted}})
    );
}

TEST(DiscoveryTracker, ReportsJobsListedAgainWithOtherValues)
{
    poller::discovery_tracker t(100);
    t.apply(pass_of({"s1", "s2"}), true, t0);
    auto next = pass_of({"s1", "s2"});
    next.matched[1].status = "INCRE_TRANSFER_FAILED";
    const auto c = t.apply(next, true, t0);
    ASSERT_EQ(c.updated.size(), 1u);
    EXPECT_EQ(c.updated[0].id, "s2");
    EXPECT_TRUE(c.added.empty());
}

TEST(DiscoveryTracker, FindsAJobAsLastListed)
{
    poller::discovery_tracker t(100);
    auto first = pass_of({"s1"});
    first.matched[0].error_msg = "connection lost";
    t.apply(first, true, t0);
    ASSERT_NE(t.find("s1"), nullptr);
    EXPECT_EQ(t.find("s1")->error_msg, "connection lost");
    t.apply(pass_of({"s1"}), false, t0);
    EXPECT_EQ(t.find("s1")->error_msg, "");
    EXPECT_EQ(t.find("s2"), nullptr);
}

TEST(DiscoveryTracker, StopsAddingAtMaxJobsAndSaysSo)
{
    poller::discovery_tracker t(3);
    const auto first = t.apply(pass_of({"s1", "s2", "s3", "s4", "s5"}), true, t0);
    EXPECT_EQ(added_ids(first), (ids{"s1", "s2", "s3"}));
    EXPECT_EQ(first.not_added, 2u);
    EXPECT_TRUE(t.truncated());
    // Known jobs keep their place even when listed after new ones.
    const auto second = t.apply(pass_of({"s0", "s3", "s2", "s1"}), true, t0);
    EXPECT_TRUE(second.added.empty());
    EXPECT_EQ(second.not_added, 1u);
    EXPECT_EQ(t.size(), 3u);
    // Once jobs go, room opens for others.
    t.apply(pass_of({"s0", "s1"}), true, t0);
    const auto after = t.apply(pass_of({"s0", "s1"}), true, t0);
    EXPECT_EQ(after.removed.size(), 2u);
    EXPECT_EQ(added_ids(t.apply(pass_of({"s0", "s1"}), true, t0)), (ids{"s0"}));
    EXPECT_FALSE(t.truncated());
}

}  // namespace
