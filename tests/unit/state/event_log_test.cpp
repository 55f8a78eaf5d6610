#include "drsmon/state/event_log.hpp"

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace drsmon::state {
namespace {

using testing::at;

event make_event(std::string job_id, event_kind kind = event_kind::status_changed)
{
    event e;
    e.time = at(1'700'000'000) + std::chrono::milliseconds(250);
    e.project = "proj";
    e.job_id = std::move(job_id);
    e.job_name = "orders sync";
    e.kind = kind;
    e.from = "FULL_TRANSFER_COMPLETE";
    e.to = "INCRE_TRANSFER_STARTED";
    return e;
}

event_log_options options(
    std::size_t capacity,
    std::string state_dir,
    std::uint64_t max_bytes = 10u << 20,
    unsigned max_files = 5
)
{
    event_log_options o;
    o.capacity = capacity;
    o.state_dir = std::move(state_dir);
    o.max_file_bytes = max_bytes;
    o.max_files = max_files;
    return o;
}

std::vector<std::string> read_lines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

TEST(StateEventLog, AppendAssignsIncreasingSeqsStartingAtTheGivenValue)
{
    event_log log({}, 41);
    std::vector<event> batch{make_event("a"), make_event("b")};
    ASSERT_TRUE(log.append(batch).has_value());
    EXPECT_EQ(batch[0].seq, 41u);
    EXPECT_EQ(batch[1].seq, 42u);
    EXPECT_EQ(log.next_seq(), 43u);
}

TEST(StateEventLog, SinceReturnsLaterEventsOldestFirstUpToTheLimit)
{
    event_log log;
    std::vector<event> batch{make_event("a"), make_event("b"), make_event("c"), make_event("d")};
    log.append(batch);
    const auto later = log.since(1, 2);
    ASSERT_EQ(later.size(), 2u);
    EXPECT_EQ(later[0].job_id, "b");
    EXPECT_EQ(later[1].job_id, "c");
    EXPECT_TRUE(log.since(4, 10).empty());
}

TEST(StateEventLog, TheRingKeepsOnlyTheNewestEvents)
{
    event_log log(options(2, ""));
    std::vector<event> batch{make_event("a"), make_event("b"), make_event("c")};
    log.append(batch);
    EXPECT_EQ(log.size(), 2u);
    const auto all = log.since(0, 10);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].job_id, "b");
    EXPECT_EQ(all[1].seq, 3u);
}

TEST(StateEventLog, CountsEventsPerProjectAndKind)
{
    event_log log;
    std::vector<event> batch{make_event("a"), make_event("b"), make_event("a", event_kind::job_failed)};
    batch[1].project = "other";
    log.append(batch);
    EXPECT_EQ(log.counts().at({"proj", event_kind::status_changed}), 1u);
    EXPECT_EQ(log.counts().at({"other", event_kind::status_changed}), 1u);
    EXPECT_EQ(log.counts().at({"proj", event_kind::job_failed}), 1u);
}

TEST(StateEventLog, WritesOneJsonLinePerEventToTheStateDir)
{
    testing::temp_dir dir;
    event_log log(options(100, dir.path().string()));
    std::vector<event> batch{make_event("a"), make_event("b")};
    ASSERT_TRUE(log.append(batch).has_value());
    const auto lines = read_lines(dir.file("events.jsonl"));
    ASSERT_EQ(lines.size(), 2u);
    auto parsed = from_json_line(lines[1]);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, batch[1]);
}

TEST(StateEventLog, RotatesTheFileBySizeAndKeepsABoundedNumberOfFiles)
{
    testing::temp_dir dir;
    event_log log(options(100, dir.path().string(), 600, 2));
    for (int i = 0; i < 20; ++i)
    {
        std::vector<event> batch{make_event("job-" + std::to_string(i))};
        ASSERT_TRUE(log.append(batch).has_value());
    }
    EXPECT_TRUE(std::filesystem::exists(dir.file("events.jsonl")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("events.jsonl.1")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("events.jsonl.2")));
    EXPECT_FALSE(std::filesystem::exists(dir.file("events.jsonl.3")));
    EXPECT_LE(std::filesystem::file_size(dir.file("events.jsonl")), 600u);
    const auto newest = read_lines(dir.file("events.jsonl"));
    ASSERT_FALSE(newest.empty());
    EXPECT_EQ(from_json_line(newest.back())->job_id, "job-19");
}

TEST(StateEventLog, AnUnwritableStateDirIsAnErrorButEventsStayInMemory)
{
    event_log log(options(100, "/nonexistent/drsmon/state"));
    std::vector<event> batch{make_event("a")};
    auto r = log.append(batch);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), core::errc::io);
    EXPECT_EQ(log.size(), 1u);
    EXPECT_EQ(batch[0].seq, 1u);
}

TEST(StateEventLog, RestoresTheNewestEventsFromTheFileAfterARestart)
{
    testing::temp_dir dir;
    {
        event_log before(options(100, dir.path().string()));
        std::vector<event> batch{make_event("a"), make_event("b"), make_event("c")};
        ASSERT_TRUE(before.append(batch).has_value());
    }
    std::ofstream(dir.file("events.jsonl"), std::ios::app) << "{\"seq\":4,\"truncated";
    event_log after(options(2, dir.path().string()), 4);
    auto restored = after.restore_from_file();
    ASSERT_TRUE(restored.has_value());
    EXPECT_EQ(*restored, 2u);
    const auto events = after.since(0, 10);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].job_id, "b");
    EXPECT_EQ(events[1].seq, 3u);
    EXPECT_EQ(after.next_seq(), 4u);
}

TEST(StateEventLog, RestoringWithoutAFileRestoresNothing)
{
    testing::temp_dir dir;
    event_log log(options(10, dir.path().string()));
    auto restored = log.restore_from_file();
    ASSERT_TRUE(restored.has_value());
    EXPECT_EQ(*restored, 0u);
}

TEST(StateEventFormat, JsonLineCarriesEveryField)
{
    auto e = make_event("job-1");
    e.seq = 7;
    e.detail = "passed_ratio=0.9";
    e.after_restart = true;
    const auto line = to_json_line(e);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_NE(line.find("\"time\":\"2023-11-14T22:13:20.250Z\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"kind\":\"status_changed\""), std::string::npos);
    auto back = from_json_line(line);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, e);
}

TEST(StateEventFormat, MalformedJsonLinesAreRejected)
{
    EXPECT_FALSE(from_json_line("not json").has_value());
    EXPECT_FALSE(
        from_json_line("{\"seq\":1,\"time\":\"2023-11-14T22:13:20.250Z\",\"kind\":\"bogus\"}").has_value()
    );
    EXPECT_FALSE(from_json_line("{\"seq\":1,\"time\":\"yesterday\",\"kind\":\"job_added\"}").has_value());
}

TEST(StateEventFormat, TimesOutsideYears1970To2200OrWithFieldsOutOfRangeAreRejected)
{
    const auto line_at = [](const std::string& time) {
        return "{\"seq\":1,\"time\":\"" + time + "\",\"kind\":\"job_added\"}";
    };
    ASSERT_TRUE(from_json_line(line_at("2023-11-14T22:13:20.250Z")).has_value());
    for (const char* bad : {
             "4052-11-23T13:18:36.196Z",  // past 2262: overflowed wall_time before
             "2201-01-01T00:00:00.000Z",
             "1969-12-31T23:59:59.999Z",
             "-999-01-01T00:00:00.000Z",
             "2023-13-14T22:13:20.250Z",  // timegm used to roll this into 2024
             "2023-02-30T22:13:20.250Z",
             "2023-11-14T24:00:00.000Z",
             "2023-11-14T22:60:00.000Z",
             "2023-11-14T22:13:60.000Z",
             "2023-11-14T22:13:20.-01Z",
         })
        EXPECT_FALSE(from_json_line(line_at(bad)).has_value()) << bad;
    const auto first = from_json_line(line_at("1970-01-01T00:00:00.000Z"));
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->time, drsmon::core::wall_time{});
    const auto last = from_json_line(line_at("2200-12-31T23:59:59.999Z"));
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(
        last->time.time_since_epoch(),
        std::chrono::milliseconds(drsmon::core::parsed_unix_millis_end - 1)
    );
}

TEST(StateEventFormat, LogfmtQuotesValuesThatNeedIt)
{
    auto e = make_event("job-1");
    e.seq = 3;
    e.detail = "say \"hi\"";
    const auto line = to_logfmt(e);
    EXPECT_EQ(
        line,
        "seq=3 time=2023-11-14T22:13:20.250Z project=proj job_id=job-1 job_name=\"orders sync\" "
        "kind=status_changed from=FULL_TRANSFER_COMPLETE to=INCRE_TRANSFER_STARTED detail=\"say \\\"hi\\\"\" "
        "after_restart=false"
    );
}

}  // namespace
}  // namespace drsmon::state
