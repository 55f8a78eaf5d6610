#include "drsmon/config/config.hpp"

#include "fake_env.hpp"

#include <gtest/gtest.h>

using namespace drsmon::config;
using drsmon::config::testing::fake_env;

namespace {

// Lines 1-6 of most cases; failures below point into or after it.
#define PROJECT_HEAD               \
    "projects:\n"                  \
    "  - name: prod\n"             \
    "    region: ap-southeast-1\n" \
    "    project_id: 054ba152d480d55b2f5dc0069e7ddef0\n"
#define AKSK_ENV "    auth: { type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK }\n"
#define ONE_JOB "    jobs: [ 9a470239-2308-4bb5-a6bc-1040402fjb21 ]\n"

struct bad_case
{
    const char* name;
    const char* yaml;
    const char* detail;  // the exact error text
};

// clang-format 14 crashes aligning this table (AlignArrayOfStructures); it is laid out by hand.
// clang-format off
const bad_case cases[] = {
    {"BadYamlSyntax", "global:\n  poll_interval: [30s\nprojects: []\n",
     "drs.yml:3: (root): invalid YAML: end of sequence flow not found"},
    {"DocumentIsAList", "- a\n- b\n", "drs.yml:1: (root): must be a mapping with the keys global and projects"},
    {"EmptyDocument", "", "drs.yml:1: (root): must be a mapping with the keys global and projects"},
    {"UnknownTopLevelKey", "globl:\n  poll_interval: 30s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:1: globl: unknown key (allowed: global, projects)"},
    {"UnknownGlobalKey", "global:\n  poll_intervall: 30s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.poll_intervall: unknown key (allowed: poll_interval, finished_interval, detail_interval, "
     "precheck_interval, "
     "init_interval, async_interval, dr_interval, components_interval, batch_size, max_concurrency, request_timeout, max_staleness, state_dir, "
     "max_response_bytes, retry, throttle, auth_failure_backoff, events, jitter, language)"},
    {"UnknownRetryKey", "global:\n  retry: { attempts: 3 }\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.retry.attempts: unknown key (allowed: max_attempts, initial_backoff, max_backoff, "
     "round_budget)"},
    {"UnknownProjectKey", PROJECT_HEAD "    regoin: x\n" AKSK_ENV ONE_JOB,
     "drs.yml:5: projects[0].regoin: unknown key (allowed: name, region, project_id, endpoint, iam_endpoint, auth, "
     "tls, proxy_url, jobs, async_jobs, discovery, dr, components)"},
    {"UnknownAuthKey", PROJECT_HEAD "    auth:\n      type: aksk\n      access_key_envv: A\n" ONE_JOB,
     "drs.yml:7: projects[0].auth.access_key_envv: unknown key (allowed: type, access_key_file, access_key_env, "
     "secret_key_file, secret_key_env, security_token_file, security_token_env, token_file, token_env, user, "
     "domain, password_file, password_env)"},
    {"UnknownTlsKey", PROJECT_HEAD AKSK_ENV "    tls: { verify: false }\n" ONE_JOB,
     "drs.yml:6: projects[0].tls.verify: unknown key (allowed: ca_file, insecure_skip_verify)"},
    {"UnknownJobKey", PROJECT_HEAD AKSK_ENV "    jobs:\n      - { id: 9a470239-2308-4bb5-a6bc-1040402fjb21, nme: x }\n",
     "drs.yml:7: projects[0].jobs[0].nme: unknown key (allowed: id, collect)"},
    {"DuplicateKey", PROJECT_HEAD "    region: cn-north-4\n" AKSK_ENV ONE_JOB,
     "drs.yml:5: projects[0].region: duplicate key (first at line 3)"},
    {"GlobalIsAList", "global: [ 1 ]\n" PROJECT_HEAD AKSK_ENV ONE_JOB, "drs.yml:1: global: must be a mapping"},
    {"BatchSizeIsText", "global: { batch_size: ten }\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:1: global.batch_size: must be an integer (got \"ten\")"},
    {"BatchSizeZero", "global: { batch_size: 0 }\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:1: global.batch_size: must be between 1 and 10 (got 0)"},
    {"BatchSizeEleven", "global:\n  batch_size: 11\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.batch_size: must be between 1 and 10 (got 11)"},
    {"NegativeDuration", "global:\n  poll_interval: -30s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.poll_interval: must be a duration like 30s, 1m30s, 500ms or 1d (got \"-30s\")"},
    {"ZeroDuration", "global:\n  request_timeout: 0s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.request_timeout: must be greater than zero (got \"0s\")"},
    {"GarbledDuration", "global:\n  detail_interval: 10 minutes\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.detail_interval: must be a duration like 30s, 1m30s, 500ms or 1d (got \"10 minutes\")"},
    {"DurationIsAMapping", "global:\n  init_interval: { s: 1 }\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.init_interval: must be a single value, not a mapping"},
    {"GarbledSize", "global:\n  max_response_bytes: 16 megs\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.max_response_bytes: must be a size like 16MiB, 10MB or 1048576 (got \"16 megs\")"},
    {"JitterOutOfRange", "global:\n  jitter: 1.5\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.jitter: must be a number between 0 and 1 (got \"1.5\")"},
    {"UnknownLanguage", "global:\n  language: fr\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.language: must be one of en-us, zh-cn (got \"fr\")"},
    {"BackoffCapBelowStart", "global:\n  retry:\n    initial_backoff: 1m\n    max_backoff: 10s\n" PROJECT_HEAD AKSK_ENV
                                 ONE_JOB,
     "drs.yml:4: global.retry.max_backoff: must not be shorter than initial_backoff (1m)"},
    {"UnknownEventsKey", "global:\n  events: { sync: round }\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.events.sync: unknown key (allowed: ring_size, file_max_bytes, file_keep, fsync)"},
    {"EventsFsyncUnknown", "global:\n  events:\n    fsync: sometimes\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.events.fsync: must be one of never, round, always (got \"sometimes\")"},
    {"EventsFsyncIsABoolean", "global:\n  events:\n    fsync: true\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.events.fsync: must be one of never, round, always (got \"true\")"},
    {"UnknownThrottleKey", "global:\n  throttle: { initial: 5s }\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:2: global.throttle.initial: unknown key (allowed: min_backoff, max_backoff)"},
    {"ThrottleMinZero", "global:\n  throttle:\n    min_backoff: 0s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.throttle.min_backoff: must be greater than zero (got \"0s\")"},
    {"ThrottleMaxIsText", "global:\n  throttle:\n    max_backoff: soon\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.throttle.max_backoff: must be a duration like 30s, 1m30s, 500ms or 1d (got \"soon\")"},
    {"ThrottleMaxBelowMin", "global:\n  throttle:\n    min_backoff: 1m\n    max_backoff: 30s\n" PROJECT_HEAD AKSK_ENV
     ONE_JOB, "drs.yml:4: global.throttle.max_backoff: must not be shorter than min_backoff (1m)"},
    {"ThrottleMaxBelowTheDefaultMin", "global:\n  throttle:\n    max_backoff: 2s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.throttle.max_backoff: must not be shorter than min_backoff (5s)"},
    {"ThrottleMinAboveTheDefaultMax", "global:\n  throttle:\n    min_backoff: 1h\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.throttle.max_backoff: must not be shorter than min_backoff (1h)"},
    {"StalenessBelowPollInterval", "global:\n  poll_interval: 1m\n  max_staleness: 30s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.max_staleness: must not be shorter than poll_interval (1m)"},
    {"FinishedIntervalBelowPollInterval",
     "global:\n  poll_interval: 1m\n  finished_interval: 30s\n" PROJECT_HEAD AKSK_ENV ONE_JOB,
     "drs.yml:3: global.finished_interval: must not be shorter than poll_interval (1m)"},
    {"StateDirEmpty", "global:\n  state_dir:\n" PROJECT_HEAD AKSK_ENV ONE_JOB, "drs.yml:2: global.state_dir: must have a value"},
    {"MissingProjects", "global: {}\n", "drs.yml:1: projects: is required and must list at least one project"},
    {"EmptyProjectsList", "global: {}\nprojects: []\n", "drs.yml:2: projects: must list at least one project"},
    {"ProjectsIsAMapping", "projects: { name: prod }\n", "drs.yml:1: projects: must be a list"},
    {"MissingName", "projects:\n  - region: ap-southeast-1\n",
     "drs.yml:2: projects[0]: name is required"},
    {"BadProjectName", "projects:\n  - name: 1prod\n", "drs.yml:2: projects[0].name: must match [a-zA-Z_][a-zA-Z0-9_-]* "
                                                       "and be at most 64 characters (got \"1prod\")"},
    {"DuplicateProjectNames", PROJECT_HEAD AKSK_ENV ONE_JOB "  - name: prod\n    region: cn-north-4\n"
                              "    project_id: 054ba152d480d55b2f5dc0069e7ddef0\n" AKSK_ENV ONE_JOB,
     "drs.yml:7: projects[1].name: duplicate project name \"prod\" (first at line 2)"},
    {"MissingRegion", "projects:\n  - name: prod\n    project_id: 054ba152d480d55b2f5dc0069e7ddef0\n" AKSK_ENV ONE_JOB,
     "drs.yml:2: projects[0]: region is required"},
    {"RegionWithUpperCase", "projects:\n  - name: prod\n    region: AP-Southeast-1\n",
     "drs.yml:3: projects[0].region: must be a region ID like ap-southeast-1 (got \"AP-Southeast-1\")"},
    {"ShortProjectId", "projects:\n  - name: prod\n    region: ap-southeast-1\n    project_id: 054ba152\n",
     "drs.yml:4: projects[0].project_id: must be 32 hexadecimal characters (got \"054ba152\")"},
    {"NonHexProjectId", "projects:\n  - name: prod\n    region: ap-southeast-1\n"
                        "    project_id: 054ba152d480d55b2f5dc0069e7ddefz\n",
     "drs.yml:4: projects[0].project_id: must be 32 hexadecimal characters (got \"054ba152d480d55b2f5dc0069e7ddefz\")"},
    {"EndpointWithoutHttps", PROJECT_HEAD "    endpoint: http://drs.example.com\n" AKSK_ENV ONE_JOB,
     "drs.yml:5: projects[0].endpoint: must be an https URL with a host and no path, like "
     "https://drs.ap-southeast-1.myhuaweicloud.com (got \"http://drs.example.com\")"},
    {"EndpointWithPath", PROJECT_HEAD "    endpoint: https://drs.example.com/v3\n" AKSK_ENV ONE_JOB,
     "drs.yml:5: projects[0].endpoint: must be an https URL with a host and no path, like "
     "https://drs.ap-southeast-1.myhuaweicloud.com (got \"https://drs.example.com/v3\")"},
    {"IamEndpointNotAUrl", PROJECT_HEAD "    iam_endpoint: iam.example.com\n" AKSK_ENV ONE_JOB,
     "drs.yml:5: projects[0].iam_endpoint: must be an https URL with a host and no path, like "
     "https://iam.ap-southeast-1.myhuaweicloud.com (got \"iam.example.com\")"},
    {"MissingAuth", PROJECT_HEAD ONE_JOB, "drs.yml:2: projects[0]: auth is required"},
    {"BadAuthType", PROJECT_HEAD "    auth:\n      type: akk\n" ONE_JOB,
     "drs.yml:6: projects[0].auth.type: must be one of aksk, token, password (got \"akk\")"},
    {"AkskWithoutKeys", PROJECT_HEAD "    auth:\n      type: aksk\n" ONE_JOB,
     "drs.yml:5: projects[0].auth: access_key_file or access_key_env is required for type aksk"},
    {"AkskWithoutSecretKey", PROJECT_HEAD "    auth:\n      type: aksk\n      access_key_env: A\n" ONE_JOB,
     "drs.yml:5: projects[0].auth: secret_key_file or secret_key_env is required for type aksk"},
    {"BothFileAndEnv", PROJECT_HEAD "    auth:\n      type: aksk\n      access_key_file: ak\n      access_key_env: A\n"
                                    "      secret_key_env: S\n" ONE_JOB,
     "drs.yml:8: projects[0].auth.access_key_env: set either access_key_file or access_key_env, not both"},
    {"InlineSecretKey", PROJECT_HEAD "    auth:\n      type: aksk\n      access_key_env: A\n"
                                     "      secret_key: do-not-echo-me\n" ONE_JOB,
     "drs.yml:8: projects[0].auth.secret_key: secrets must not be written in the config file; use secret_key_file "
     "or secret_key_env"},
    {"InlinePassword", PROJECT_HEAD "    auth: { type: password, user: u, domain: d, password: hunter2 }\n" ONE_JOB,
     "drs.yml:5: projects[0].auth.password: secrets must not be written in the config file; use password_file or "
     "password_env"},
    {"InlineTokenOnProject", PROJECT_HEAD "    token: abc\n" AKSK_ENV ONE_JOB,
     "drs.yml:5: projects[0].token: secrets must not be written in the config file; use token_file or token_env"},
    {"KeyOfAnotherAuthType", PROJECT_HEAD "    auth: { type: token, token_env: T, access_key_env: A }\n" ONE_JOB,
     "drs.yml:5: projects[0].auth.access_key_env: does not apply to type token"},
    {"PasswordWithoutUser", PROJECT_HEAD "    auth: { type: password, domain: d, password_env: P }\n" ONE_JOB,
     "drs.yml:5: projects[0].auth: user is required"},
    {"BadEnvName", PROJECT_HEAD "    auth: { type: token, token_env: \"$TOKEN\" }\n" ONE_JOB,
     "drs.yml:5: projects[0].auth.token_env: must be an environment variable name like DRS_SK (got \"$TOKEN\")"},
    {"TlsFlagNotABoolean", PROJECT_HEAD AKSK_ENV "    tls:\n      insecure_skip_verify: maybe\n" ONE_JOB,
     "drs.yml:7: projects[0].tls.insecure_skip_verify: must be true or false (got \"maybe\")"},
    {"ProxyWithHttpsScheme", PROJECT_HEAD AKSK_ENV "    proxy_url: https://proxy:3128\n" ONE_JOB,
     "drs.yml:6: projects[0].proxy_url: must be an http://host:port URL without user info (got "
     "\"https://proxy:3128\")"},
    {"ProxyWithCredentialsIsNotEchoed", PROJECT_HEAD AKSK_ENV "    proxy_url: http://user:pw@proxy:3128\n" ONE_JOB,
     "drs.yml:6: projects[0].proxy_url: must be an http://host:port URL without user info"},
    {"JobsIsAString", PROJECT_HEAD AKSK_ENV "    jobs: 9a470239-2308-4bb5-a6bc-1040402fjb21\n",
     "drs.yml:6: projects[0].jobs: must be a list"},
    {"MalformedJobId", PROJECT_HEAD AKSK_ENV "    jobs:\n      - 9a470239-2308-4bb5-a6bc-1040402fjb21\n"
                                             "      - 9a470239_2308-4bb5-a6bc-1040402fjb21\n",
     "drs.yml:8: projects[0].jobs[1]: malformed job ID \"9a470239_2308-4bb5-a6bc-1040402fjb21\" (expected "
     "8-4-4-4-12 letters and digits, like 9a470239-2308-4bb5-a6bc-1040402fjb21)"},
    {"DuplicateJobIdIgnoringCase", PROJECT_HEAD AKSK_ENV "    jobs:\n      - 9a470239-2308-4bb5-a6bc-1040402fjb21\n"
                                                         "      - id: 9A470239-2308-4BB5-A6BC-1040402FJB21\n",
     "drs.yml:8: projects[0].jobs[1].id: duplicate job ID \"9A470239-2308-4BB5-A6BC-1040402FJB21\" (first at line 7)"},
    {"JobMapWithoutId", PROJECT_HEAD AKSK_ENV "    jobs:\n      - collect: { type: source }\n",
     "drs.yml:7: projects[0].jobs[0]: id is required"},
    {"JobIsAList", PROJECT_HEAD AKSK_ENV "    jobs:\n      - [ a ]\n",
     "drs.yml:7: projects[0].jobs[0]: must be a job ID or a mapping with id and collect"},
    {"BadCollectType", PROJECT_HEAD AKSK_ENV "    jobs:\n      - id: 9a470239-2308-4bb5-a6bc-1040402fjb21\n"
                                             "        collect: { type: synced }\n",
     "drs.yml:8: projects[0].jobs[0].collect.type: must be one of source, modified, synchronized (got \"synced\")"},
    {"ZeroCollectInterval", PROJECT_HEAD AKSK_ENV "    jobs:\n      - id: 9a470239-2308-4bb5-a6bc-1040402fjb21\n"
                                                  "        collect:\n          interval: 0\n",
     "drs.yml:9: projects[0].jobs[0].collect.interval: must be greater than zero (got \"0\")"},
    {"MalformedAsyncJobId", PROJECT_HEAD AKSK_ENV "    async_jobs: [ not-a-job ]\n",
     "drs.yml:6: projects[0].async_jobs[0]: malformed job ID \"not-a-job\" (expected 8-4-4-4-12 letters and digits, "
     "like 9a470239-2308-4bb5-a6bc-1040402fjb21)"},
    {"DuplicateAsyncJobId", PROJECT_HEAD AKSK_ENV "    async_jobs:\n      - bd4193aa-072d-4ce6-beec-adffc7252341\n"
                                                  "      - bd4193aa-072d-4ce6-beec-adffc7252341\n",
     "drs.yml:8: projects[0].async_jobs[1]: duplicate job ID \"bd4193aa-072d-4ce6-beec-adffc7252341\" (first at "
     "line 7)"},
    {"ProjectWithoutJobs", PROJECT_HEAD AKSK_ENV "    jobs: []\n",
     "drs.yml:2: projects[0]: lists no jobs; add job IDs to jobs or async_jobs, or enable discovery"},
};
// clang-format on

class BadConfig : public ::testing::TestWithParam<bad_case>
{
};

}  // namespace

TEST_P(BadConfig, IsRejectedWithFileLineAndKey)
{
    const bad_case& c = GetParam();
    auto r = load_string(c.yaml, "drs.yml", fake_env());
    ASSERT_FALSE(r.has_value()) << c.yaml;
    EXPECT_EQ(r.error().kind(), drsmon::core::errc::config);
    EXPECT_EQ(r.error().where, "drs.yml");
    EXPECT_EQ(r.error().detail, c.detail);
    EXPECT_EQ(r.error().detail.find("do-not-echo-me"), std::string::npos);
    EXPECT_EQ(r.error().detail.find("hunter2"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    LoadString,
    BadConfig,
    ::testing::ValuesIn(cases),
    [](const ::testing::TestParamInfo<bad_case>& param_info) { return std::string(param_info.param.name); }
);

TEST(LoadString, ReportsTheKeyPathInTheErrorPath)
{
    auto r = load_string(PROJECT_HEAD "    auth:\n      type: akk\n" ONE_JOB, "drs.yml", fake_env());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().path, "projects[0].auth.type");
}

TEST(LoadString, RejectsAMalformedEndpointOverrideFromTheEnvironment)
{
    auto r = load_string(
        PROJECT_HEAD AKSK_ENV ONE_JOB,
        "drs.yml",
        fake_env({{"HUAWEICLOUD_SDK_REGION_DRS_AP_SOUTHEAST_1", "drs.local:8443"}})
    );
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(
        r.error().detail,
        "drs.yml:2: projects[0].endpoint: HUAWEICLOUD_SDK_REGION_DRS_AP_SOUTHEAST_1 must be an https URL "
        "with a "
        "host and no path (got \"drs.local:8443\")"
    );
}

TEST(LoadString, RejectsAMalformedHttpsProxyWithoutEchoingCredentials)
{
    auto r = load_string(
        PROJECT_HEAD AKSK_ENV ONE_JOB,
        "drs.yml",
        fake_env({{"HTTPS_PROXY", "http://u:secret@p:1"}})
    );
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(
        r.error().detail,
        "drs.yml:2: projects[0].proxy_url: HTTPS_PROXY must be an http://host:port URL without user info"
    );
}
