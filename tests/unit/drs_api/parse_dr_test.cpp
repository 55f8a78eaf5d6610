#include "drsmon/drs_api/dr_parse.hpp"
#include "drsmon/drs_api/errors.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <optional>
#include <string>

using namespace drsmon;
using namespace drsmon::drs_api;
using drs_api::test::at_millis;
using drs_api::test::expect_error_at;
using drs_api::test::fixture;

namespace {

core::wall_time utc(int y, unsigned mo, unsigned d, int h, int mi, int s)
{
    using namespace std::chrono;
    return core::wall_time{
        sys_days{year{y} / month{mo} / day{d}}.time_since_epoch() + hours(h) + minutes(mi) + seconds(s)};
}

constexpr double mib = 1024.0 * 1024.0;

// A test name from a case's description ("string with unit" -> "string_with_unit").
template <class Case>
std::string case_name(const testing::TestParamInfo<Case>& param_info)
{
    std::string n = param_info.param.name;
    for (char& ch : n)
    {
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    }
    return n;
}

}  // namespace

// ---- delays ---------------------------------------------------------------------------

struct delay_case
{
    const char* text;
    std::optional<double> seconds;
};

class ParseDelayText : public testing::TestWithParam<delay_case>
{
};

TEST_P(ParseDelayText, GivesSecondsOrNothing)
{
    const auto& c = GetParam();
    const auto got = parse_delay_text(c.text);
    ASSERT_EQ(got.has_value(), c.seconds.has_value()) << '"' << c.text << '"';
    if (got)
    {
        EXPECT_DOUBLE_EQ(*got, *c.seconds) << '"' << c.text << '"';
    }
}

INSTANTIATE_TEST_SUITE_P(
    StringsWithAndWithoutUnits,
    ParseDelayText,
    testing::Values(
        delay_case{"12", 12.0},
        delay_case{" 12.5 ", 12.5},
        delay_case{"0", 0.0},
        delay_case{"12s", 12.0},
        delay_case{"12 S", 12.0},
        delay_case{"12 seconds", 12.0},
        delay_case{"1500ms", 1.5},
        delay_case{"2min", 120.0},
        delay_case{"2 m", 120.0},
        delay_case{"1h", 3600.0},
        delay_case{"-1", std::nullopt},
        delay_case{"-1s", std::nullopt},
        delay_case{"", std::nullopt},
        delay_case{"   ", std::nullopt},
        delay_case{"s", std::nullopt},
        delay_case{"12%", std::nullopt},
        delay_case{"12 parsecs", std::nullopt},
        delay_case{"twelve", std::nullopt},
        delay_case{"nan", std::nullopt},
        delay_case{"inf", std::nullopt},
        delay_case{"1e400", std::nullopt},
        delay_case{"1e306h", std::nullopt},
        delay_case{"9e307 min", std::nullopt},
        delay_case{"1e308ms", 1e305},
        delay_case{"12 s s", std::nullopt}
    )
);

// ---- batch-rpo-and-rto ----------------------------------------------------------------

TEST(ParseBatchRpoRto, ReadsTheReferenceShape)
{
    const auto r = parse_batch_rpo_rto(fixture("batch_rpo_and_rto.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->count, 3);
    ASSERT_EQ(r->results.size(), 3u);

    const auto& healthy = r->results[0];
    EXPECT_EQ(healthy.job_id, "3f6a1c2e-0d8b-4c47-9b1e-7e2d4a5c8jb21");
    EXPECT_FALSE(healthy.error);
    ASSERT_TRUE(healthy.rpo);
    EXPECT_EQ(healthy.rpo->delay_seconds, 12.0);
    EXPECT_EQ(healthy.rpo->time, utc(2026, 12, 5, 18, 59, 48));
    EXPECT_EQ(healthy.rpo->check_point, "mysql-bin.000012:4476");
    ASSERT_TRUE(healthy.rto);
    EXPECT_EQ(healthy.rto->delay_seconds, 3.0);
    EXPECT_EQ(healthy.rto->time, utc(2026, 12, 5, 18, 59, 57));

    // "-1" and empty strings are not reported, and a null rto_info is no RTO.
    const auto& idle = r->results[1];
    ASSERT_TRUE(idle.rpo);
    EXPECT_FALSE(idle.rpo->delay_seconds);
    EXPECT_FALSE(idle.rpo->time);
    EXPECT_EQ(idle.rpo->check_point, "");
    EXPECT_FALSE(idle.rto);

    const auto& not_dr = r->results[2];
    ASSERT_TRUE(not_dr.error);
    EXPECT_EQ(not_dr.error->code, "DRS.M00304");
    EXPECT_TRUE(is_not_applicable_code(not_dr.error->code));
    EXPECT_FALSE(not_dr.rpo);
    EXPECT_FALSE(not_dr.rto);
}

TEST(ParseBatchRpoRto, NeverKeepsTheGtidSet)
{
    const auto r = parse_batch_rpo_rto(fixture("batch_rpo_and_rto.json"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].rpo->check_point.find("6a1b0f6e"), std::string::npos);
}

struct rpo_item_case
{
    const char* name;
    const char* item;
    std::optional<double> rpo_delay;  // nullopt: rpo_info present without a delay
    bool has_rpo;
};

class ParseBatchRpoRtoItem : public testing::TestWithParam<rpo_item_case>
{
};

TEST_P(ParseBatchRpoRtoItem, ReadsTheDelayDefensively)
{
    const auto& c = GetParam();
    const auto r = parse_batch_rpo_rto(std::string(R"({"results":[)") + c.item + "]}");
    ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error().to_string();
    ASSERT_EQ(r->results.size(), 1u);
    const auto& j = r->results[0];
    ASSERT_EQ(j.rpo.has_value(), c.has_rpo) << c.name;
    if (j.rpo)
    {
        EXPECT_EQ(j.rpo->delay_seconds, c.rpo_delay) << c.name;
    }
}

// clang-format 14 joins this table into one line (the template argument of case_name); laid out by hand.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Shapes,
    ParseBatchRpoRtoItem,
    testing::Values(
        rpo_item_case{"string seconds", R"({"job_id":"a","rpo_info":{"delay":"300"}})", 300.0, true},
        rpo_item_case{"number", R"({"job_id":"a","rpo_info":{"delay":42}})", 42.0, true},
        rpo_item_case{"string with unit", R"({"job_id":"a","rpo_info":{"delay":"5min"}})", 300.0, true},
        rpo_item_case{"milliseconds", R"({"job_id":"a","rpo_info":{"delay":"250 ms"}})", 0.25, true},
        rpo_item_case{"minus one", R"({"job_id":"a","rpo_info":{"delay":"-1"}})", std::nullopt, true},
        rpo_item_case{"number minus one", R"({"job_id":"a","rpo_info":{"delay":-1}})", std::nullopt, true},
        rpo_item_case{"empty string", R"({"job_id":"a","rpo_info":{"delay":""}})", std::nullopt, true},
        rpo_item_case{"null delay", R"({"job_id":"a","rpo_info":{"delay":null}})", std::nullopt, true},
        rpo_item_case{"boolean delay", R"({"job_id":"a","rpo_info":{"delay":true}})", std::nullopt, true},
        rpo_item_case{"no delay", R"({"job_id":"a","rpo_info":{}})", std::nullopt, true},
        rpo_item_case{"missing rpo_info", R"({"job_id":"a"})", std::nullopt, false},
        rpo_item_case{"null rpo_info", R"({"job_id":"a","rpo_info":null})", std::nullopt, false},
        rpo_item_case{"id instead of job_id", R"({"id":"a","rpo_info":{"delay":"1"}})", 1.0, true}
    ),
    case_name<rpo_item_case>
);
// clang-format on

TEST(ParseBatchRpoRto, ReadsTheTimeAsUtcWithOrWithoutAnOffsetOrAsEpochMilliseconds)
{
    const auto r = parse_batch_rpo_rto(
        R"({"results":[{"job_id":"a","rpo_info":{"time":"2026-12-05 18:59:48"}},)"
        R"({"job_id":"b","rpo_info":{"time":"2026-12-05T19:59:48+01:00"}},)"
        R"({"job_id":"c","rpo_info":{"time":"1764961188000"}},)"
        R"({"job_id":"d","rpo_info":{"time":"05/12/2026"}}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->results[0].rpo->time, utc(2026, 12, 5, 18, 59, 48));
    EXPECT_EQ(r->results[1].rpo->time, utc(2026, 12, 5, 18, 59, 48));
    EXPECT_EQ(r->results[2].rpo->time, at_millis(1764961188000));
    EXPECT_FALSE(r->results[3].rpo->time);
}

TEST(ParseBatchRpoRto, ReportsBadShapesWithTheApiAndThePath)
{
    expect_error_at(parse_batch_rpo_rto("{}"), "batch-rpo-and-rto", "$.results");
    expect_error_at(parse_batch_rpo_rto(R"({"results":{}})"), "batch-rpo-and-rto", "$.results");
    expect_error_at(parse_batch_rpo_rto(R"({"results":[7]})"), "batch-rpo-and-rto", "$.results[0]");
    expect_error_at(
        parse_batch_rpo_rto(R"({"results":[{"job_id":"a","rpo_info":"12"}]})"),
        "batch-rpo-and-rto",
        "$.results[0].rpo_info"
    );
    expect_error_at(
        parse_batch_rpo_rto(R"({"results":[{"job_id":"a"},{"job_id":"b","rto_info":[]}]})"),
        "batch-rpo-and-rto",
        "$.results[1].rto_info"
    );
    expect_error_at(
        parse_batch_rpo_rto(R"({"results":[{"rpo_info":{}}]})"),
        "batch-rpo-and-rto",
        "$.results[0].job_id"
    );
    expect_error_at(
        parse_batch_rpo_rto(R"({"results":[{"job_id":5}]})"),
        "batch-rpo-and-rto",
        "$.results[0].job_id"
    );
    expect_error_at(parse_batch_rpo_rto("not json"), "batch-rpo-and-rto", "$");
}

// ---- disaster-recovery-monitoring-data -------------------------------------------------

TEST(ParseDrMonitoring, ReadsTheMisspeltObjectInBaseUnits)
{
    const auto r = parse_dr_monitoring(fixture("dr_monitoring_data.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->count, 3);
    ASSERT_EQ(r->results.size(), 3u);

    const auto& j = r->results[0];
    EXPECT_EQ(j.job_id, "3f6a1c2e-0d8b-4c47-9b1e-7e2d4a5c8jb21");
    ASSERT_TRUE(j.monitor);
    const auto& m = *j.monitor;
    EXPECT_EQ(m.source.normal, true);
    EXPECT_EQ(m.target.normal, false);
    EXPECT_EQ(m.source.delay_seconds, 4.0);
    EXPECT_EQ(m.target.delay_seconds, 7.0);
    EXPECT_EQ(m.source.rows_per_second, 1520.0);
    EXPECT_EQ(m.target.rows_per_second, 1498.5);
    EXPECT_EQ(m.source.io, 35.0);
    EXPECT_EQ(m.target.io, 41.0);
    EXPECT_EQ(m.source.offset, "mysql-bin.000012:4476");
    EXPECT_EQ(m.target.offset, "mysql-bin.000012:4398");
    EXPECT_EQ(m.node_offset, "mysql-bin.000012:4410");
    EXPECT_EQ(m.bandwidth, 12.5);
    ASSERT_TRUE(m.cpu_used_ratio);
    EXPECT_DOUBLE_EQ(*m.cpu_used_ratio, 0.37);
    EXPECT_EQ(m.memory_used_bytes, 2048 * mib);
    EXPECT_EQ(m.volume_used_bytes, 20 * 1024 * mib);
    EXPECT_EQ(m.node_memory_bytes, 8192 * mib);
    EXPECT_EQ(m.node_volume_bytes, 100 * 1024 * mib);
    EXPECT_EQ(m.transferred_bytes, 512 * mib);
    EXPECT_EQ(m.transferred_rows, 1048576.0);
    EXPECT_EQ(m.migration_bytes_per_second, 65536.0);

    // -1 and empty strings are absent, not zero; booleans that are not sent are unknown.
    ASSERT_TRUE(r->results[1].monitor);
    const auto& idle = *r->results[1].monitor;
    EXPECT_FALSE(idle.source.delay_seconds);
    EXPECT_FALSE(idle.target.delay_seconds);
    EXPECT_FALSE(idle.source.rows_per_second);
    EXPECT_FALSE(idle.cpu_used_ratio);
    EXPECT_FALSE(idle.memory_used_bytes);
    EXPECT_FALSE(idle.source.normal);
    EXPECT_FALSE(idle.node_volume_bytes);

    ASSERT_TRUE(r->results[2].error);
    EXPECT_TRUE(is_not_applicable_code(r->results[2].error->code));
    EXPECT_FALSE(r->results[2].monitor);
}

struct monitor_case
{
    const char* name;
    const char* item;
    bool has_monitor;
    std::optional<bool> src_normal;
    std::optional<double> src_delay;
};

class ParseDrMonitoringItem : public testing::TestWithParam<monitor_case>
{
};

TEST_P(ParseDrMonitoringItem, ReadsEitherSpellingAndEveryValueForm)
{
    const auto& c = GetParam();
    const auto r = parse_dr_monitoring(std::string(R"({"results":[)") + c.item + "]}");
    ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error().to_string();
    const auto& j = r->results.at(0);
    ASSERT_EQ(j.monitor.has_value(), c.has_monitor) << c.name;
    if (!j.monitor)
        return;
    EXPECT_EQ(j.monitor->source.normal, c.src_normal) << c.name;
    EXPECT_EQ(j.monitor->source.delay_seconds, c.src_delay) << c.name;
}

// clang-format 14 joins this table into one line (the template argument of case_name); laid out by hand.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Shapes,
    ParseDrMonitoringItem,
    testing::Values(
        monitor_case{
            "misspelt",
            R"({"id":"a","data_guard_minitor":{"src_normal":true,"sr_delay":3}})",
            true,
            true,
            3.0},
        monitor_case{
            "corrected",
            R"({"id":"a","data_guard_monitor":{"src_normal":false,"sr_delay":"3"}})",
            true,
            false,
            3.0},
        monitor_case{
            "both spellings, misspelt wins",
            R"({"id":"a","data_guard_monitor":{"sr_delay":9},"data_guard_minitor":{"sr_delay":3}})",
            true,
            std::nullopt,
            3.0},
        monitor_case{
            "src_delay spelling",
            R"({"id":"a","data_guard_minitor":{"src_delay":"8s"}})",
            true,
            std::nullopt,
            8.0},
        monitor_case{
            "normal as string",
            R"({"id":"a","data_guard_minitor":{"src_normal":"TRUE"}})",
            true,
            true,
            std::nullopt},
        monitor_case{
            "normal as garbage",
            R"({"id":"a","data_guard_minitor":{"src_normal":"yes","sr_delay":"x"}})",
            true,
            std::nullopt,
            std::nullopt},
        monitor_case{
            "delay minus one",
            R"({"id":"a","data_guard_minitor":{"sr_delay":-1}})",
            true,
            std::nullopt,
            std::nullopt},
        monitor_case{"missing object", R"({"id":"a"})", false, std::nullopt, std::nullopt},
        monitor_case{
            "null object",
            R"({"id":"a","data_guard_minitor":null})",
            false,
            std::nullopt,
            std::nullopt},
        monitor_case{
            "job_id instead of id",
            R"({"job_id":"a","data_guard_minitor":{}})",
            true,
            std::nullopt,
            std::nullopt}
    ),
    case_name<monitor_case>
);
// clang-format on

TEST(ParseDrMonitoring, NegativeSizesAndRatesAreAbsent)
{
    const auto r = parse_dr_monitoring(
        R"({"results":[{"id":"a","data_guard_minitor":{"mem_used_inMB":"-1","src_rps":"-1",)"
        R"("cpuUsed_percent":"-1%","trans_lines":-3}}]})"
    );
    ASSERT_TRUE(r.has_value());
    const auto& m = *r->results[0].monitor;
    EXPECT_FALSE(m.memory_used_bytes);
    EXPECT_FALSE(m.source.rows_per_second);
    EXPECT_FALSE(m.cpu_used_ratio);
    EXPECT_FALSE(m.transferred_rows);
}

// A size whose product with its unit overflows a double is no figure, never infinity (found by
// the fuzzer: tests/data/fuzz/regressions/drs_api_dr_parse/).
TEST(ParseDrMonitoring, SizesThatOverflowInBaseUnitsAreAbsent)
{
    const auto r = parse_dr_monitoring(
        R"({"results":[{"id":"a","data_guard_monitor":{"volume_used_inGB":1e300,"node_mem_inMB":"1e305",)"
        R"("trans_inMB":1.7e308,"node_volume_inGB":"2","sr_delay":"1e306h"}}]})"
    );
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    const auto& m = *r->results[0].monitor;
    EXPECT_FALSE(m.volume_used_bytes);
    EXPECT_FALSE(m.node_memory_bytes);
    EXPECT_FALSE(m.transferred_bytes);
    EXPECT_FALSE(m.source.delay_seconds);
    ASSERT_TRUE(m.node_volume_bytes);
    EXPECT_EQ(*m.node_volume_bytes, 2.0 * 1024 * mib);
}

TEST(ParseDrMonitoring, ReportsBadShapesWithTheApiAndThePath)
{
    constexpr const char* api = "disaster-recovery-monitoring-data";
    expect_error_at(parse_dr_monitoring(R"({"count":1})"), api, "$.results");
    expect_error_at(
        parse_dr_monitoring(R"({"results":[{"id":"a","data_guard_minitor":"up"}]})"),
        api,
        "$.results[0].data_guard_minitor"
    );
    expect_error_at(
        parse_dr_monitoring(R"({"results":[{"id":"a","data_guard_monitor":[]}]})"),
        api,
        "$.results[0].data_guard_monitor"
    );
    expect_error_at(
        parse_dr_monitoring(R"({"results":[{"data_guard_minitor":{}}]})"),
        api,
        "$.results[0].id"
    );
    expect_error_at(parse_dr_monitoring("[]"), api, "$");
}

// ---- increment-components-detail --------------------------------------------------------

TEST(ParseIncrementComponents, ReadsCaptureAndApply)
{
    const auto r = parse_increment_components(fixture("increment_components_detail.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->update_time, at_millis(1764961188000));
    ASSERT_EQ(r->components.size(), 2u);
    const auto& capture = r->components[0];
    EXPECT_EQ(capture.type, "capture");
    EXPECT_EQ(capture.status, "STARTED");
    EXPECT_EQ(capture.delay_seconds, 2.0);
    EXPECT_EQ(capture.start_point, "mysql-bin.000010:4");
    EXPECT_EQ(capture.current_point, "mysql-bin.000012:4476");
    EXPECT_EQ(capture.resolution_time, at_millis(1764961187000));
    const auto& apply = r->components[1];
    EXPECT_EQ(apply.type, "apply");
    EXPECT_EQ(apply.status, "STOPPED");
    EXPECT_FALSE(apply.delay_seconds);
}

TEST(ParseIncrementComponents, TakesAMissingOrNullListAsNoComponents)
{
    const auto missing = parse_increment_components(R"({"update_time":"0"})");
    ASSERT_TRUE(missing.has_value());
    EXPECT_TRUE(missing->components.empty());
    EXPECT_FALSE(missing->update_time);
    const auto null_list = parse_increment_components(R"({"increment_components_list":null})");
    ASSERT_TRUE(null_list.has_value());
    EXPECT_TRUE(null_list->components.empty());
}

TEST(ParseIncrementComponents, ReadsDelaysWithUnitsAndEmptyStrings)
{
    const auto r = parse_increment_components(
        R"({"increment_components_list":[{"type":"capture","status":"STARTING","delay":"3s"},)"
        R"({"type":"apply","status":"STARTED","delay":""},{"type":"apply","status":"STARTED","delay":17}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->components[0].delay_seconds, 3.0);
    EXPECT_FALSE(r->components[1].delay_seconds);
    EXPECT_EQ(r->components[2].delay_seconds, 17.0);
}

TEST(ParseIncrementComponents, ReportsBadShapesWithTheApiAndThePath)
{
    constexpr const char* api = "increment-components-detail";
    expect_error_at(
        parse_increment_components(R"({"increment_components_list":{}})"),
        api,
        "$.increment_components_list"
    );
    expect_error_at(
        parse_increment_components(R"({"increment_components_list":["capture"]})"),
        api,
        "$.increment_components_list[0]"
    );
    expect_error_at(
        parse_increment_components(R"({"increment_components_list":[{"type":"capture","status":1}]})"),
        api,
        "$.increment_components_list[0].status"
    );
    expect_error_at(parse_increment_components("null"), api, "$");
}

// ---- actions ---------------------------------------------------------------------------

TEST(ParseJobActions, ReadsTheCurrentAction)
{
    const auto r = parse_job_actions(fixture("job_actions.json"));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->current_action, "SWITCH_OVER");
    EXPECT_EQ(r->available, (std::vector<std::string>{"PAUSE", "STOP", "SWITCH_OVER"}));
    EXPECT_EQ(r->unavailable, (std::vector<std::string>{"START", "RETRY"}));
}

TEST(ParseJobActions, ReadsTheJobActionWrapperAndNoCurrentAction)
{
    const auto wrapped = parse_job_actions(
        R"({"job_action":{"available_actions":["STOP"],"current_action":null}})"
    );
    ASSERT_TRUE(wrapped.has_value()) << wrapped.error().to_string();
    EXPECT_EQ(wrapped->current_action, "");
    EXPECT_EQ(wrapped->available, (std::vector<std::string>{"STOP"}));
    const auto empty = parse_job_actions("{}");
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->current_action, "");
    EXPECT_TRUE(empty->available.empty());
}

TEST(ParseJobActions, IgnoresEntriesThatAreNotNames)
{
    const auto r = parse_job_actions(
        R"({"available_actions":["STOP",{"name":"x"},3,null],"current_action":""})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->available, (std::vector<std::string>{"STOP"}));
}

TEST(ParseJobActions, ReportsBadShapesWithTheApiAndThePath)
{
    expect_error_at(parse_job_actions(R"({"current_action":5})"), "actions", "$.current_action");
    expect_error_at(parse_job_actions(R"({"available_actions":"STOP"})"), "actions", "$.available_actions");
    expect_error_at(
        parse_job_actions(R"({"job_action":{"current_action":["SWITCH_OVER"]}})"),
        "actions",
        "$.job_action.current_action"
    );
    expect_error_at(parse_job_actions(R"({"job_action":"none"})"), "actions", "$.job_action");
}
