#include "drsmon/config/config.hpp"

#include "fake_env.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace drsmon::config;
using drsmon::config::testing::fake_env;

namespace {

// Lines 1-5; the discovery section starts on line 6.
#define HEAD                                             \
    "projects:\n"                                        \
    "  - name: prod\n"                                   \
    "    region: ap-southeast-1\n"                       \
    "    project_id: 054ba152d480d55b2f5dc0069e7ddef0\n" \
    "    auth: { type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK }\n"

drsmon::core::result<config> load(std::string_view yaml) { return load_string(yaml, "drs.yml", fake_env()); }

struct bad_case
{
    const char* name;
    const char* yaml;
    const char* detail;
};

// clang-format off
const bad_case bad_cases[] = {
    {"UnknownKey", HEAD "    discovery:\n      enabled: true\n      intervall: 5m\n",
     "drs.yml:8: projects[0].discovery.intervall: unknown key (allowed: enabled, api, db_use_types, "
     "engine_types, statuses, exclude_statuses, name_regex, exclude_name_regex, tags, enterprise_project_id, "
     "interval, max_jobs)"},
    {"UnknownApi", HEAD "    discovery:\n      enabled: true\n      api: v4\n",
     "drs.yml:8: projects[0].discovery.api: must be one of v3, v5 (got \"v4\")"},
    {"ApiInUpperCase", HEAD "    discovery:\n      enabled: true\n      api: V5\n",
     "drs.yml:8: projects[0].discovery.api: must be one of v3, v5 (got \"V5\")"},
    {"ApiIsAList", HEAD "    discovery:\n      enabled: true\n      api: [ v3, v5 ]\n",
     "drs.yml:8: projects[0].discovery.api: must be a single value, not a list"},
    {"TagsWithV5", HEAD "    discovery:\n      enabled: true\n      api: v5\n      tags: { env: prod }\n",
     "drs.yml:9: projects[0].discovery.tags: needs api: v3 (ListJobs, api: v5, has no tag filter)"},
    {"EnabledIsText", HEAD "    discovery:\n      enabled: yes please\n",
     "drs.yml:7: projects[0].discovery.enabled: must be true or false (got \"yes please\")"},
    {"UnknownDbUseType", HEAD "    discovery:\n      enabled: true\n      db_use_types: [ sync, dr ]\n",
     "drs.yml:8: projects[0].discovery.db_use_types[1]: must be one of migration, sync, cloudDataGuard (got \"dr\")"},
    {"DbUseTypeInTheWrongCase", HEAD "    discovery:\n      enabled: true\n      db_use_types:\n        - clouddataguard\n",
     "drs.yml:9: projects[0].discovery.db_use_types[0]: must be one of migration, sync, cloudDataGuard (got "
     "\"clouddataguard\")"},
    {"NoDbUseTypes", HEAD "    discovery:\n      enabled: true\n      db_use_types: []\n",
     "drs.yml:8: projects[0].discovery.db_use_types: must list at least one of migration, sync, cloudDataGuard"},
    {"DuplicateDbUseType", HEAD "    discovery:\n      enabled: true\n      db_use_types:\n        - sync\n        - sync\n",
     "drs.yml:10: projects[0].discovery.db_use_types[1]: duplicate \"sync\" (first at line 9)"},
    {"LowerCaseStatus", HEAD "    discovery:\n      enabled: true\n      statuses: [ incre_transfer_started ]\n",
     "drs.yml:8: projects[0].discovery.statuses[0]: must be a DRS status in upper case, like INCRE_TRANSFER_STARTED "
     "(got \"incre_transfer_started\")"},
    {"StatusKeptAndExcluded", HEAD "    discovery:\n      enabled: true\n      statuses: [ DELETED ]\n"
                                   "      exclude_statuses:\n        - DELETED\n",
     "drs.yml:10: projects[0].discovery.exclude_statuses[0]: \"DELETED\" is also listed under statuses"},
    {"BadNameRegex", HEAD "    discovery:\n      enabled: true\n      name_regex: \"orders-(\"\n",
     nullptr},
    {"BadExcludeNameRegex", HEAD "    discovery:\n      enabled: true\n      exclude_name_regex: \"[a-\"\n",
     nullptr},
    {"TagsAreAList", HEAD "    discovery:\n      enabled: true\n      tags: [ env ]\n",
     "drs.yml:8: projects[0].discovery.tags: must be a mapping of tag keys to values"},
    {"TagValueIsAList", HEAD "    discovery:\n      enabled: true\n      tags:\n        env: [ a, b ]\n",
     "drs.yml:9: projects[0].discovery.tags.env: must be a single value, not a list"},
    {"EmptyEnterpriseProject", HEAD "    discovery:\n      enabled: true\n      enterprise_project_id: \"\"\n",
     "drs.yml:8: projects[0].discovery.enterprise_project_id: must not be empty"},
    {"ZeroInterval", HEAD "    discovery:\n      enabled: true\n      interval: 0s\n",
     "drs.yml:8: projects[0].discovery.interval: must be greater than zero (got \"0s\")"},
    {"MaxJobsZero", HEAD "    discovery:\n      enabled: true\n      max_jobs: 0\n",
     "drs.yml:8: projects[0].discovery.max_jobs: must be between 1 and 100000 (got 0)"},
    {"DisabledWithoutJobs", HEAD "    discovery:\n      enabled: false\n",
     "drs.yml:2: projects[0]: lists no jobs; add job IDs to jobs or async_jobs, or enable discovery"},
};
// clang-format on

class BadDiscoveryConfig : public ::testing::TestWithParam<bad_case>
{
};

TEST_P(BadDiscoveryConfig, NamesFileLineAndKey)
{
    const auto r = load(GetParam().yaml);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), drsmon::core::errc::config);
    if (GetParam().detail)
        EXPECT_EQ(r.error().detail, GetParam().detail);
    else
    {
        // The regex engine's own words vary by library version: check the frame around them.
        EXPECT_EQ(r.error().detail.rfind("drs.yml:8: projects[0].discovery.", 0), 0u) << r.error().detail;
        EXPECT_NE(r.error().detail.find("is not a valid ECMAScript regular expression ("), std::string::npos)
            << r.error().detail;
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, BadDiscoveryConfig, ::testing::ValuesIn(bad_cases), [](const auto& c) {
    return std::string(c.param.name);
});

TEST(DiscoveryConfig, IsOffByDefaultWithTheDocumentedDefaults)
{
    const auto r = load(HEAD "    jobs: [ 9a470239-2308-4bb5-a6bc-1040402fjb21 ]\n");
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    const discovery_config& d = r->projects[0].discovery;
    EXPECT_FALSE(d.enabled);
    EXPECT_EQ(d.db_use_types, (std::vector<std::string>{"migration", "sync", "cloudDataGuard"}));
    EXPECT_TRUE(d.engine_types.empty());
    EXPECT_TRUE(d.statuses.empty());
    EXPECT_EQ(d.exclude_statuses, (std::vector<std::string>{"RELEASE_RESOURCE_COMPLETE", "DELETED"}));
    EXPECT_TRUE(d.name_regex.empty());
    EXPECT_TRUE(d.tags.empty());
    EXPECT_EQ(d.api, discovery_api::v3);
    EXPECT_EQ(d.interval, 5min);
    EXPECT_EQ(d.max_jobs, 10'000);
}

TEST(DiscoveryConfig, LetsAProjectListNoJobsWhenEnabled)
{
    const auto r = load(HEAD "    discovery: { enabled: true }\n");
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_TRUE(r->projects[0].discovery.enabled);
    EXPECT_TRUE(r->projects[0].jobs.empty());
}

TEST(DiscoveryConfig, ReadsTheListApi)
{
    const auto v5 = load(HEAD "    discovery:\n      enabled: true\n      api: v5\n      tags: {}\n");
    ASSERT_TRUE(v5.has_value()) << v5.error().detail;
    EXPECT_EQ(v5->projects[0].discovery.api, discovery_api::v5);
    EXPECT_STREQ(to_string(discovery_api::v5), "v5");
    const auto v3 = load(HEAD "    discovery: { enabled: true, api: v3, tags: { env: prod } }\n");
    ASSERT_TRUE(v3.has_value()) << v3.error().detail;
    EXPECT_EQ(v3->projects[0].discovery.api, discovery_api::v3);
    EXPECT_STREQ(to_string(discovery_api::v3), "v3");
}

TEST(DiscoveryConfig, ReadsEveryKey)
{
    const auto r = load(HEAD "    jobs: [ 9a470239-2308-4bb5-a6bc-1040402fjb21 ]\n"
                             "    discovery:\n"
                             "      enabled: true\n"
                             "      db_use_types: [ sync, cloudDataGuard ]\n"
                             "      engine_types: [ mysql, postgresql ]\n"
                             "      statuses: [ INCRE_TRANSFER_STARTED, INCRE_TRANSFER_FAILED ]\n"
                             "      exclude_statuses: []\n"
                             "      name_regex: \"orders-.*\"\n"
                             "      exclude_name_regex: \".*-test\"\n"
                             "      tags: { env: prod, owner: \"\" }\n"
                             "      enterprise_project_id: 0a1b2c3d\n"
                             "      interval: 10m\n"
                             "      max_jobs: 500\n");
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    const discovery_config& d = r->projects[0].discovery;
    EXPECT_TRUE(d.enabled);
    EXPECT_EQ(d.db_use_types, (std::vector<std::string>{"sync", "cloudDataGuard"}));
    EXPECT_EQ(d.engine_types, (std::vector<std::string>{"mysql", "postgresql"}));
    EXPECT_EQ(d.statuses, (std::vector<std::string>{"INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED"}));
    EXPECT_TRUE(d.exclude_statuses.empty());
    EXPECT_EQ(d.name_regex, "orders-.*");
    EXPECT_EQ(d.exclude_name_regex, ".*-test");
    EXPECT_EQ(d.tags, (std::map<std::string, std::string>{{"env", "prod"}, {"owner", ""}}));
    EXPECT_EQ(d.enterprise_project_id, "0a1b2c3d");
    EXPECT_EQ(d.interval, 10min);
    EXPECT_EQ(d.max_jobs, 500);
}

}  // namespace
