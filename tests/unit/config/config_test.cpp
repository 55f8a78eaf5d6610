#include "drsmon/config/config.hpp"

#include "fake_env.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace std::chrono_literals;
using namespace drsmon::config;
using drsmon::config::testing::fake_env;

namespace {

constexpr std::string_view minimal = R"(
projects:
  - name: prod
    region: ap-southeast-1
    project_id: 054ba152d480d55b2f5dc0069e7ddef0
    auth: { type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK }
    jobs: [ "9a470239-2308-4bb5-a6bc-1040402fjb21" ]
)";

config load_ok(std::string_view yaml, const env_lookup& env = fake_env())
{
    auto r = load_string(yaml, "/etc/drs-monitor/drs.yml", env);
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().detail);
    return r.has_value() ? *r : config{};
}

}  // namespace

TEST(LoadConfig, AppliesEveryGlobalDefault)
{
    const config c = load_ok(minimal);
    const global_config& g = c.global;
    EXPECT_EQ(c.source, "/etc/drs-monitor/drs.yml");
    EXPECT_EQ(g.poll_interval, 30s);
    EXPECT_EQ(g.detail_interval, 10min);
    EXPECT_EQ(g.precheck_interval, 1min);
    EXPECT_EQ(g.init_interval, 1min);
    EXPECT_EQ(g.async_interval, 1min);
    EXPECT_EQ(g.batch_size, 10);
    EXPECT_EQ(g.max_concurrency, 4);
    EXPECT_EQ(g.request_timeout, 10s);
    EXPECT_EQ(g.max_staleness, 5min);
    EXPECT_EQ(g.finished_interval, 10min);
    EXPECT_EQ(g.state_dir, "/var/lib/drs-monitor");
    EXPECT_EQ(g.max_response_bytes, 16u << 20);
    EXPECT_EQ(g.retry.max_attempts, 3);
    EXPECT_EQ(g.retry.initial_backoff, 1s);
    EXPECT_EQ(g.retry.max_backoff, 60s);
    EXPECT_EQ(g.retry.round_budget, 20);
    EXPECT_EQ(g.throttle.min_backoff, 5s);
    EXPECT_EQ(g.throttle.max_backoff, 10min);
    EXPECT_EQ(g.auth_failure_backoff, 5min);
    EXPECT_EQ(g.events.ring_size, 1000u);
    EXPECT_EQ(g.events.file_max_bytes, 10u << 20);
    EXPECT_EQ(g.events.file_keep, 3);
    EXPECT_EQ(g.events.fsync, drsmon::core::fsync_policy::round);
    EXPECT_DOUBLE_EQ(g.jitter, 0.1);
    EXPECT_EQ(g.language, "en-us");
}

TEST(LoadConfig, ReadsEveryGlobalKey)
{
    const config c = load_ok(R"(
global:
  poll_interval: 45s
  finished_interval: 30m
  detail_interval: 1h
  precheck_interval: 2m
  init_interval: 1m30s
  async_interval: 5m
  batch_size: 5
  max_concurrency: 2
  request_timeout: 2500ms
  max_staleness: 10m
  state_dir: state
  max_response_bytes: 4MiB
  retry: { max_attempts: 5, initial_backoff: 500ms, max_backoff: 2m, round_budget: 0 }
  throttle: { min_backoff: 2s, max_backoff: 1h }
  auth_failure_backoff: 15m
  events: { ring_size: 50, file_max_bytes: 1MB, file_keep: 0, fsync: always }
  jitter: 0.25
  language: zh-cn
projects:
  - name: prod
    region: ap-southeast-1
    project_id: 054ba152d480d55b2f5dc0069e7ddef0
    auth: { type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK }
    jobs: [ "9a470239-2308-4bb5-a6bc-1040402fjb21" ]
)");
    const global_config& g = c.global;
    EXPECT_EQ(g.poll_interval, 45s);
    EXPECT_EQ(g.finished_interval, 30min);
    EXPECT_EQ(g.detail_interval, 1h);
    EXPECT_EQ(g.precheck_interval, 2min);
    EXPECT_EQ(g.init_interval, 90s);
    EXPECT_EQ(g.async_interval, 5min);
    EXPECT_EQ(g.batch_size, 5);
    EXPECT_EQ(g.max_concurrency, 2);
    EXPECT_EQ(g.request_timeout, 2500ms);
    EXPECT_EQ(g.max_staleness, 10min);
    EXPECT_EQ(g.state_dir, "/etc/drs-monitor/state");
    EXPECT_EQ(g.max_response_bytes, 4u << 20);
    EXPECT_EQ(g.retry.max_attempts, 5);
    EXPECT_EQ(g.retry.initial_backoff, 500ms);
    EXPECT_EQ(g.retry.max_backoff, 2min);
    EXPECT_EQ(g.retry.round_budget, 0);
    EXPECT_EQ(g.throttle.min_backoff, 2s);
    EXPECT_EQ(g.throttle.max_backoff, 1h);
    EXPECT_EQ(g.auth_failure_backoff, 15min);
    EXPECT_EQ(g.events.ring_size, 50u);
    EXPECT_EQ(g.events.file_max_bytes, 1'000'000u);
    EXPECT_EQ(g.events.file_keep, 0);
    EXPECT_EQ(g.events.fsync, drsmon::core::fsync_policy::always);
    EXPECT_DOUBLE_EQ(g.jitter, 0.25);
    EXPECT_EQ(g.language, "zh-cn");
}

TEST(LoadConfig, ReadsEveryEventsFsyncMode)
{
    for (auto m :
         {drsmon::core::fsync_policy::never,
          drsmon::core::fsync_policy::round,
          drsmon::core::fsync_policy::always})
    {
        const std::string yaml = std::string("global:\n  events:\n    fsync: ") + to_string(m) + "\n" +
                                 std::string(minimal);
        EXPECT_EQ(load_ok(yaml).global.events.fsync, m) << to_string(m);
    }
}

TEST(LoadConfig, ReadsAProjectWithDefaults)
{
    const config c = load_ok(minimal);
    ASSERT_EQ(c.projects.size(), 1u);
    const project_config& p = c.projects[0];
    EXPECT_EQ(p.name, "prod");
    EXPECT_EQ(p.region, "ap-southeast-1");
    EXPECT_EQ(p.project_id, "054ba152d480d55b2f5dc0069e7ddef0");
    EXPECT_EQ(p.endpoint, "https://drs.ap-southeast-1.myhuaweicloud.com");
    EXPECT_EQ(p.iam_endpoint, "https://iam.ap-southeast-1.myhuaweicloud.com");
    EXPECT_EQ(p.auth.type, auth_type::aksk);
    EXPECT_EQ(p.auth.access_key_env, "DRS_AK");
    EXPECT_EQ(p.auth.secret_key_env, "DRS_SK");
    EXPECT_EQ(p.auth.access_key_file, "");
    EXPECT_EQ(p.auth.security_token_env, "");
    EXPECT_EQ(p.auth.config_dir, "/etc/drs-monitor");
    EXPECT_EQ(p.auth.key_path, "projects[0].auth");
    EXPECT_EQ(p.tls.ca_file, "");
    EXPECT_FALSE(p.tls.insecure_skip_verify);
    EXPECT_EQ(p.proxy_url, "");
    EXPECT_EQ(p.iam_proxy_url, "");
    ASSERT_EQ(p.jobs.size(), 1u);
    EXPECT_EQ(p.jobs[0].id, "9a470239-2308-4bb5-a6bc-1040402fjb21");
    EXPECT_FALSE(p.jobs[0].collect);
    EXPECT_TRUE(p.async_jobs.empty());
}

TEST(LoadConfig, ReadsEveryProjectKey)
{
    const config c = load_ok(R"(
projects:
  - name: dr_site-2
    region: cn-north-4
    project_id: 054BA152D480D55B2F5DC0069E7DDEF0
    endpoint: https://drs.example.internal:8443/
    iam_endpoint: https://IAM.example.internal
    auth:
      type: aksk
      access_key_file: ak
      secret_key_file: /run/secrets/sk
      security_token_env: DRS_TOKEN
    tls: { ca_file: ca.pem, insecure_skip_verify: true }
    proxy_url: http://proxy.corp:3128
    jobs:
      - 9a470239-2308-4bb5-a6bc-1040402fjb21
      - id: 9A470239-2308-4BB5-A6BC-1040402FJB22
        collect: { type: modified, interval: 2h }
      - id: 9a470239-2308-4bb5-a6bc-1040402fjb23
        collect: {}
    async_jobs: [ bd4193aa-072d-4ce6-beec-adffc7252341, bd4193aa-072d-4ce6-beec-adffc7252342 ]
)");
    ASSERT_EQ(c.projects.size(), 1u);
    const project_config& p = c.projects[0];
    EXPECT_EQ(p.name, "dr_site-2");
    EXPECT_EQ(p.project_id, "054BA152D480D55B2F5DC0069E7DDEF0");
    EXPECT_EQ(p.endpoint, "https://drs.example.internal:8443");
    EXPECT_EQ(p.iam_endpoint, "https://iam.example.internal");
    EXPECT_EQ(p.auth.access_key_file, "ak");
    EXPECT_EQ(p.auth.secret_key_file, "/run/secrets/sk");
    EXPECT_EQ(p.auth.security_token_env, "DRS_TOKEN");
    EXPECT_EQ(p.tls.ca_file, "/etc/drs-monitor/ca.pem");
    EXPECT_TRUE(p.tls.insecure_skip_verify);
    EXPECT_EQ(p.proxy_url, "http://proxy.corp:3128");
    EXPECT_EQ(p.iam_proxy_url, "http://proxy.corp:3128");
    ASSERT_EQ(p.jobs.size(), 3u);
    EXPECT_FALSE(p.jobs[0].collect);
    EXPECT_EQ(p.jobs[1].id, "9A470239-2308-4BB5-A6BC-1040402FJB22");
    ASSERT_TRUE(p.jobs[1].collect);
    EXPECT_EQ(p.jobs[1].collect->type, collect_type::modified);
    EXPECT_EQ(p.jobs[1].collect->interval, 2h);
    ASSERT_TRUE(p.jobs[2].collect);
    EXPECT_EQ(p.jobs[2].collect->type, collect_type::synchronized);
    EXPECT_EQ(p.jobs[2].collect->interval, 1h);
    EXPECT_EQ(
        p.async_jobs,
        (std::vector<std::string>{
            "bd4193aa-072d-4ce6-beec-adffc7252341",
            "bd4193aa-072d-4ce6-beec-adffc7252342"})
    );
}

TEST(LoadConfig, ReadsTokenAndPasswordAuth)
{
    const config c = load_ok(R"(
projects:
  - name: a
    region: ap-southeast-1
    project_id: 054ba152d480d55b2f5dc0069e7ddef0
    auth: { type: token, token_file: token.txt }
    async_jobs: [ bd4193aa-072d-4ce6-beec-adffc7252341 ]
  - name: b
    region: ap-southeast-1
    project_id: 054ba152d480d55b2f5dc0069e7ddef0
    auth: { type: password, user: monitor, domain: acme, password_env: DRS_PASSWORD }
    jobs: [ 9a470239-2308-4bb5-a6bc-1040402fjb21 ]
)");
    ASSERT_EQ(c.projects.size(), 2u);
    EXPECT_EQ(c.projects[0].auth.type, auth_type::token);
    EXPECT_EQ(c.projects[0].auth.token_file, "token.txt");
    EXPECT_TRUE(c.projects[0].jobs.empty());
    EXPECT_EQ(c.projects[1].auth.type, auth_type::password);
    EXPECT_EQ(c.projects[1].auth.user, "monitor");
    EXPECT_EQ(c.projects[1].auth.domain, "acme");
    EXPECT_EQ(c.projects[1].auth.password_env, "DRS_PASSWORD");
    EXPECT_EQ(c.projects[1].auth.key_path, "projects[1].auth");
}

TEST(LoadConfig, DerivesTheEuropeanDomainForEuWest101)
{
    const config c = load_ok(R"(
projects:
  - name: eu
    region: eu-west-101
    project_id: 054ba152d480d55b2f5dc0069e7ddef0
    auth: { type: token, token_env: T }
    jobs: [ 9a470239-2308-4bb5-a6bc-1040402fjb21 ]
)");
    EXPECT_EQ(c.projects[0].endpoint, "https://drs.eu-west-101.myhuaweicloud.eu");
    EXPECT_EQ(c.projects[0].iam_endpoint, "https://iam.eu-west-101.myhuaweicloud.eu");
}

TEST(LoadConfig, TakesEndpointOverridesFromTheEnvironment)
{
    const config c = load_ok(
        minimal,
        fake_env({
            {"HUAWEICLOUD_SDK_REGION_DRS_AP_SOUTHEAST_1", "https://127.0.0.1:8443"},
            {"HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.test:9443/"},
        })
    );
    EXPECT_EQ(c.projects[0].endpoint, "https://127.0.0.1:8443");
    EXPECT_EQ(c.projects[0].iam_endpoint, "https://iam.test:9443");
}

TEST(LoadConfig, PrefersEndpointsFromTheFileOverTheEnvironment)
{
    const std::string yaml = std::string(minimal) +
                             "    endpoint: https://drs.file\n    iam_endpoint: https://iam.file\n";
    const config c = load_ok(
        yaml,
        fake_env({
            {"HUAWEICLOUD_SDK_REGION_DRS_AP_SOUTHEAST_1", "https://drs.env"},
            {"HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.env"},
        })
    );
    EXPECT_EQ(c.projects[0].endpoint, "https://drs.file");
    EXPECT_EQ(c.projects[0].iam_endpoint, "https://iam.file");
}

TEST(LoadConfig, NamesTheEndpointOverrideVariableAfterTheRegion)
{
    EXPECT_EQ(endpoint_env_name("ap-southeast-1"), "HUAWEICLOUD_SDK_REGION_DRS_AP_SOUTHEAST_1");
    EXPECT_EQ(endpoint_env_name("eu-west-101"), "HUAWEICLOUD_SDK_REGION_DRS_EU_WEST_101");
    EXPECT_EQ(default_endpoint("cn-north-4"), "https://drs.cn-north-4.myhuaweicloud.com");
}

TEST(LoadConfig, TakesTheProxyFromHttpsProxyWhenTheFileSetsNone)
{
    const config c = load_ok(minimal, fake_env({{"HTTPS_PROXY", "proxy.corp:3128"}}));
    EXPECT_EQ(c.projects[0].proxy_url, "http://proxy.corp:3128");
    EXPECT_EQ(c.projects[0].iam_proxy_url, "http://proxy.corp:3128");
    const config lower = load_ok(minimal, fake_env({{"https_proxy", "http://p:8080"}}));
    EXPECT_EQ(lower.projects[0].proxy_url, "http://p:8080");
}

TEST(LoadConfig, AppliesNoProxyToEachEndpoint)
{
    const config c = load_ok(
        minimal,
        fake_env(
            {{"HTTPS_PROXY", "http://proxy.corp:3128"},
             {"NO_PROXY", "localhost, .ap-southeast-1.myhuaweicloud.com"}}
        )
    );
    EXPECT_EQ(c.projects[0].proxy_url, "");
    EXPECT_EQ(c.projects[0].iam_proxy_url, "");
    const config only_drs = load_ok(
        minimal,
        fake_env(
            {{"HTTPS_PROXY", "http://proxy.corp:3128"}, {"no_proxy", "drs.ap-southeast-1.myhuaweicloud.com"}}
        )
    );
    EXPECT_EQ(only_drs.projects[0].proxy_url, "");
    EXPECT_EQ(only_drs.projects[0].iam_proxy_url, "http://proxy.corp:3128");
}

TEST(LoadConfig, LetsAnEmptyProxyUrlForceDirectConnections)
{
    const config c = load_ok(
        std::string(minimal) + "    proxy_url: \"\"\n",
        fake_env({{"HTTPS_PROXY", "http://p:1"}})
    );
    EXPECT_EQ(c.projects[0].proxy_url, "");
    EXPECT_EQ(c.projects[0].iam_proxy_url, "");
}

TEST(LoadConfig, TreatsAnEmptyGlobalSectionAsDefaults)
{
    const config c = load_ok("global:\n" + std::string(minimal));
    EXPECT_EQ(c.global.poll_interval, 30s);
}

TEST(LoadConfig, AcceptsPlainByteCountsForSizes)
{
    const config c = load_ok("global: { max_response_bytes: 1048576 }\n" + std::string(minimal));
    EXPECT_EQ(c.global.max_response_bytes, 1048576u);
}

TEST(LoadFile, ReadsAFileAndAnchorsRelativePathsAtItsDirectory)
{
    const auto dir = std::filesystem::temp_directory_path() / "drsmon_config_load_file";
    std::filesystem::create_directories(dir);
    const auto file = dir / "drs.yml";
    std::ofstream(file) << "global: { state_dir: ./state }\n" << minimal;
    auto r = load_file(file.string(), fake_env());
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->source, file.string());
    EXPECT_EQ(r->global.state_dir, (dir / "state").string());
    EXPECT_EQ(r->projects[0].auth.config_dir, dir.string());
    std::filesystem::remove_all(dir);
}

TEST(LoadFile, ReportsAMissingFileWithItsName)
{
    auto r = load_file("/nonexistent/drs.yml", fake_env());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), drsmon::core::errc::config);
    EXPECT_EQ(r.error().where, "/nonexistent/drs.yml");
    EXPECT_EQ(r.error().detail, "/nonexistent/drs.yml: (root): cannot read: No such file or directory");
}

TEST(LoadConfig, TheFinishedIntervalFollowsALongerPollInterval)
{
    const config c = load_ok(R"(
global:
  poll_interval: 15m
  max_staleness: 20m
projects:
  - name: prod
    region: ap-southeast-1
    project_id: 054ba152d480d55b2f5dc0069e7ddef0
    auth: { type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK }
    jobs: [ "9a470239-2308-4bb5-a6bc-1040402fjb21" ]
)");
    EXPECT_EQ(c.global.finished_interval, std::chrono::minutes(15));
}
