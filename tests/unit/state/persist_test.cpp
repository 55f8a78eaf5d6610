#include "drsmon/state/persist.hpp"

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace drsmon::state {
namespace {

using testing::at;

store populated()
{
    store s;
    s.upsert({"proj-a", "job-1"}, testing::full_job());
    job_state minimal;
    minimal.status = "CONFIGURATION";
    s.upsert({"proj-b", "job-2"}, minimal);
    s.upsert({"proj-b", "job-3"}, job_state{});
    return s;
}

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

TEST(StatePersist, SaveThenLoadRoundTripsEveryField)
{
    testing::temp_dir dir;
    const auto path = dir.file("state.json");
    const store original = populated();
    ASSERT_TRUE(save(original, 1234, path).has_value());
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

    auto loaded = load(path);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
    EXPECT_EQ(loaded->next_event_seq, 1234u);
    EXPECT_EQ(loaded->jobs.snapshot(), original.snapshot());
}

TEST(StatePersist, SaveReplacesAnExistingFile)
{
    testing::temp_dir dir;
    const auto path = dir.file("state.json");
    ASSERT_TRUE(save(populated(), 1, path).has_value());
    ASSERT_TRUE(save(store{}, 2, path).has_value());
    auto loaded = load(path);
    ASSERT_TRUE(loaded.has_value());
    EXPECT_TRUE(loaded->jobs.empty());
    EXPECT_EQ(loaded->next_event_seq, 2u);
}

TEST(StatePersist, AMissingFileIsNotFound)
{
    testing::temp_dir dir;
    auto r = load(dir.file("absent.json"));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), core::errc::not_found);
}

TEST(StatePersist, SavingIntoAMissingDirectoryIsAnIoError)
{
    auto r = save(populated(), 1, "/nonexistent/drsmon/state.json");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), core::errc::io);
}

TEST(StatePersist, CorruptFilesAreRejectedWithTheirPath)
{
    testing::temp_dir dir;
    const auto path = dir.file("state.json");
    const char* bodies[] = {
        "{\"format\":\"drs-monitor-state\",\"version\":1,\"jobs\":[",
        "[]",
        "{\"format\":\"something-else\",\"version\":1,\"jobs\":[]}",
        "{\"format\":\"drs-monitor-state\",\"version\":99,\"jobs\":[]}",
        "{\"format\":\"drs-monitor-state\",\"version\":1,\"jobs\":[{\"job_id\":\"x\"}]}",
        "{\"format\":\"drs-monitor-state\",\"version\":1,\"jobs\":[{\"project\":\"p\",\"job_id\":\"x\","
        "\"progress_ratio\":\"high\"}]}",
    };
    for (const char* body : bodies)
    {
        write_file(path, body);
        auto r = load(path);
        ASSERT_FALSE(r.has_value()) << body;
        EXPECT_EQ(r.error().kind(), core::errc::bad_response) << body;
        EXPECT_EQ(r.error().where, path);
    }
}

TEST(StatePersist, TypeErrorsNameTheJsonPath)
{
    auto r = parse_state(
        "{\"format\":\"drs-monitor-state\",\"version\":1,\"jobs\":[{\"project\":\"p\",\"job_id\":\"x\","
        "\"node\":{\"cpu_ratio\":true}}]}"
    );
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().path, "$.jobs[0].node.cpu_ratio");
}

TEST(StatePersist, MoveAsideRenamesTheFileWithATimestamp)
{
    testing::temp_dir dir;
    const auto path = dir.file("state.json");
    write_file(path, "garbage");
    auto moved = move_aside(path, at(1'700'000'000));
    ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(*moved, path + ".corrupt-20231114T221320Z");
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_TRUE(std::filesystem::exists(*moved));
    EXPECT_FALSE(move_aside(path, at(1'700'000'000)).has_value());
}

TEST(StatePersist, AFullyPopulatedStateContainsNoSecretLikeField)
{
    store s;
    s.upsert({"p", "j"}, testing::full_job());
    std::string text = serialize_state(s, 1);
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* word : {"password", "passwd", "secret", "token", "\"sk\"", "\"ak\"", "credential"})
        EXPECT_EQ(text.find(word), std::string::npos) << word;
}

TEST(StatePersist, NonFiniteNumbersAreDroppedRatherThanWrittenAsInvalidJson)
{
    store s;
    job_state j;
    j.progress_ratio = std::numeric_limits<double>::quiet_NaN();
    j.delay_seconds = std::numeric_limits<double>::infinity();
    s.upsert({"p", "j"}, j);
    auto loaded = parse_state(serialize_state(s, 1));
    ASSERT_TRUE(loaded.has_value());
    EXPECT_FALSE(loaded->jobs.find({"p", "j"})->progress_ratio.has_value());
    EXPECT_FALSE(loaded->jobs.find({"p", "j"})->delay_seconds.has_value());
}

}  // namespace
}  // namespace drsmon::state
