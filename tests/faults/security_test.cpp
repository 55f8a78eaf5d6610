// Secrecy and transport security of the running daemon: no configured or issued secret reaches any
// output, TLS is verified unless explicitly disabled (and then loudly), and secret files are
// checked at start-up.

#include "drsmon/sim/faults.hpp"

#include "fault_kit.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

extern char** environ;

namespace drsmon::faults {
namespace {

namespace fs = std::filesystem;

struct run_result
{
    int code = -1;  // exit code, 128 + signal, or -1 on timeout
    std::string out, err;
};

// Runs drs-monitor with args and waits (<= 15 s) for it to exit.
run_result run_monitor(std::vector<std::string> args, const std::string& scratch)
{
    args.insert(args.begin(), test::drs_monitor_path());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out = scratch + "/run.out", err = scratch + "/run.err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    run_result r;
    if (rc != 0)
        return r;
    const auto deadline = steady::now() + 15s;
    for (;;)
    {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
        {
            r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (steady::now() >= deadline)
        {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

void write_secret(const std::string& path, const std::string& value)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << value << "\n";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
}

// Replaces every occurrence of `from` in the file.
void edit_file(const std::string& path, const std::string& from, const std::string& to)
{
    auto text = read_text(path);
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string without_lines_containing(const std::string& text, const std::string& needle)
{
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line))
        if (line.find(needle) == std::string::npos)
            out += line + "\n";
    return out;
}

bool all_fresh(const std::string& m, const std::vector<std::string>& jobs)
{
    return std::all_of(jobs.begin(), jobs.end(), [&](const auto& id) { return job_fresh(m, id); });
}

// ---- secrets never leak ----------------------------------------------------------------------------

struct secrecy_case
{
    const char* name;
    const char* auth;
};

void PrintTo(const secrecy_case& c, std::ostream* os) { *os << c.name; }

class Secrecy : public ::testing::TestWithParam<secrecy_case>
{
};

// Everything the daemon shows or writes: its log and stdout, every file in its state directory,
// and every HTTP endpoint (with every job's detail page).
std::vector<std::pair<std::string, std::string>> outputs(const test::daemon_process& d)
{
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("log", d.logs());
    out.emplace_back("stdout", read_text(d.dir() + "/stdout.log"));
    for (const auto& e : fs::directory_iterator(d.state_dir()))
        if (e.is_regular_file())
            out.emplace_back(e.path().string(), read_text(e.path().string()));
    for (const std::string target :
         {"/", "/metrics", "/api/v1/jobs", "/api/v1/events?since=0&limit=1000", "/-/healthy", "/-/ready"})
        out.emplace_back(target, test::http_get(d.port(), target).body);
    boost::system::error_code ec;
    auto jobs = boost::json::parse(test::http_get(d.port(), "/api/v1/jobs").body, ec);
    if (!ec && jobs.is_object())
        for (const auto& j : jobs.as_object().at("jobs").as_array())
        {
            const std::string target = "/api/v1/jobs/" + std::string(j.as_object().at("job_id").as_string());
            out.emplace_back(target, test::http_get(d.port(), target).body);
        }
    return out;
}

TEST_P(Secrecy, NoSecretReachesLogsFilesMetricsOrTheApi)
{
    const auto& c = GetParam();
    auto sim = test::start_simulator(4);
    const auto all_jobs = sim->api().job_ids();
    pin_jobs(*sim, all_jobs);
    std::string batch_id;
    std::vector<std::string> secrets;
    sim->api().with_state([&](sim::world& w, sim::fault_set&, sim::recorder&) {
        batch_id = w.batches().at(0).id;
        for (const auto& j : w.jobs())
            secrets.push_back(j.db_password);
    });
    for (const auto& s : secrets)
        ASSERT_EQ(s.rfind("sim-db-password-", 0), 0u) << "the simulator's v5 bodies carry these";

    const std::vector<std::string> configured(all_jobs.begin(), all_jobs.begin() + 2);
    auto o = options_for(*sim, configured);
    o.async_jobs = {batch_id};
    o.auth = c.auth;
    if (o.auth == "token")
        o.token = sim->api().issue_token();
    test::daemon_process d(o);
    if (o.auth == "aksk")
    {
        secrets.push_back(o.access_key);
        secrets.push_back(o.secret_key);
        // Temporary credentials: add a security token and reload.
        const std::string security_token = "sim-security-token-0123456789abcdefABCDEF";
        write_secret(d.dir() + "/credentials/security-token", security_token);
        edit_file(
            d.config_path(),
            "      secret_key_file:",
            "      security_token_file: \"" + d.dir() +
                "/credentials/security-token\"\n      secret_key_file:"
        );
        d.signal(SIGHUP);
        ASSERT_TRUE(
            d.wait_for([&] { return d.logs().find("configuration reloaded") != std::string::npos; }, 10s)
        ) << d.logs();
        secrets.push_back(security_token);
    }
    if (o.auth == "password")
        secrets.push_back(o.iam_password);
    if (o.auth == "token")
        secrets.push_back(o.token);

    // The batch's members are found through v5 (whose bodies carry db_password) and polled.
    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto m = d.metrics();
            return up(m) == 1.0 && all_fresh(m, all_jobs);
        },
        20s
    )) << d.metrics();

    // Error paths too: failed, malformed and rejected replies are logged at debug level.
    for (const char* spec :
         {"5xx:status=500,count=2",
          "wrong-shape:count=2,api=batch-async-jobs",
          "truncated:count=2,api=batch-async-jobs",
          "malformed:count=2"})
        sim->api().add_fault(*sim::parse_fault_spec(spec));
    ASSERT_TRUE(d.wait_for(
        [&] {
            return sim->api().with_state([](sim::world&, sim::fault_set& f, sim::recorder&) {
                return f.active().empty();
            });
        },
        15s
    ));
    if (o.auth != "aksk")
    {
        // A rejected token: the password mode logs in again; the static token is reported rejected.
        sim->api().expire_tokens();
        const char* expect = o.auth == "password" ? "IAM token obtained"
                                                  : "authentication failed; holding back";
        ASSERT_TRUE(
            d.wait_for([&] { return occurrences(d.logs(), expect) >= (o.auth == "password" ? 2u : 1u); }, 10s)
        ) << d.logs();
    }
    // Every token the simulator saw on the wire is a secret too.
    for (const auto& r : sim->api().requests())
        if (auto t = r.header("X-Auth-Token"); !t.empty())
            secrets.push_back(t);
    std::sort(secrets.begin(), secrets.end());
    secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());

    std::size_t bytes = 0;
    for (const auto& [where, text] : outputs(d))
    {
        bytes += text.size();
        for (const auto& s : secrets)
            EXPECT_EQ(text.find(s), std::string::npos)
                << "secret " << s.substr(0, 6) << "… found in " << where;
        EXPECT_EQ(text.find("sim-db-password-"), std::string::npos) << where;
    }
    std::cout << "[ secrecy ] " << c.name << ": " << secrets.size() << " secrets checked in " << bytes
              << " bytes of output\n";
    EXPECT_GT(bytes, 10000u);
    EXPECT_NE(d.logs().find("level=debug"), std::string::npos) << "the run must have logged at debug level";
}

INSTANTIATE_TEST_SUITE_P(
    AuthModes,
    Secrecy,
    ::testing::Values(
        secrecy_case{"AkSkWithSecurityToken", "aksk"},
        secrecy_case{"IamPassword", "password"},
        secrecy_case{"StaticToken", "token"}
    ),
    [](const ::testing::TestParamInfo<secrecy_case>& p) { return std::string(p.param.name); }
);

// ---- TLS -------------------------------------------------------------------------------------------

TEST(TlsVerification, IsOnWhenTheConfigurationSaysNothingAboutTls)
{
    auto sim = test::start_simulator(2);
    const auto jobs = sim->api().job_ids();
    pin_jobs(*sim, jobs);
    test::daemon_process d(options_for(*sim, jobs));
    ASSERT_TRUE(d.wait_for([&] { return all_fresh(d.metrics(), jobs); }, 20s));

    // No tls section at all: the system trust store, which does not know the test CA.
    auto text = read_text(d.config_path());
    text = without_lines_containing(text, "ca_file:");
    text = without_lines_containing(text, "insecure_skip_verify:");
    text = without_lines_containing(text, "    tls:");
    std::ofstream(d.config_path(), std::ios::trunc) << text;
    d.signal(SIGHUP);
    std::string m;
    ASSERT_TRUE(d.wait_for(
        [&] {
            m = d.metrics();
            return up(m) == 0.0 && sum(m, "drs_monitor_api_requests_total", {{"code", "tls"}}) > 0;
        },
        15s
    )) << m;
    EXPECT_NE(d.logs().find("certificate verify failed"), std::string::npos);
}

TEST(TlsVerification, WrongCaFailsWithAClearTlsError)
{
    auto sim = test::start_simulator(2);
    const auto jobs = sim->api().job_ids();
    auto o = options_for(*sim, jobs);
    o.ca_file = std::string(DRSMON_TEST_DATA_DIR) + "/tls/other-ca.pem";
    test::daemon_process d(o);
    std::string m;
    ASSERT_TRUE(d.wait_for(
        [&] {
            m = d.metrics();
            return up(m) == 0.0 && sum(m, "drs_monitor_api_requests_total", {{"code", "tls"}}) > 0;
        },
        15s
    )) << m;
    const auto logs = d.logs();
    EXPECT_NE(logs.find("TLS handshake with 127.0.0.1:" + std::to_string(sim->port())), std::string::npos);
    EXPECT_NE(logs.find("certificate verify failed"), std::string::npos);
    EXPECT_EQ(count(m, "drs_job_status"), 0u);
    EXPECT_TRUE(sim->api().requests().empty()) << "nothing may be sent over an unverified connection";
}

TEST(TlsVerification, InsecureSkipVerifyWarnsAtEveryStart)
{
    auto sim = test::start_simulator(2);
    const auto jobs = sim->api().job_ids();
    pin_jobs(*sim, jobs);
    auto o = options_for(*sim, jobs);
    o.ca_file = std::string(DRSMON_TEST_DATA_DIR) + "/tls/other-ca.pem";
    o.insecure_skip_verify = true;
    test::daemon_process d(o);
    ASSERT_TRUE(d.wait_for([&] { return all_fresh(d.metrics(), jobs); }, 20s)) << "verification is off";
    const std::string warning = "TLS certificate verification is disabled";
    EXPECT_EQ(occurrences(d.logs(), warning), 1u);
    EXPECT_NE(d.logs().find("level=warn"), std::string::npos);

    d.signal(SIGTERM);
    ASSERT_EQ(d.wait_exit(10s), 0);
    d.restart();
    ASSERT_TRUE(d.wait_for([&] { return occurrences(d.logs(), warning) == 2; }, 10s));
    d.signal(SIGHUP);
    ASSERT_TRUE(d.wait_for([&] { return occurrences(d.logs(), warning) == 3; }, 10s))
        << "and at every reload";
}

// ---- secret files ----------------------------------------------------------------------------------

TEST(SecretFiles, ReadableByOthersGivesAWarningWithoutTheSecret)
{
    auto sim = test::start_simulator(1);
    const auto jobs = sim->api().job_ids();
    auto o = options_for(*sim, jobs);
    test::daemon_process d(o);
    const std::string file = d.dir() + "/credentials/secret-key";
    fs::permissions(
        file,
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read
    );

    auto check = run_monitor({"--config.file=" + d.config_path(), "--config.check"}, d.dir());
    EXPECT_EQ(check.code, 0) << check.err;
    EXPECT_NE(check.err.find(file + " is readable by group or others"), std::string::npos) << check.err;
    EXPECT_EQ(check.err.find(o.secret_key), std::string::npos);

    d.signal(SIGHUP);
    ASSERT_TRUE(
        d.wait_for([&] { return d.logs().find("is readable by group or others") != std::string::npos; }, 10s)
    );
    EXPECT_EQ(d.logs().find(o.secret_key), std::string::npos);
}

TEST(SecretFiles, MissingFileIsAClearStartupErrorWithExitCode2)
{
    auto sim = test::start_simulator(1);
    test::daemon_process d(options_for(*sim, sim->api().job_ids()));
    d.signal(SIGTERM);
    ASSERT_EQ(d.wait_exit(10s), 0);
    const std::string file = d.dir() + "/credentials/secret-key";
    fs::remove(file);

    auto check = run_monitor({"--config.file=" + d.config_path(), "--config.check"}, d.dir());
    EXPECT_EQ(check.code, 2);
    EXPECT_NE(check.err.find(file), std::string::npos) << check.err;
    EXPECT_NE(check.err.find("secret_key_file: cannot read: No such file or directory"), std::string::npos)
        << check.err;

    auto start = run_monitor(
        {"--config.file=" + d.config_path(), "--web.listen-address=127.0.0.1:0", "--log.level=debug"},
        d.dir()
    );
    EXPECT_EQ(start.code, 2) << start.err;
    EXPECT_NE(start.err.find("cannot start"), std::string::npos) << start.err;
    EXPECT_NE(start.err.find(file), std::string::npos) << start.err;
    EXPECT_NE(start.err.find("No such file or directory"), std::string::npos) << start.err;
}

TEST(SecretFiles, RelativeNamesResolveAgainstCredentialsDirectory)
{
    auto sim = test::start_simulator(2);
    const auto jobs = sim->api().job_ids();
    pin_jobs(*sim, jobs);
    // systemd's LoadCredential= directory, holding the right key pair.
    const std::string creds = fs::temp_directory_path() / ("drsmon-creds-" + std::to_string(::getpid()));
    fs::create_directories(creds);
    struct cleanup
    {
        std::string dir;
        ~cleanup() { fs::remove_all(dir); }
    } cleanup{creds};
    write_secret(creds + "/drs-access-key", test::daemon_options{}.access_key);
    write_secret(creds + "/drs-secret-key", test::daemon_options{}.secret_key);

    auto o = options_for(*sim, jobs);
    o.secret_key = "wrongSecretKey0000000000";  // what the absolute file names hold
    o.env["CREDENTIALS_DIRECTORY"] = creds;
    test::daemon_process d(o);
    ASSERT_TRUE(d.wait_for(
        [&] {
            return sum(d.metrics(), "drs_monitor_api_requests_total", {{"code", "401"}}) > 0;
        },
        15s
    ));

    edit_file(d.config_path(), "\"" + d.dir() + "/credentials/access-key\"", "drs-access-key");
    edit_file(d.config_path(), "\"" + d.dir() + "/credentials/secret-key\"", "drs-secret-key");
    d.signal(SIGHUP);
    ASSERT_TRUE(d.wait_for(
        [&] {
            const auto m = d.metrics();
            return up(m) == 1.0 && all_fresh(m, jobs);
        },
        15s
    )) << read_text(d.config_path());
}

}  // namespace
}  // namespace drsmon::faults
