#include "drsmon/app/api_views.hpp"
#include "drsmon/state/event_log.hpp"

#include "../state/fixtures.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace drsmon::app {
namespace {

namespace json = boost::json;
using state::testing::at;
using state::testing::full_job;

TEST(ApiViews, WritesNumbersAsPeopleReadThem)
{
    // Issue 17: Boost.JSON's own notation showed these as 0E0, 5E-1 and 1E0.
    state::job_state s;
    s.progress_ratio = 0.5;
    s.delay_seconds = 0;
    s.remaining_seconds = 1;
    state::store store;
    store.upsert({"p", "j"}, s);
    const auto text = jobs_document(store);
    EXPECT_NE(
        text.find(R"("progress_ratio":0.5,"replication_delay_seconds":0,"remaining_seconds":1,)"),
        std::string::npos
    ) << text;
    EXPECT_EQ(text.find("E0"), std::string::npos) << text;

    store.upsert({"p", "full"}, full_job());
    const auto once = once_document({{"p", true}}, store, true);
    EXPECT_NE(once.find(R"("cpu_ratio":0.31,)"), std::string::npos) << once;
    EXPECT_NE(once.find(R"("network_receive_bytes_per_second":1000000,)"), std::string::npos) << once;
    EXPECT_EQ(once.find("E-"), std::string::npos) << once;
}

TEST(ApiViews, TheListIsTheSummaryAndAbsentValuesAreNull)
{
    state::store store;
    store.upsert({"p", "j"}, state::job_state{});
    const auto v = json::parse(jobs_document(store));
    const auto& job = v.at("jobs").at(0).as_object();
    EXPECT_EQ(job.at("project"), "p");
    EXPECT_TRUE(job.at("progress_ratio").is_null());
    EXPECT_TRUE(job.at("last_refresh").is_null());
    EXPECT_TRUE(job.at("api_error").is_null());
    EXPECT_EQ(job.at("source"), "config");
    EXPECT_FALSE(job.contains("precheck"));
    EXPECT_FALSE(job.contains("node"));
}

TEST(ApiViews, NonFiniteNumbersAreNull)
{
    state::job_state s;
    s.progress_ratio = std::numeric_limits<double>::quiet_NaN();
    s.phases["data"] = std::numeric_limits<double>::infinity();
    state::store store;
    store.upsert({"p", "j"}, s);
    const auto v = json::parse(*job_document(store, "j"));
    EXPECT_TRUE(v.at("progress_ratio").is_null());
    EXPECT_TRUE(v.at("phases").at("data").is_null());
}

TEST(ApiViews, OneJobIdInSeveralProjectsListsThemAll)
{
    state::store store;
    store.upsert({"a", "j"}, state::job_state{});
    store.upsert({"b", "j"}, state::job_state{});
    store.upsert({"b", "k"}, state::job_state{});
    EXPECT_FALSE(job_document(store, "x"));
    EXPECT_EQ(json::parse(*job_document(store, "k")).at("project"), "b");
    const auto both = json::parse(*job_document(store, "j"));
    ASSERT_EQ(both.at("jobs").as_array().size(), 2u);
    EXPECT_EQ(both.at("jobs").at(1).at("project"), "b");
    EXPECT_TRUE(both.at("jobs").at(0).as_object().contains("precheck"));
}

TEST(ApiViews, EventsAreWrittenAsTheEventsFileHoldsThem)
{
    state::event e;
    e.seq = 4;
    e.time = at(1'700'000'000);
    e.project = "p";
    e.job_id = "j";
    e.job_name = "name \"quoted\"";
    e.kind = state::event_kind::status_changed;
    e.from = "A";
    e.to = "B";
    e.after_restart = true;
    EXPECT_EQ(
        events_document({e, e}, 9),
        R"({"next_seq":9,"events":[)" + state::to_json_line(e) + "," + state::to_json_line(e) + "]}"
    );
    EXPECT_EQ(events_document({}, 1), R"({"next_seq":1,"events":[]})");
}

TEST(ApiViews, EventsQueryTakesNonNegativeIntegersOnly)
{
    struct row
    {
        std::optional<std::string> since, limit;
        std::optional<std::pair<std::uint64_t, std::uint64_t>> expected;
    };
    const row rows[] = {
        {std::nullopt, std::nullopt, std::pair{0, 100}},
        {"5", "2", std::pair{5, 2}},
        {"0", "5000", std::pair{0, 1000}},
        {"-1", std::nullopt, std::nullopt},
        {"", std::nullopt, std::nullopt},
        {"3x", std::nullopt, std::nullopt},
        {std::nullopt, "+2", std::nullopt},
        {std::nullopt, "99999999999999999999999", std::nullopt},
    };
    for (const auto& r : rows)
    {
        const auto q = parse_events_query(r.since, r.limit);
        ASSERT_EQ(q.has_value(), r.expected.has_value())
            << r.since.value_or("-") << " " << r.limit.value_or("-");
        if (q)
        {
            EXPECT_EQ(q->since, r.expected->first);
            EXPECT_EQ(q->limit, r.expected->second);
        }
    }
}

TEST(ApiViews, ErrorsAreJsonObjects)
{
    EXPECT_EQ(error_document("job \"x\" not found"), R"({"error":"job \"x\" not found"})");
}

TEST(ApiViews, TheLandingPageEscapesWhatItShows)
{
    state::store store;
    auto failed = state::job_state{};
    failed.status = "FULL_TRANSFER_FAILED";
    store.upsert({"<b>&co", "j1"}, failed);
    store.upsert({"<b>&co", "j2"}, state::job_state{});
    const auto html = landing_page({{"<b>&co", true}, {"idle", false}}, store, "/m?a=\"1\"");
    EXPECT_NE(html.find("<a href=\"/m?a=&quot;1&quot;\">Metrics</a>"), std::string::npos) << html;
    EXPECT_NE(
        html.find("<tr><td>&lt;b&gt;&amp;co</td><td>yes</td><td>2</td><td>1</td><td>0</td></tr>"),
        std::string::npos
    ) << html;
    EXPECT_NE(
        html.find("<tr><td>idle</td><td>no</td><td>0</td><td>0</td><td>0</td></tr>"),
        std::string::npos
    );
    EXPECT_EQ(html.find("<b>&co"), std::string::npos);
}

TEST(ApiViews, OnceListsProjectsJobsAndTheOutcome)
{
    state::store store;
    store.upsert({"p", "j"}, full_job());
    const auto v = json::parse(once_document({{"p", false}}, store, false));
    EXPECT_EQ(v.at("projects"), json::parse(R"([{"project":"p","up":false}])"));
    EXPECT_EQ(v.at("jobs").at(0).at("node").as_object().size(), 8u);
    EXPECT_EQ(v.at("ok"), false);
}

TEST(ApiViews, TheLandingPageListsTheJobsThatNeedAttentionEscaped)
{
    state::store store;
    auto failed = state::job_state{};
    failed.metadata.name = "<script>alert(1)</script>";
    failed.status = "INCRE_TRANSFER_FAILED";
    failed.status_changed_at = core::wall_time{std::chrono::seconds(1'700'000'000)};
    store.upsert({"p", "id/1?x"}, failed);
    auto healthy = state::job_state{};
    healthy.metadata.name = "fine";
    healthy.status = "INCRE_TRANSFER_STARTED";
    store.upsert({"p", "ok"}, healthy);
    const auto html = landing_page({{"p", true}}, store, "/metrics");
    EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
    EXPECT_NE(
        html.find("<a href=\"/api/v1/jobs/id%2F1%3Fx\">&lt;script&gt;alert(1)&lt;/script&gt;</a>"),
        std::string::npos
    ) << html;
    EXPECT_NE(
        html.find("<td>INCRE_TRANSFER_FAILED</td><td>2023-11-14T22:13:20.000Z</td><td>failed</td>"),
        std::string::npos
    ) << html;
    EXPECT_EQ(html.find(">fine<"), std::string::npos) << "a healthy job is not listed";
}

TEST(ApiViews, AttentionReasonsNameEveryProblemOfAJob)
{
    state::job_state s;
    s.status = "INCRE_TRANSFER_STARTED";
    EXPECT_EQ(attention_reasons(s), "");
    s.status = "FULL_TRANSFER_FAILED";
    s.stale = true;
    s.precheck.complete = true;
    s.precheck.passed = false;
    s.api_error = {"DRS.M00500", "busy"};
    s.listed_error = "connection lost";
    EXPECT_EQ(attention_reasons(s), "failed, stale, pre-check failed, API error DRS.M00500, job list error");
    s = {};
    s.precheck.complete = false;  // a pre-check still running is not failed
    s.precheck.passed = std::nullopt;
    EXPECT_EQ(attention_reasons(s), "");
}

TEST(ApiViews, TheLandingPageSaysWhenNoJobNeedsAttention)
{
    state::store store;
    const auto html = landing_page({{"p", true}}, store, "/metrics");
    EXPECT_NE(html.find("<h2>Jobs that need attention</h2><p>None"), std::string::npos) << html;
}

}  // namespace
}  // namespace drsmon::app
