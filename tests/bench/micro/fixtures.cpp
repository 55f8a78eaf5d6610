#include "fixtures.hpp"

#include <boost/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace drsmon::bench {

namespace json = boost::json;

namespace {

json::value load(std::string_view name)
{
    const std::string path = std::string(DRSMON_TEST_DATA_DIR) + "/drs_api/" + std::string(name);
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

// Gives an item a new ID in whichever ID field it carries.
void set_id(json::object& item, const std::string& id)
{
    for (const char* key : {"id", "job_id", "precheck_id"})
        if (item.contains(key))
            item[key] = id;
}

}  // namespace

std::string job_id(std::size_t index)
{
    char buf[64];
    std::snprintf(
        buf,
        sizeof buf,
        "%08zx-%04zx-4b3c-a4ce-%07zxjb101",
        index * 2654435761u % 0xffffffffu,
        index % 0xffff,
        index
    );
    return buf;
}

std::string replicate_fixture(
    std::string_view name,
    std::string_view list_key,
    std::size_t n,
    std::string_view extra_fixture
)
{
    json::value doc = load(name);
    json::object& root = doc.as_object();
    json::array source = root.at(list_key).as_array();
    if (!extra_fixture.empty())
    {
        const json::value extra = load(extra_fixture);
        for (const auto& item : extra.as_object().at(list_key).as_array())
            source.push_back(item);
    }
    if (source.empty())
        throw std::runtime_error("fixture has no items: " + std::string(name));
    json::array out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        json::value item = source[i % source.size()];
        set_id(item.as_object(), job_id(i));
        out.push_back(std::move(item));
    }
    root[list_key] = std::move(out);
    for (const char* key : {"count", "total_count", "total_record"})
        if (root.contains(key))
            root[key] = n;
    return json::serialize(doc);
}

state::job_state populated_job(std::size_t index)
{
    using namespace std::chrono;
    const core::wall_time base{seconds(1'700'000'000)};
    state::job_state s;
    auto& m = s.metadata;
    m.name = "mig-orders-mysql-" + std::to_string(index);
    m.db_use_type = "migration";
    m.engine_type = "mysql";
    m.task_type = "FULL_INCR_TRANS";
    m.job_direction = "up";
    m.async_job_id = "as501-" + std::to_string(index / 4);
    m.created = base - hours(3);
    s.status = "INCRE_TRANSFER_STARTED";
    s.status_changed_at = base - minutes(30);
    s.status_changes = 4;
    s.progress_ratio = 1.0;
    for (const char* phase : {"struct", "data", "index", "view", "procedure"})
        s.phases[phase] = 0.5 + static_cast<double>(index % 50) / 100.0;
    s.delay_seconds = static_cast<double>(index % 17);
    s.remaining_seconds = 0.0;
    s.precheck.present = true;
    s.precheck.complete = true;
    s.precheck.passed = true;
    s.precheck.passed_ratio = 0.97;
    s.precheck.progress_ratio = 1.0;
    static const std::array<const char*, 6> groups =
        {"db_params", "db_connect", "db_disk_size", "db_user", "db_object", "db_target_status"};
    for (int i = 0; i < 39; ++i)
        s.precheck.items.push_back(
            {"checkItem" + std::to_string(i),
             groups[static_cast<std::size_t>(i) % groups.size()],
             i % 13 == 0 ? "ALARM" : "PASSED"}
        );
    for (const char* type :
         {"database",
          "schema",
          "table",
          "view",
          "procedure",
          "trigger",
          "index",
          "table_indexs",
          "table_structure"})
        s.init[type] = {2, 120, 120, 120, 0};
    s.node = {0.31, 0.52, 1200.0, 40.0, 1.5e6, 2.5e5, 3.1e6, 4.2e6};
    s.collect = {"success", base - minutes(10), "query-" + std::to_string(index)};
    s.source = std::string(state::source_config);
    s.last_refresh = base;
    s.last_change = base - minutes(1);
    return s;
}

}  // namespace drsmon::bench
