// One job record, four writers and readers: the state file (written and read back), the JSON API
// and the /metrics renderer. A fully populated job goes through all of them, so that a field
// added to job_state and forgotten in one of them fails here.
#include "drsmon/app/api_views.hpp"
#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/state/persist.hpp"

#include "../state/fixtures.hpp"

#include <boost/json.hpp>
#include <boost/pfr.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace drsmon::app {
namespace {

namespace json = boost::json;
using state::testing::full_job;

// A field added to one of these structs changes its count: add it to full_job() (tests/unit/state/
// fixtures.hpp), to the state file's writer and reader, to write_job (api_views.cpp) and, when it
// is a number, to the metrics renderer, then to the expectations below.
static_assert(boost::pfr::tuple_size_v<state::job_state> == 19);
static_assert(boost::pfr::tuple_size_v<state::job_metadata> == 8);
static_assert(boost::pfr::tuple_size_v<state::precheck_state> == 6);
static_assert(boost::pfr::tuple_size_v<state::precheck_item> == 3);
static_assert(boost::pfr::tuple_size_v<state::init_object> == 5);
static_assert(boost::pfr::tuple_size_v<state::node_metrics> == 8);
static_assert(boost::pfr::tuple_size_v<state::collect_state> == 3);
static_assert(boost::pfr::tuple_size_v<state::api_error_state> == 2);
static_assert(boost::pfr::tuple_size_v<state::dr_state> == 24);
static_assert(boost::pfr::tuple_size_v<state::component_state> == 2);

// The indexes of the fields of `v` that still hold their default value.
template <class T>
std::vector<std::size_t> default_fields(const T& v)
{
    const T d{};
    std::vector<std::size_t> out;
    [&]<std::size_t... I>(std::index_sequence<I...>)
    {
        ((boost::pfr::get<I>(v) == boost::pfr::get<I>(d) ? out.push_back(I) : void()), ...);
    }
    (std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    return out;
}

const state::job_key key{"proj-a", "job-1"};

state::store store_with(const state::job_state& s)
{
    state::store store;
    store.upsert(key, s);
    return store;
}

TEST(JobRecord, TheFixtureSetsEveryField)
{
    const auto s = full_job();
    EXPECT_EQ(default_fields(s), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.metadata), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.precheck), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.precheck.items[0]), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.init.find("table")->second), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.node), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.collect), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.api_error), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.dr), std::vector<std::size_t>{});
    EXPECT_EQ(default_fields(s.dr.components.find("capture")->second), std::vector<std::size_t>{});
}

TEST(JobRecord, TheStateFileReadsBackEveryField)
{
    auto loaded = state::parse_state(state::serialize_state(store_with(full_job()), 7));
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_NE(loaded->jobs.find(key), nullptr);
    EXPECT_EQ(*loaded->jobs.find(key), full_job());
}

TEST(JobRecord, TheApiShowsEveryFieldWithItsValue)
{
    const auto text = job_document(store_with(full_job()), key.job_id);
    ASSERT_TRUE(text);
    // The whole document: a field missing from the API, or one too many, fails the comparison.
    const auto expected = json::parse(R"({
        "project": "proj-a", "job_id": "job-1", "name": "orders-sync",
        "status": "INCRE_TRANSFER_STARTED", "failed": false,
        "db_use_type": "sync", "engine_type": "mysql-to-mysql", "task_type": "FULL_INCR_TRANS",
        "source": "async_batch", "async_job_id": "async-1",
        "progress_ratio": 0.75, "replication_delay_seconds": 12.5, "remaining_seconds": 300,
        "stale": true, "last_refresh": "2023-11-14T22:16:40.000Z",
        "status_changed_at": "2023-11-14T22:15:00.000Z",
        "api_error": {"code": "DRS.M00289", "message": "job not found in batch"},
        "listed_error": "child: connection to the source lost",
        "parent_id": "parent-1", "job_direction": "up", "created": "2020-09-13T12:26:40.412Z",
        "status_changes": 3, "last_change": "2023-11-14T22:15:50.000Z",
        "phases": {"data": 0.5, "index": 0.25, "struct": 1},
        "precheck": {"present": true, "complete": true, "passed": false, "passed_ratio": 0.9,
                     "progress_ratio": 1, "items": [
            {"item": "source_db_connectivity", "group": "connectivity", "result": "PASSED"},
            {"item": "ttl_indexes", "group": "objects", "result": "ALARM"},
            {"item": "binlog_format", "group": "config", "result": "FAILED"}]},
        "init": {
            "table": {"status": 2, "complete": true, "src_count": 120, "dst_count": 118,
                      "detail_complete": 100, "detail_in_progress": 20},
            "view": {"status": 1, "complete": false, "src_count": 7, "dst_count": 3,
                     "detail_complete": 3, "detail_in_progress": 4}},
        "collect": {"status": "success", "last_success": "2023-11-14T22:14:10.000Z", "query_id": "q-123"},
        "node": {"cpu_ratio": 0.31, "memory_ratio": 0.62, "apply_rows_per_second": 1500,
                 "apply_transactions_per_second": 120,
                 "network_receive_bytes_per_second": 1000000, "network_transmit_bytes_per_second": 2000000,
                 "disk_read_bytes_per_second": 300000, "disk_write_bytes_per_second": 400000},
        "dr": {"rpo_seconds": 12, "rto_seconds": 4, "source_delay_seconds": 3, "target_delay_seconds": 9,
               "source_rows_per_second": 1520, "target_rows_per_second": 1498.5, "source_io": 35,
               "target_io": 41, "cpu_ratio": 0.37, "memory_used_bytes": 2147483648,
               "volume_used_bytes": 21474836480, "node_memory_bytes": 8589934592,
               "node_volume_bytes": 107374182400, "transferred_bytes": 536870912,
               "transferred_rows": 1048576, "bandwidth": 12.5, "migration_bytes_per_second": 65536,
               "rpo_checkpoint": "2023-11-14T22:14:00.000Z", "source_up": true, "target_up": false,
               "current_action": "SWITCH_OVER",
               "dr_not_applicable": "sync|FULL_INCR_TRANS|FULL_TRANSFER_STARTED",
               "components_not_applicable": "sync|FULL_INCR_TRANS|CONFIGURATION",
               "components": {"apply": {"status": "STOPPED", "delay_seconds": null},
                              "capture": {"status": "STARTED", "delay_seconds": 2}}}
    })");
    EXPECT_EQ(json::parse(*text), expected) << *text;
}

// The value of the sample of `family` for the job whose line contains `labels`, or NaN.
double sample(const std::string& text, const std::string& family, const std::string& labels = "")
{
    std::size_t at = 0;
    while ((at = text.find(family + "{", at)) != std::string::npos)
    {
        const auto end = text.find('\n', at);
        const auto line = text.substr(at, end - at);
        at = end;
        if (line.find(labels) != std::string::npos)
            return std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

TEST(JobRecord, MetricsShowEveryNumberOfAFreshJob)
{
    auto s = full_job();
    s.stale = false;  // a stale job keeps only its identity, staleness and refresh time
    const auto text = metrics::job_collector(store_with(s), core::system_clock()).render();
    const std::pair<std::string, double> numbers[] = {
        {"drs_job_progress_ratio", 0.75},
        {"drs_job_replication_delay_seconds", 12.5},
        {"drs_job_remaining_seconds", 300},
        {"drs_job_status_changes_total", 3},
        {"drs_job_failed", 0},
        {"drs_job_stale", 0},
        {"drs_job_precheck_complete", 1},
        {"drs_job_precheck_passed", 0},
        {"drs_job_precheck_passed_ratio", 0.9},
        {"drs_job_node_cpu_ratio", 0.31},
        {"drs_job_node_memory_ratio", 0.62},
        {"drs_job_apply_rows_per_second", 1500},
        {"drs_job_apply_transactions_per_second", 120},
        {"drs_job_node_network_receive_bytes_per_second", 1e6},
        {"drs_job_node_network_transmit_bytes_per_second", 2e6},
        {"drs_job_node_disk_read_bytes_per_second", 3e5},
        {"drs_job_node_disk_write_bytes_per_second", 4e5},
        {"drs_job_created_timestamp_seconds", 1'600'000'000.412},
        {"drs_job_status_last_change_timestamp_seconds", 1'700'000'100},
        {"drs_job_last_refresh_timestamp_seconds", 1'700'000'200},
        {"drs_job_objects_collect_last_success_timestamp_seconds", 1'700'000'050},
        {"drs_job_rpo_seconds", 12},
        {"drs_job_rto_seconds", 4},
        {"drs_job_rpo_checkpoint_timestamp_seconds", 1'700'000'040},
        {"drs_job_dr_node_cpu_ratio", 0.37},
        {"drs_job_dr_memory_used_bytes", 2048.0 * 1024 * 1024},
        {"drs_job_dr_node_memory_bytes", 8192.0 * 1024 * 1024},
        {"drs_job_dr_volume_used_bytes", 20.0 * 1024 * 1024 * 1024},
        {"drs_job_dr_node_volume_bytes", 100.0 * 1024 * 1024 * 1024},
        {"drs_job_dr_transferred_bytes", 512.0 * 1024 * 1024},
        {"drs_job_dr_transferred_rows", 1048576},
        {"drs_job_dr_bandwidth", 12.5},
        {"drs_job_dr_migration_bytes_per_second", 65536},
    };
    for (const auto& [family, value] : numbers)
        EXPECT_NEAR(sample(text, family), value, 1e-6 * std::max(1.0, value)) << family;
    const std::tuple<std::string, std::string, double> labelled[] = {
        {"drs_job_phase_progress_ratio", "phase=\"struct\"", 1},
        {"drs_job_phase_progress_ratio", "phase=\"data\"", 0.5},
        {"drs_job_phase_progress_ratio", "phase=\"index\"", 0.25},
        {"drs_job_status", "status=\"INCRE_TRANSFER_STARTED\"", 1},
        {"drs_job_api_error", "error_code=\"DRS.M00289\"", 1},
        {"drs_job_precheck_items", "result=\"passed\"", 1},
        {"drs_job_precheck_items", "result=\"alarm\"", 1},
        {"drs_job_precheck_items", "result=\"failed\"", 1},
        {"drs_job_precheck_item_not_passed", "item=\"ttl_indexes\"", 1},
        {"drs_job_init_objects", "object_type=\"table\",side=\"source\"", 120},
        {"drs_job_init_objects", "object_type=\"table\",side=\"target\"", 118},
        {"drs_job_init_complete", "object_type=\"table\"", 1},
        {"drs_job_init_complete", "object_type=\"view\"", 0},
        {"drs_job_init_detail_objects", "object_type=\"table\",state=\"complete\"", 100},
        {"drs_job_init_detail_objects", "object_type=\"table\",state=\"in_progress\"", 20},
        {"drs_job_objects_collect_status", "status=\"success\"", 1},
        {"drs_job_endpoint_up", "side=\"source\"", 1},
        {"drs_job_endpoint_up", "side=\"target\"", 0},
        {"drs_job_dr_delay_seconds", "side=\"source\"", 3},
        {"drs_job_dr_delay_seconds", "side=\"target\"", 9},
        {"drs_job_dr_rows_per_second", "side=\"source\"", 1520},
        {"drs_job_dr_rows_per_second", "side=\"target\"", 1498.5},
        {"drs_job_dr_io", "side=\"source\"", 35},
        {"drs_job_dr_io", "side=\"target\"", 41},
        {"drs_job_component_status", "component=\"capture\",status=\"STARTED\"", 1},
        {"drs_job_component_status", "component=\"capture\",status=\"STOPPED\"", 0},
        {"drs_job_component_status", "component=\"apply\",status=\"STOPPED\"", 1},
        {"drs_job_component_status", "component=\"apply\",status=\"STARTED\"", 0},
        {"drs_job_component_delay_seconds", "component=\"capture\"", 2},
        {"drs_job_current_action", "action=\"SWITCH_OVER\"", 1},
        {"drs_job_info",
         "name=\"orders-sync\",db_use_type=\"sync\",engine_type=\"mysql-to-mysql\",task_type=\"FULL_INCR_"
         "TRANS\","
         "job_direction=\"up\",parent_id=\"parent-1\",async_job_id=\"async-1\"",
         1},
    };
    for (const auto& [family, labels, value] : labelled)
        EXPECT_EQ(sample(text, family, labels), value) << family << "{" << labels << "}";

    s.stale = true;
    const auto stale = metrics::job_collector(store_with(s), core::system_clock()).render();
    EXPECT_EQ(sample(stale, "drs_job_stale"), 1);
}

}  // namespace
}  // namespace drsmon::app
