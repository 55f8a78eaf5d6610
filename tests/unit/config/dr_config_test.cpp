#include "drsmon/config/config.hpp"

#include "fake_env.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace std::chrono_literals;
using namespace drsmon::config;
using drsmon::config::testing::fake_env;

namespace {

// Lines 3-8 (after two lines of global); the project's DR keys follow on line 9.
#define PROJECT                                                                  \
    "projects:\n"                                                                \
    "  - name: prod\n"                                                           \
    "    region: ap-southeast-1\n"                                               \
    "    project_id: 054ba152d480d55b2f5dc0069e7ddef0\n"                         \
    "    auth: { type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK }\n" \
    "    jobs: [ 9a470239-2308-4bb5-a6bc-1040402fjb21 ]\n"
constexpr const char* head = "global:\n"
                             "  poll_interval: 30s\n" PROJECT;
drsmon::core::result<config> load(const std::string& yaml)
{
    return load_string(yaml, "drs.yml", fake_env());
}

}  // namespace

TEST(DrConfig, DefaultsToOneMinuteAndEverythingSwitchedOn)
{
    const auto c = load(head);
    ASSERT_TRUE(c.has_value()) << c.error().detail;
    EXPECT_EQ(c->global.dr_interval, 1min);
    EXPECT_EQ(c->global.components_interval, 1min);
    EXPECT_TRUE(c->projects.at(0).dr);
    EXPECT_TRUE(c->projects.at(0).components);
}

TEST(DrConfig, ReadsTheIntervalsAndThePerProjectSwitches)
{
    std::string yaml = head;
    const std::string poll = "  poll_interval: 30s\n";
    yaml.replace(yaml.find(poll), poll.size(), "  dr_interval: 2m\n  components_interval: 45s\n");
    yaml += "    dr: false\n    components: FALSE\n";
    const auto c = load(yaml);
    ASSERT_TRUE(c.has_value()) << c.error().detail;
    EXPECT_EQ(c->global.dr_interval, 2min);
    EXPECT_EQ(c->global.components_interval, 45s);
    EXPECT_FALSE(c->projects.at(0).dr);
    EXPECT_FALSE(c->projects.at(0).components);
}

TEST(DrConfig, BadValuesNameTheFileTheLineAndTheKey)
{
    const struct
    {
        std::string yaml;
        const char* detail;
    } cases[] = {
        {std::string("global:\n  dr_interval: soon\n") + PROJECT,
         "drs.yml:2: global.dr_interval: must be a duration like 30s, 1m30s, 500ms or 1d (got \"soon\")"},
        {std::string("global:\n  components_interval: 0s\n") + PROJECT,
         "drs.yml:2: global.components_interval: must be greater than zero (got \"0s\")"},
        {std::string(head) + "    dr: maybe\n",
         "drs.yml:9: projects[0].dr: must be true or false (got \"maybe\")"},
        {std::string(head) + "    components: [ capture ]\n",
         "drs.yml:9: projects[0].components: must be a single value, not a list"},
    };
    for (const auto& c : cases)
    {
        const auto r = load(c.yaml);
        ASSERT_FALSE(r.has_value()) << c.yaml;
        EXPECT_EQ(r.error().kind(), drsmon::core::errc::config);
        EXPECT_EQ(r.error().where, "drs.yml");
        EXPECT_EQ(r.error().detail, c.detail) << c.yaml;
    }
}
