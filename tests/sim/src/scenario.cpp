#include "drsmon/sim/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace drsmon::sim {

namespace {

[[noreturn]] void fail(const YAML::Node& n, const std::string& what)
{
    std::string where = n.Mark().is_null() ? "" : "line " + std::to_string(n.Mark().line + 1) + ": ";
    throw std::runtime_error("scenario: " + where + what);
}

double seconds_of(const YAML::Node& n, const char* key)
{
    auto v = parse_seconds(n.as<std::string>());
    if (!v)
        fail(n, std::string("bad duration for ") + key + ": " + n.as<std::string>());
    return *v;
}

std::string string_of(const YAML::Node& n, const char* key)
{
    if (!n.IsScalar())
        fail(n, std::string(key) + " must be a string");
    return n.as<std::string>();
}

double number_of(const YAML::Node& n, const char* key)
{
    try
    {
        return n.as<double>();
    }
    catch (const YAML::Exception&)
    {
        fail(n, std::string(key) + " must be a number");
    }
}

keyframe keyframe_of(const YAML::Node& n, bool need_at)
{
    if (!n.IsMap())
        fail(n, "a timeline entry must be a mapping");
    keyframe k;
    for (const auto& kv : n)
    {
        auto key = kv.first.as<std::string>();
        const auto& v = kv.second;
        if (key == "at")
            k.at = seconds_of(v, "at");
        else if (key == "status")
            k.status = string_of(v, "status");
        else if (key == "progress")
            k.progress = number_of(v, "progress");
        else if (key == "delay")
            k.delay = number_of(v, "delay");
        else if (key == "delay_jitter")
            k.delay_jitter = number_of(v, "delay_jitter");
        else if (key == "error_code")
            k.error_code = string_of(v, "error_code");
        else if (key == "error_message" || key == "failed_reason")
            k.error_message = string_of(v, "error_message");
        else
            fail(kv.first, "unknown timeline key: " + key);
    }
    if (need_at && !n["at"])
        fail(n, "a timeline entry needs \"at\"");
    return k;
}

void mark_items(job_spec& j, const YAML::Node& list, const char* result)
{
    if (!list.IsSequence())
        fail(list, std::string(result) + " must be a list of item names");
    for (const auto& item : list)
    {
        auto name = item.as<std::string>();
        auto it = std::find_if(j.precheck_items.begin(), j.precheck_items.end(), [&](const precheck_item& p) {
            return p.item == name;
        });
        if (it == j.precheck_items.end())
        {
            j.precheck_items.push_back({name, "db_params", "PASSED", "", ""});
            it = j.precheck_items.end() - 1;
        }
        it->result = result;
        it->failed_reason = std::string(result) == "FAILED" ? "CHECK_FAILED" : "CHECK_ALARM";
    }
}

job_spec job_of(const YAML::Node& n)
{
    if (!n.IsMap())
        fail(n, "a job must be a mapping");
    job_spec j;
    bool has_precheck = false;
    for (const auto& kv : n)
    {
        auto key = kv.first.as<std::string>();
        const auto& v = kv.second;
        if (key == "id")
            j.id = string_of(v, "id");
        else if (key == "name")
            j.name = string_of(v, "name");
        else if (key == "parent_id")
            j.parent_id = string_of(v, "parent_id");
        else if (key == "db_use_type")
        {
            j.db_use_type = string_of(v, "db_use_type");
            if (j.db_use_type != "migration" && j.db_use_type != "sync" && j.db_use_type != "cloudDataGuard")
                fail(v, "db_use_type must be migration, sync or cloudDataGuard");
        }
        else if (key == "engine_type")
            j.engine_type = string_of(v, "engine_type");
        else if (key == "task_type")
            j.task_type = string_of(v, "task_type");
        else if (key == "job_direction")
            j.job_direction = string_of(v, "job_direction");
        else if (key == "net_type")
            j.net_type = string_of(v, "net_type");
        else if (key == "description")
            j.description = string_of(v, "description");
        else if (key == "db_password")
            j.db_password = string_of(v, "db_password");
        else if (key == "created_at")
            j.created_at = seconds_of(v, "created_at");
        else if (key == "timeline")
        {
            if (!v.IsSequence())
                fail(v, "timeline must be a list");
            for (const auto& e : v)
                j.timeline.push_back(keyframe_of(e, true));
        }
        else if (key == "objects")
        {
            if (!v.IsMap())
                fail(v, "objects must map object types to counts");
            for (const auto& o : v)
            {
                auto type = o.first.as<std::string>();
                auto pos = std::find(object_types.begin(), object_types.end(), type);
                if (pos == object_types.end())
                    fail(o.first, "unknown object type: " + type);
                j.object_counts[static_cast<std::size_t>(pos - object_types.begin())] = static_cast<int>(
                    number_of(o.second, "objects")
                );
            }
        }
        else if (key == "precheck")
        {
            has_precheck = true;
            j.precheck_items = standard_precheck_items();
            j.precheck_start = 0;
            if (!v.IsMap())
                fail(v, "precheck must be a mapping");
            for (const auto& p : v)
            {
                auto pk = p.first.as<std::string>();
                if (pk == "start")
                    j.precheck_start = seconds_of(p.second, "start");
                else if (pk == "duration")
                    j.precheck_duration = seconds_of(p.second, "duration");
                else if (pk == "alarm")
                    mark_items(j, p.second, "ALARM");
                else if (pk == "failed")
                    mark_items(j, p.second, "FAILED");
                else if (pk == "items")
                {
                    // An explicit item list replaces the standard one.
                    j.precheck_items.clear();
                    for (const auto& it : p.second)
                    {
                        precheck_item item;
                        item.item = string_of(it["item"], "item");
                        item.group = it["group"] ? it["group"].as<std::string>() : "db_params";
                        item.result = it["result"] ? it["result"].as<std::string>() : "PASSED";
                        item.failed_reason = it["failed_reason"] ? it["failed_reason"].as<std::string>() : "";
                        item.data = it["data"] ? it["data"].as<std::string>() : "";
                        j.precheck_items.push_back(std::move(item));
                    }
                }
                else
                    fail(p.first, "unknown precheck key: " + pk);
            }
        }
        else
            fail(kv.first, "unknown job key: " + key);
    }
    if (!has_precheck)
    {
        // Without an explicit pre-check, it ran (and passed) in the first CONFIGURATION phase.
        for (const auto& k : j.timeline)
            if (k.status && *k.status == "CONFIGURATION")
            {
                j.precheck_items = standard_precheck_items();
                j.precheck_start = k.at;
                j.precheck_duration = 1;
                break;
            }
    }
    if (!j.timeline.empty())
        j.created_at = std::min(j.created_at, j.timeline.front().at);
    return j;
}

YAML::Node load(std::string_view text)
{
    try
    {
        return YAML::Load(std::string(text));
    }
    catch (const YAML::Exception& e)
    {
        throw std::runtime_error(std::string("scenario: ") + e.what());
    }
}

}  // namespace

std::optional<double> parse_seconds(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    double scale = 1;
    switch (s.back())
    {
    case 's': s.remove_suffix(1); break;
    case 'm':
        scale = 60;
        s.remove_suffix(1);
        break;
    case 'h':
        scale = 3600;
        s.remove_suffix(1);
        break;
    default: break;
    }
    try
    {
        std::size_t used = 0;
        std::string str(s);
        double v = std::stod(str, &used);
        if (used != str.size())
            return std::nullopt;
        return v * scale;
    }
    catch (const std::exception&)
    {
        return std::nullopt;
    }
}

scenario parse_scenario(std::string_view text)
{
    YAML::Node root = load(text);
    scenario s;
    if (!root.IsMap())
        fail(root, "the top level must be a mapping");
    for (const auto& kv : root)
    {
        auto key = kv.first.as<std::string>();
        const auto& v = kv.second;
        if (key == "project_id")
            s.project_id = string_of(v, "project_id");
        else if (key == "seed")
            s.seed = v.as<std::uint64_t>();
        else if (key == "generate")
            s.generate = v.as<int>();
        else if (key == "jobs")
        {
            for (const auto& j : v)
                s.jobs.push_back(job_of(j));
        }
        else if (key == "batches")
        {
            for (const auto& b : v)
            {
                async_batch batch;
                batch.id = b["id"] ? b["id"].as<std::string>() : "";
                for (const auto& id : b["jobs"])
                    batch.job_ids.push_back(id.as<std::string>());
                s.batches.push_back(std::move(batch));
            }
        }
        else if (key == "faults")
        {
            for (const auto& f : v)
            {
                std::string error;
                auto parsed = parse_fault_spec(f.as<std::string>(), &error);
                if (!parsed)
                    fail(f, error);
                s.faults.push_back(*parsed);
            }
        }
        else
            fail(kv.first, "unknown key: " + key);
    }
    return s;
}

scenario load_scenario(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("scenario: cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    try
    {
        return parse_scenario(ss.str());
    }
    catch (const std::runtime_error& e)
    {
        throw std::runtime_error(path + ": " + e.what());
    }
}

job_spec parse_job_spec(std::string_view text) { return job_of(load(text)); }

keyframe parse_keyframe(std::string_view text) { return keyframe_of(load(text), false); }

void apply(const scenario& s, world& w)
{
    for (const auto& j : s.jobs)
        w.add_job(j);
    for (const auto& b : s.batches)
        w.add_batch(b);
}

}  // namespace drsmon::sim
