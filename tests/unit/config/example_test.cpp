#include "drsmon/config/config.hpp"
#include "drsmon/config/secrets.hpp"

#include "fake_env.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace drsmon::config;
using drsmon::config::testing::fake_env;

namespace {

const std::string example_file = DRSMON_TEST_DATA_DIR "/../../config/drs-monitor.example.yml";
const std::string credentials_dir = DRSMON_TEST_DATA_DIR "/config/credentials";

env_lookup example_env()
{
    return fake_env({{"CREDENTIALS_DIRECTORY", credentials_dir}, {"DRS_DR_PASSWORD", "dummy-password"}});
}

}  // namespace

TEST(ExampleConfig, LoadsAndValidates)
{
    auto r = load_file(example_file, example_env());
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    ASSERT_EQ(r->projects.size(), 2u);
    const project_config& prod = r->projects[0];
    EXPECT_EQ(prod.name, "prod");
    EXPECT_EQ(prod.endpoint, "https://drs.ap-southeast-1.myhuaweicloud.com");
    ASSERT_EQ(prod.jobs.size(), 2u);
    ASSERT_TRUE(prod.jobs[1].collect);
    EXPECT_EQ(prod.jobs[1].collect->interval, 1h);
    EXPECT_EQ(prod.async_jobs.size(), 1u);
    EXPECT_TRUE(prod.discovery.enabled);
    EXPECT_EQ(prod.discovery.db_use_types, (std::vector<std::string>{"sync", "cloudDataGuard"}));
    EXPECT_EQ(prod.discovery.exclude_name_regex, ".*-test");
    const project_config& dr = r->projects[1];
    EXPECT_EQ(dr.endpoint, "https://drs.eu-west-101.myhuaweicloud.eu");
    EXPECT_EQ(dr.auth.type, auth_type::password);
    EXPECT_EQ(dr.proxy_url, "http://proxy.example.internal:3128");
}

TEST(ExampleConfig, ItsSecretsLoadFromTheCredentialsDirectoryAndTheEnvironment)
{
    auto r = load_file(example_file, example_env());
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    auto prod = load_secrets(r->projects[0].auth, example_env());
    ASSERT_TRUE(prod.has_value()) << prod.error().detail;
    EXPECT_EQ(prod->values.access_key, "AKEXAMPLEDUMMY0000");
    EXPECT_EQ(prod->values.secret_key, "dummy-secret-key-for-tests");
    auto dr = load_secrets(r->projects[1].auth, example_env());
    ASSERT_TRUE(dr.has_value()) << dr.error().detail;
    EXPECT_EQ(dr->values.password, "dummy-password");
}
