// state.json is written by a small writer (lib/core/include/drsmon/core/json_writer.hpp) rather than through
// boost::json objects. These tests hold it to the text the boost::json version wrote, byte for
// byte: reference_job below is that version, kept here as the specification.
#include "drsmon/state/persist.hpp"

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace drsmon::state {
namespace {

namespace json = boost::json;

std::int64_t to_ns(core::wall_time t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void put(json::object& o, std::string_view k, const std::string& v)
{
    if (!v.empty())
        o[k] = v;
}
void put(json::object& o, std::string_view k, const std::optional<double>& v)
{
    if (v && std::isfinite(*v))
        o[k] = *v;
}
void put(json::object& o, std::string_view k, const std::optional<core::wall_time>& v)
{
    if (v)
        o[k] = to_ns(*v);
}
void put(json::object& o, std::string_view k, const std::optional<std::int64_t>& v)
{
    if (v)
        o[k] = *v;
}
void put(json::object& o, std::string_view k, const std::optional<int>& v)
{
    if (v)
        o[k] = *v;
}
void put(json::object& o, std::string_view k, const std::optional<bool>& v)
{
    if (v)
        o[k] = *v;
}

json::object reference_job(const job_key& key, const job_state& s)
{
    json::object o;
    o["project"] = key.project;
    o["job_id"] = key.job_id;
    json::object m;
    put(m, "name", s.metadata.name);
    put(m, "db_use_type", s.metadata.db_use_type);
    put(m, "engine_type", s.metadata.engine_type);
    put(m, "task_type", s.metadata.task_type);
    put(m, "job_direction", s.metadata.job_direction);
    put(m, "parent_id", s.metadata.parent_id);
    put(m, "async_job_id", s.metadata.async_job_id);
    put(m, "created_ns", s.metadata.created);
    o["metadata"] = std::move(m);
    put(o, "status", s.status);
    put(o, "status_changed_at_ns", s.status_changed_at);
    o["status_changes"] = s.status_changes;
    put(o, "progress_ratio", s.progress_ratio);
    json::object phases;
    for (const auto& [phase, ratio] : s.phases)
        if (std::isfinite(ratio))
            phases[phase] = ratio;
    o["phases"] = std::move(phases);
    put(o, "delay_seconds", s.delay_seconds);
    put(o, "remaining_seconds", s.remaining_seconds);
    json::object pc;
    pc["present"] = s.precheck.present;
    pc["complete"] = s.precheck.complete;
    put(pc, "passed", s.precheck.passed);
    put(pc, "passed_ratio", s.precheck.passed_ratio);
    put(pc, "progress_ratio", s.precheck.progress_ratio);
    json::array items;
    for (const auto& i : s.precheck.items)
        items.push_back(json::object{{"item", i.item}, {"group", i.group}, {"result", i.result}});
    pc["items"] = std::move(items);
    o["precheck"] = std::move(pc);
    json::object init;
    for (const auto& [type, obj] : s.init)
    {
        json::object io;
        put(io, "status", obj.status);
        put(io, "src_count", obj.src_count);
        put(io, "dst_count", obj.dst_count);
        put(io, "detail_complete", obj.detail_complete);
        put(io, "detail_in_progress", obj.detail_in_progress);
        init[type] = std::move(io);
    }
    o["init"] = std::move(init);
    json::object node;
    put(node, "cpu_ratio", s.node.cpu_ratio);
    put(node, "memory_ratio", s.node.memory_ratio);
    put(node, "apply_rows_per_second", s.node.apply_rows_per_second);
    put(node, "apply_transactions_per_second", s.node.apply_transactions_per_second);
    put(node, "network_receive_bytes_per_second", s.node.network_receive_bytes_per_second);
    put(node, "network_transmit_bytes_per_second", s.node.network_transmit_bytes_per_second);
    put(node, "disk_read_bytes_per_second", s.node.disk_read_bytes_per_second);
    put(node, "disk_write_bytes_per_second", s.node.disk_write_bytes_per_second);
    o["node"] = std::move(node);
    json::object collect;
    put(collect, "status", s.collect.status);
    put(collect, "last_success_ns", s.collect.last_success);
    put(collect, "query_id", s.collect.query_id);
    o["collect"] = std::move(collect);
    json::object dr;
    for (const auto& [name, field] : dr_number_fields)
        put(dr, name, s.dr.*field);
    put(dr, "rpo_checkpoint_ns", s.dr.rpo_checkpoint);
    put(dr, "source_up", s.dr.source_up);
    put(dr, "target_up", s.dr.target_up);
    put(dr, "current_action", s.dr.current_action);
    put(dr, "dr_not_applicable", s.dr.dr_not_applicable);
    put(dr, "components_not_applicable", s.dr.components_not_applicable);
    json::object components;
    for (const auto& [type, c] : s.dr.components)
    {
        json::object co;
        put(co, "status", c.status);
        put(co, "delay_seconds", c.delay_seconds);
        components[type] = std::move(co);
    }
    dr["components"] = std::move(components);
    o["dr"] = std::move(dr);
    json::object err;
    put(err, "code", s.api_error.code);
    put(err, "message_short", s.api_error.message_short);
    o["api_error"] = std::move(err);
    put(o, "listed_error", s.listed_error);
    o["source"] = s.source;
    put(o, "last_refresh_ns", s.last_refresh);
    put(o, "last_change_ns", s.last_change);
    o["stale"] = s.stale;
    return o;
}

std::string reference_state(const store& s, std::uint64_t next_event_seq)
{
    json::object doc;
    doc["format"] = "drs-monitor-state";
    doc["version"] = 1;
    doc["next_event_seq"] = next_event_seq;
    json::array jobs;
    s.for_each([&](const job_key& k, const job_state& st) { jobs.push_back(reference_job(k, st)); });
    doc["jobs"] = std::move(jobs);
    return json::serialize(doc);
}

// Every character class the escaping distinguishes, and numbers at their edges.
// With invalid_utf8, also bytes that are not UTF-8 (written as is; the loader rejects them).
job_state awkward_job(bool invalid_utf8)
{
    job_state s;
    std::string all_bytes;
    for (int c = 1; c < (invalid_utf8 ? 256 : 128); ++c)
        all_bytes += static_cast<char>(c);
    all_bytes += '\0';
    s.metadata.name = all_bytes;
    s.metadata.engine_type = "quote\" backslash\\ slash/ tab\t newline\n cr\r ff\f bs\b del\x7f";
    s.metadata.task_type = "UTF-8: h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80";
    s.metadata.created = core::wall_time(std::chrono::nanoseconds(-1'234'567'890'123));
    s.status = "INCRE_TRANSFER_STARTED";
    s.status_changes = std::numeric_limits<std::uint64_t>::max();
    s.progress_ratio = -0.0;
    s.phases["nan"] = std::nan("");
    s.phases["inf"] = std::numeric_limits<double>::infinity();
    s.phases["tiny"] = 5e-324;
    s.phases["huge"] = std::numeric_limits<double>::max();
    s.phases["third"] = 1.0 / 3.0;
    s.phases["k\"ey\n"] = 1e21;
    s.delay_seconds = std::numeric_limits<double>::quiet_NaN();
    s.remaining_seconds = -std::numeric_limits<double>::infinity();
    s.precheck.passed = false;
    s.precheck.passed_ratio = 0.1;
    s.precheck.items.push_back({"", "", ""});
    s.precheck.items.push_back({"it\"em", "gr\\oup", "\x01"});
    s.init["empty"] = init_object{};
    s.init["extremes"] = init_object{
        std::numeric_limits<int>::min(),
        std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max(),
        0,
        -1};
    s.node.cpu_ratio = 1e-7;
    s.node.memory_ratio = 123456789012345678.0;
    s.node.disk_read_bytes_per_second = 2.2250738585072014e-308;
    s.collect.status = "pending";
    s.dr.components["k\"ey\n"] = component_state{"ST\\ATUS", -0.0};
    s.dr.current_action = "tab\t";
    s.dr.dr_not_applicable = "cloudDataGuard|FULL_INCR_TRANS|FULL_TRANSFER_STARTED";
    s.api_error.message_short = invalid_utf8 ? "\xff\xfe invalid UTF-8" : "valid";
    s.listed_error = "line\nbreak \"quoted\"";
    s.source = "";
    s.last_refresh = core::wall_time(std::chrono::nanoseconds(std::numeric_limits<std::int64_t>::max()));
    return s;
}

store sample_store(bool invalid_utf8 = true)
{
    store s;
    s.upsert({"proj-a", "job-1"}, testing::full_job());
    s.upsert({"proj-a", "job-2"}, job_state{});
    s.upsert({"proj \"b\"", "job\\3"}, awkward_job(invalid_utf8));
    return s;
}

TEST(StateSerialize, WritesTheSameTextAsTheBoostJsonDocument)
{
    const auto s = sample_store();
    EXPECT_EQ(serialize_state(s, 42), reference_state(s, 42));
    EXPECT_EQ(serialize_state(store{}, 1), reference_state(store{}, 1));
}

TEST(StateSerialize, WritesDoublesAsBoostJsonDoesAndReadsThemBackExactly)
{
    // The shortest digits in Boost.JSON's notation for many kinds of values, and every value
    // reads back exactly (Boost.JSON 1.81's own number parsing is not correctly rounded: the
    // state reader reads doubles with std::from_chars), so a load and a save change nothing.
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> unit(0, 1);
    store s;
    for (int i = 0; i < 2000; ++i)
    {
        job_state j;
        std::uint64_t bits = rng();
        double any = 0;
        std::memcpy(&any, &bits, sizeof any);
        j.progress_ratio = any;
        j.delay_seconds = unit(rng);
        j.remaining_seconds = std::round(unit(rng) * 1e6);
        j.node.cpu_ratio = std::round(unit(rng) * 10'000) / 100;
        j.node.memory_ratio = -unit(rng) * 1e-300;
        s.upsert({"p", std::to_string(i)}, std::move(j));
    }
    const auto once = serialize_state(s, 7);
    EXPECT_EQ(once, reference_state(s, 7));
    const auto loaded = parse_state(once, "test");
    ASSERT_TRUE(loaded);
    s.for_each([&](const job_key& k, const job_state& j) {
        const auto* back = loaded->jobs.find(k);
        ASSERT_NE(back, nullptr);
        EXPECT_EQ(back->progress_ratio, j.progress_ratio) << k.job_id;
        EXPECT_EQ(back->delay_seconds, j.delay_seconds) << k.job_id;
        EXPECT_EQ(back->node.memory_ratio, j.node.memory_ratio) << k.job_id;
    });
    EXPECT_EQ(serialize_state(loaded->jobs, loaded->next_event_seq), once);  // a fixed point
}

TEST(StateSerialize, ParsesBackToTheSameStore)
{
    const auto s = sample_store(false);
    auto loaded = parse_state(serialize_state(s, 42));
    ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
    EXPECT_EQ(loaded->next_event_seq, 42u);
    // Non-finite numbers are not written: the awkward job comes back without them.
    auto expected = s;
    auto awkward = *s.find({"proj \"b\"", "job\\3"});
    awkward.phases.erase("nan");
    awkward.phases.erase("inf");
    awkward.delay_seconds.reset();
    awkward.remaining_seconds.reset();
    expected.upsert({"proj \"b\"", "job\\3"}, awkward);
    EXPECT_EQ(loaded->jobs.snapshot(), expected.snapshot());
}

TEST(StateSerialize, SaveWritesTheSameTextInChunks)
{
    // About 1.5 MB: save() hands it to the file in several chunks of about 256 kB.
    testing::temp_dir dir;
    const auto path = (dir.path() / "state.json").string();
    auto s = sample_store();
    for (int i = 0; i < 1000; ++i)
        s.upsert({"bulk", "job-" + std::to_string(i)}, testing::full_job());
    const auto expected = serialize_state(s, 77);
    ASSERT_GT(expected.size(), 1'000'000u);
    ASSERT_TRUE(save(s, 77, path).has_value());
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), expected);
    EXPECT_EQ(text.str(), reference_state(s, 77));
}

TEST(StateSerialize, JournalLinesAreTheBoostJsonLines)
{
    testing::temp_dir dir;
    const auto path = (dir.path() / "state.journal").string();
    const auto s = sample_store();
    const std::vector<job_key> keys{{"proj \"b\"", "job\\3"}, {"gone", "job-9"}, {"proj-a", "job-1"}};
    ASSERT_TRUE(append_journal(s, keys, 9, path).has_value());
    std::string expected;
    for (const auto& k : keys)
    {
        json::object line;
        line["next_event_seq"] = 9;
        if (const auto* st = s.find(k))
            line["job"] = reference_job(k, *st);
        else
            line["removed"] = json::object{{"project", k.project}, {"job_id", k.job_id}};
        expected += json::serialize(line);
        expected += '\n';
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), expected);
}

}  // namespace
}  // namespace drsmon::state
