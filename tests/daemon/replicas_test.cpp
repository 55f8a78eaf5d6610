// High availability: two drs-monitor replicas polling the same DRS project export the same job
// series, so Prometheus can scrape both and either one can answer for the estate
// (docs/operations.md, "Two replicas").

#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

using namespace drsmon;
using namespace drsmon::test;
using namespace std::chrono_literals;

namespace {

// The job series of a /metrics body (drs_job_*, drs_async_batch_jobs, drs_monitor_jobs): series
// (name and labels, as written) -> value, with the values of *_timestamp_seconds series (when
// each replica polled) replaced by "<time>".
std::map<std::string, std::string> job_series(const std::string& text)
{
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
    {
        if (!(line.starts_with("drs_job_") || line.starts_with("drs_async_batch_jobs") ||
              line.starts_with("drs_monitor_jobs")))
            continue;
        const auto space = line.rfind(' ');
        if (space == std::string::npos)
            continue;
        std::string series = line.substr(0, space);
        const auto name = series.substr(0, series.find('{'));
        // The simulator's DR figures move with time (noise every 10 s, counts growing each second):
        // two replicas polling a second apart see different values, so only the series must agree.
        const bool dr_figure = name == "drs_job_rpo_seconds" || name == "drs_job_rto_seconds" ||
                               name.starts_with("drs_job_dr_") || name == "drs_job_component_delay_seconds";
        out[series] = name.ends_with("_timestamp_seconds") ? "<time>"
                      : dr_figure                          ? "<dr>"
                                                           : line.substr(space + 1);
    }
    return out;
}

std::string difference(
    const std::map<std::string, std::string>& a,
    const std::map<std::string, std::string>& b
)
{
    std::string out;
    for (const auto& [k, v] : a)
        if (auto it = b.find(k); it == b.end())
            out += "  only in the first: " + k + " " + v + "\n";
        else if (it->second != v)
            out += "  different value: " + k + " " + v + " vs " + it->second + "\n";
    for (const auto& [k, v] : b)
        if (!a.contains(k))
            out += "  only in the second: " + k + " " + v + "\n";
    return out;
}

std::size_t count_family(const std::map<std::string, std::string>& series, const std::string& family)
{
    std::size_t n = 0;
    for (const auto& [k, v] : series)
        n += k.starts_with(family + "{") ? 1 : 0;
    return n;
}

TEST(DaemonReplicas, TwoDaemonsOnTheSameApiExportTheSameJobSeries)
{
    auto sim = start_simulator(0, 1, 1.0, "daemon/golden.yaml");
    const auto jobs = sim->api().job_ids();
    ASSERT_EQ(jobs.size(), 5u);
    daemon_process first(options_for(*sim, jobs));
    daemon_process second(options_for(*sim, jobs));
    ASSERT_NE(first.port(), second.port());

    // Settled: every job named, the finished pre-check and the complete DR initialisation read by
    // both, and the same series with the same values on both.
    std::map<std::string, std::string> a, b;
    auto settled = [&](const std::map<std::string, std::string>& s) {
        return count_family(s, "drs_job_info") == jobs.size() &&
               count_family(s, "drs_job_precheck_complete") == 1 &&
               count_family(s, "drs_job_init_complete") == sim::object_types.size() &&
               std::none_of(s.begin(), s.end(), [](const auto& kv) {
                   return kv.first.starts_with("drs_job_info{") &&
                          kv.first.find("name=\"\"") != std::string::npos;
               });
    };
    const bool same = first.wait_for(
        [&] {
            a = job_series(first.metrics());
            b = job_series(second.metrics());
            return settled(a) && settled(b) && a == b;
        },
        20s
    );
    EXPECT_TRUE(same) << "settled: " << settled(a) << "/" << settled(b) << "\n" << difference(a, b);
    // Not trivially equal: every job family the scenario feeds is there, for every job.
    EXPECT_EQ(count_family(a, "drs_job_status"), jobs.size());
    EXPECT_EQ(count_family(a, "drs_job_last_refresh_timestamp_seconds"), jobs.size());
    EXPECT_GE(count_family(a, "drs_job_replication_delay_seconds"), 2u);
    EXPECT_GE(count_family(a, "drs_job_precheck_item_not_passed"), 1u);
    EXPECT_GE(a.size(), 80u);
    // Each replica polled on its own: the simulator saw batch-status from both.
    EXPECT_NE(first.metrics().find("drs_monitor_api_requests_total{"), std::string::npos);
    EXPECT_NE(second.metrics().find("drs_monitor_api_requests_total{"), std::string::npos);
}

}  // namespace
