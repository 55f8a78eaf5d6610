#include "drsmon/drs_api/parse.hpp"

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace drsmon::drs_api;
using drsmon::drs_api::test::fixture;

namespace {

// Every string a model holds, so a test can search all of them at once.
void collect(std::vector<std::string>& out, const progress_snapshot& p)
{
    out.push_back(p.task_mode);
    out.push_back(p.transfer_status);
    for (const auto& ph : p.phases)
        out.push_back(ph.name);
}

void collect(std::vector<std::string>& out, const precheck_summary& s)
{
    out.push_back(s.job_direction);
    for (const auto& it : s.items)
    {
        out.push_back(it.item);
        out.push_back(it.result);
        out.push_back(it.group);
        out.push_back(it.failed_reason);
    }
}

std::vector<std::string> all_strings(const async_job_detail_response& r)
{
    std::vector<std::string> out;
    for (const auto& j : r.jobs)
    {
        out.insert(out.end(), {j.id, j.status, j.master_job_id, j.node_status});
        const auto& b = j.base_info;
        out.insert(
            out.end(),
            {b.name,
             b.job_type,
             b.engine_type,
             b.task_type,
             b.job_direction,
             b.net_type,
             b.charging_mode,
             b.enterprise_project_id}
        );
        if (j.progress)
            collect(out, *j.progress);
        if (j.precheck)
            collect(out, *j.precheck);
        if (j.migration_objects)
        {
            for (const auto& o : j.migration_objects->overview)
                out.insert(out.end(), {o.type, o.status});
        }
        if (j.metrics)
            out.insert(out.end(), {j.metrics->node_id, j.metrics->apply_current_state});
    }
    return out;
}

std::vector<std::string> all_strings(const batch_detail_response& r)
{
    std::vector<std::string> out;
    for (const auto& d : r.results)
    {
        out.insert(
            out.end(),
            {d.id,
             d.parent_id,
             d.master_job_id,
             d.name,
             d.status,
             d.db_use_type,
             d.task_type,
             d.job_direction,
             d.engine_type,
             d.net_type,
             d.node_role,
             d.failed_reason,
             d.instance_status}
        );
        if (d.error)
            out.insert(out.end(), {d.error->code, d.error->message});
    }
    return out;
}

}  // namespace

TEST(ModelSecrets, V5JobDetailsFullOfCredentialsYieldModelsWithoutThem)
{
    const std::string body = fixture("v5_job_detail_secrets.json");
    const auto r = parse_async_job_detail(body);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(r->jobs.size(), 1u);
    // The whitelisted fields still arrive.
    EXPECT_EQ(r->jobs[0].base_info.name, "DRS-secret");
    EXPECT_EQ(r->jobs[0].metrics->apply_current_state, "waiting");
    EXPECT_EQ(r->jobs[0].precheck->items.size(), 1u);

    // Every sensitive value in the fixture starts with LEAK-; none may reach a model.
    ASSERT_NE(body.find("LEAK-"), std::string::npos);
    for (const auto& s : all_strings(*r))
        EXPECT_EQ(s.find("LEAK-"), std::string::npos) << s;
}

TEST(ModelSecrets, V3BatchDetailEndpointsDoNotLeakPasswordsOrUsers)
{
    const auto r = parse_batch_detail(fixture("batch_detail.json"));
    ASSERT_TRUE(r.has_value());
    for (const auto& s : all_strings(*r))
    {
        EXPECT_EQ(s.find("Secret"), std::string::npos) << s;
        EXPECT_NE(s, "root") << "db_user must not be copied";
    }
}
