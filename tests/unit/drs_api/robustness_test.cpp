#include "drsmon/drs_api/dr_parse.hpp"
#include "drsmon/drs_api/errors.hpp"
#include "drsmon/drs_api/parse.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace drsmon;
using namespace drsmon::drs_api;
using drs_api::test::fixture;

namespace {

const std::vector<std::string> fixtures{
    "batch_status.json",
    "batch_progress.json",
    "batch_detail.json",
    "batch_precheck_result_dds.json",
    "batch_struct_process.json",
    "batch_struct_detail.json",
    "job_list.json",
    "job_list_v5.json",
    "batch_async_jobs.json",
    "v5_job_detail_monitoring.json",
    "db_objects_collect.json",
    "batch_rpo_and_rto.json",
    "dr_monitoring_data.json",
    "increment_components_detail.json",
    "job_actions.json",
};

// Runs every parser and the error helpers on body; returns how many parsers succeeded.
// Any crash, hang or exception fails the test run.
int run_all(std::string_view body)
{
    int ok = 0;
    ok += parse_batch_status(body).has_value();
    ok += parse_batch_progress(body).has_value();
    ok += parse_batch_detail(body).has_value();
    ok += parse_batch_precheck_result(body).has_value();
    ok += parse_batch_struct_process(body).has_value();
    ok += parse_batch_struct_detail(body).has_value();
    ok += parse_job_list(body).has_value();
    ok += parse_job_list_v5(body).has_value();
    ok += parse_async_job_detail(body).has_value();
    ok += parse_db_objects_collect(body).has_value();
    ok += parse_collection_status(body).has_value();
    ok += parse_batch_rpo_rto(body).has_value();
    ok += parse_dr_monitoring(body).has_value();
    ok += parse_increment_components(body).has_value();
    ok += parse_job_actions(body).has_value();
    (void)whole_batch_not_found(body);
    (void)classify_failure(api::batch_status, reply_view{400, body, {}, {}}, core::wall_time{});
    return ok;
}

}  // namespace

TEST(ParserRobustness, EveryTruncationOfEveryFixtureIsAnErrorNotACrash)
{
    for (const auto& name : fixtures)
    {
        const std::string body = fixture(name);
        for (std::size_t n = 0; n + 2 < body.size(); ++n)
            EXPECT_EQ(run_all(std::string_view(body).substr(0, n)), 0) << name << " truncated at " << n;
    }
}

TEST(ParserRobustness, RandomByteMutationsNeverThrow)
{
    std::mt19937 rng(12345);
    for (const auto& name : fixtures)
    {
        const std::string body = fixture(name);
        for (int round = 0; round < 300; ++round)
        {
            std::string m = body;
            const int edits = 1 + static_cast<int>(rng() % 4);
            for (int e = 0; e < edits; ++e)
                m[rng() % m.size()] = static_cast<char>("{}[]\":,0-9aZ% \\nt"[rng() % 17]);
            EXPECT_NO_THROW(run_all(m)) << name;
        }
    }
}

TEST(ParserRobustness, DeeplyNestedInputIsRejected)
{
    const std::string deep = std::string(10000, '[') + std::string(10000, ']');
    EXPECT_EQ(run_all(deep), 0);
    const std::string deep_obj = R"({"results":[{"id":"a","x":)" + std::string(5000, '[') +
                                 std::string(5000, ']') + "}]}";
    EXPECT_FALSE(parse_batch_status(deep_obj).has_value());
}

TEST(ParserRobustness, HugeAndOddNumbersGiveNoValueRatherThanGarbage)
{
    const auto r = parse_batch_detail(
        R"({"results":[{"id":"a","node_num":1e300,"create_time":"99999999999999999999999",)"
        R"("update_time":-5,"actual_start_time":1.5e20}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->results[0].node_num);
    EXPECT_FALSE(r->results[0].create_time);
    EXPECT_FALSE(r->results[0].update_time);
    EXPECT_FALSE(r->results[0].actual_start_time);
}

TEST(ParserRobustness, EpochMillisecondsPastYear2200GiveNoTimeRatherThanAnOverflow)
{
    // 16082749190000 ms is year 2479, beyond what wall_time's int64 nanoseconds hold.
    const auto r = parse_batch_detail(
        R"({"results":[{"id":"a","create_time":"16082749190000","update_time":9200000000000,)"
        R"("actual_start_time":"7289654399999","full_transfer_complete_time":"7289654400000"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->results[0].create_time);
    EXPECT_FALSE(r->results[0].update_time);
    ASSERT_TRUE(r->results[0].actual_start_time);
    EXPECT_EQ(r->results[0].actual_start_time->time_since_epoch(), std::chrono::milliseconds(7289654399999));
    EXPECT_FALSE(r->results[0].full_transfer_complete_time);
}

TEST(ParserRobustness, IsoTimesOutsideYears1970To2200GiveNoTime)
{
    const auto r = parse_batch_detail(
        R"({"results":[{"id":"a","create_time":"9999-12-31T23:59:59Z","update_time":"1677-01-01T00:00:00Z",)"
        R"("actual_start_time":"2200-12-31T23:59:59.5+01:00","full_transfer_complete_time":"2201-01-01T00:00:00Z"}]})"
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->results[0].create_time);
    EXPECT_FALSE(r->results[0].update_time);
    ASSERT_TRUE(r->results[0].actual_start_time);
    EXPECT_EQ(
        r->results[0].actual_start_time->time_since_epoch(),
        std::chrono::milliseconds(core::parsed_unix_millis_end - 3'600'000 - 500)
    );
    EXPECT_FALSE(r->results[0].full_transfer_complete_time);
}

TEST(ParserRobustness, RetryAfterDatesFarInTheFutureGiveSecondsWithoutOverflow)
{
    const auto now = core::from_unix_millis(1445412480000);  // Wed, 21 Oct 2015 07:28:00 GMT
    const auto far = parse_retry_after("Wed, 21 Oct 5021 07:28:00 GMT", now);
    ASSERT_TRUE(far);
    const auto expected = std::chrono::sys_days{std::chrono::year{5021} / 10 / 21} + std::chrono::hours(7) +
                          std::chrono::minutes(28) -
                          std::chrono::sys_seconds{std::chrono::seconds(1445412480)};
    EXPECT_EQ(*far, expected);
    EXPECT_EQ(parse_retry_after("Mon, 01 Jan 0001 00:00:00 GMT", now), std::chrono::seconds(0));
}
