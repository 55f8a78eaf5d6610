#include "drsmon/metrics/job_collector.hpp"

#include "exposition.hpp"
#include "populated.hpp"

#include <gtest/gtest.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <limits>
#include <set>
#include <string>

namespace drsmon::metrics {
namespace {

using namespace std::chrono_literals;
using testing::find;

std::string joined(std::vector<std::string> parts)
{
    std::string out;
    for (auto& p : parts)
        out += p;
    return out;
}

std::set<std::string> job_ids(const std::string& text, const char* family)
{
    std::set<std::string> out;
    for (const auto& s : find(testing::parse_exposition(text), family))
        out.insert(s.labels.at("job_id"));
    return out;
}

struct fixture
{
    state::store store;
    core::manual_clock clock{testing::at(1'700'000'300)};

    void add(const std::string& id)
    {
        auto j = testing::fresh_full_job();
        j.metadata.name = "job " + id;
        store.upsert({"proj-a", id}, j);
    }
};

TEST(MetricsJobCollectorPass, AStepwisePassRendersWhatOneGoRenders)
{
    fixture f;
    for (int i = 0; i < 25; ++i)
        f.add("job-" + std::to_string(100 + i));
    f.store.upsert({"proj-b", "job-x"}, state::job_state{});
    const job_collector c(f.store, f.clock);
    auto p = c.start();
    int steps = 1;
    while (!p.step(4))
        ++steps;
    EXPECT_EQ(steps, 7);  // 26 jobs, 4 per step: the seventh step renders the last two and ends
    EXPECT_EQ(joined(p.take()), c.render());
    EXPECT_EQ(p.generation(), f.store.generation());
}

TEST(MetricsJobCollectorPass, TheStoreMayChangeBetweenSteps)
{
    fixture f;
    for (const char* id : {"b", "c", "d", "e"})
        f.add(id);
    const job_collector c(f.store, f.clock);
    auto p = c.start();
    ASSERT_FALSE(p.step(2));         // b and c are rendered
    f.store.erase({"proj-a", "d"});  // ahead of the cursor: left out
    f.add("a");                      // behind the cursor: waits for the next pass
    f.add("f");                      // ahead of the cursor: rendered
    auto c_state = testing::fresh_full_job();
    c_state.status = "FULL_TRANSFER_FAILED";
    f.store.upsert({"proj-a", "c"}, c_state);  // already rendered: keeps its old lines
    while (!p.step(2))
    {
    }
    const auto text = joined(p.take());
    EXPECT_EQ(job_ids(text, "drs_job_info"), (std::set<std::string>{"b", "c", "e", "f"}));
    EXPECT_EQ(job_ids(text, "drs_job_status"), (std::set<std::string>{"b", "c", "e", "f"}));
    const auto s = testing::parse_exposition(text);
    EXPECT_EQ(testing::value_of(s, "drs_job_failed", {{"job_id", "c"}}), 0);
    // The counts describe the jobs rendered, so they agree with the series.
    EXPECT_EQ(
        testing::value_of(s, "drs_monitor_jobs", {{"project", "proj-a"}, {"source", "async_batch"}}),
        4
    );
    EXPECT_NE(p.generation(), f.store.generation());
}

TEST(MetricsJobCollectorPass, ValidUntilIsTheFirstMomentAFreshJobTurnsStale)
{
    fixture f;
    auto a = testing::fresh_full_job();
    a.last_refresh = testing::at(1'700'000'250);
    f.store.upsert({"proj-a", "a"}, a);
    auto b = testing::fresh_full_job();
    b.last_refresh = testing::at(1'700'000'200);
    f.store.upsert({"proj-a", "b"}, b);
    auto gone = testing::fresh_full_job();
    gone.last_refresh = testing::at(1'600'000'000);  // already overdue: cannot turn again
    f.store.upsert({"proj-a", "c"}, gone);

    EXPECT_FALSE(job_collector(f.store, f.clock).start().valid_until());  // no limit: never

    job_collector_options o;
    o.max_staleness = 120s;
    const job_collector c(f.store, f.clock, o);
    auto p = c.start();
    p.step(10);
    ASSERT_TRUE(p.valid_until());
    EXPECT_EQ(*p.valid_until(), testing::at(1'700'000'320));
    EXPECT_EQ(p.rendered_at(), testing::at(1'700'000'300));
}

TEST(MetricsJobCollectorPass, ValuesAreWrittenAsThePrometheusClientLibraryWritesThem)
{
    const double values[] = {
        0.1,
        0.75,
        1600000000.412,
        1763899123.456789,
        1e20,
        1.0 / 3,
        5e-7,
        -2.5,
        0,
        -0.0,
        999999999999999.0,
        1e15,
        1234567890123456789.0,
        -123456789.0,
        std::numeric_limits<double>::denorm_min(),
        std::numeric_limits<double>::max(),
    };
    fixture f;
    state::job_state j;
    for (std::size_t i = 0; i < std::size(values); ++i)
        j.phases["p" + std::to_string(100 + i)] = values[i];
    f.store.upsert({"proj-a", "job-1"}, j);
    const auto s = find(
        testing::parse_exposition(job_collector(f.store, f.clock).render()),
        "drs_job_phase_progress_ratio"
    );
    ASSERT_EQ(s.size(), std::size(values));
    for (std::size_t i = 0; i < std::size(values); ++i)
    {
        prometheus::MetricFamily fam;
        fam.name = "x";
        fam.type = prometheus::MetricType::Gauge;
        prometheus::ClientMetric m;
        m.gauge.value = values[i];
        fam.metric.push_back(m);
        const auto expected = prometheus::TextSerializer().Serialize({fam});
        const auto value = expected.substr(expected.rfind(' ') + 1);
        EXPECT_EQ(s[i].value + "\n", value) << values[i];
    }
}

TEST(MetricsJobCollectorPass, LabelValuesAreEscaped)
{
    fixture f;
    state::job_state j;
    j.metadata.name = "a \"b\" \\c\nd";
    f.store.upsert({"proj-a", "job-1"}, j);
    const auto text = job_collector(f.store, f.clock).render();
    EXPECT_NE(text.find(R"(name="a \"b\" \\c\nd")"), std::string::npos) << text;
    const auto s = find(testing::parse_exposition(text), "drs_job_info");
    ASSERT_EQ(s.size(), 1u);
}

}  // namespace
}  // namespace drsmon::metrics
