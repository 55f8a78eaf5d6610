#include "drsmon/sim/scenario.hpp"
#include "drsmon/sim/simulator.hpp"
#include "drsmon/test/daemon_harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace drsmon::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Writes through a temporary file and a rename, so that a daemon reading the file (a reload) never
// sees half of it.
void write_file(const std::string& path, const std::string& content, mode_t mode = 0644)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out)
            throw std::runtime_error("cannot write " + tmp);
    }
    if (::chmod(tmp.c_str(), mode) != 0)
        throw std::runtime_error("cannot chmod " + tmp);
    fs::rename(tmp, path);
}

std::string log_tail(const std::string& text, std::size_t lines = 40)
{
    std::size_t pos = text.size();
    for (std::size_t n = 0; n <= lines && pos > 0; ++n)
    {
        auto p = text.rfind('\n', pos - 1);
        if (p == std::string::npos)
        {
            pos = 0;
            break;
        }
        pos = p;
    }
    return text.substr(pos);
}

// ---- a minimal blocking HTTP/1.1 client with one overall deadline ---------------------------------

using clock_type = std::chrono::steady_clock;

int remaining_ms(clock_type::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_fd(int fd, short events, clock_type::time_point deadline)
{
    for (;;)
    {
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, remaining_ms(deadline));
        if (r > 0)
            return true;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

// Decodes a chunked body; false while incomplete.
bool decode_chunked(std::string_view in, std::string& out)
{
    out.clear();
    std::size_t pos = 0;
    for (;;)
    {
        auto eol = in.find("\r\n", pos);
        if (eol == std::string_view::npos)
            return false;
        std::size_t size = std::strtoul(std::string(in.substr(pos, eol - pos)).c_str(), nullptr, 16);
        pos = eol + 2;
        if (size == 0)
            return true;
        if (in.size() < pos + size + 2)
            return false;
        out.append(in.substr(pos, size));
        pos += size + 2;
    }
}

http_result exchange(
    std::uint16_t port,
    const std::string& method,
    const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body,
    bool send_body
)
{
    http_result res;
    const auto deadline = clock_type::now() + 5s;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return res;
    struct closer
    {
        int fd;
        ~closer() { ::close(fd); }
    } close_fd{fd};

    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    {
        if (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline))
            return res;
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
            return res;
    }

    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nConnection: close\r\n";
    for (const auto& [k, v] : headers)
        req += k + ": " + v + "\r\n";
    if (send_body)
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    if (send_body)
        req += body;
    std::size_t sent = 0;
    while (sent < req.size())
    {
        auto n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (n > 0)
            sent += static_cast<std::size_t>(n);
        else if (n < 0 && (errno == EAGAIN || errno == EINTR))
        {
            if (!wait_fd(fd, POLLOUT, deadline))
                return res;
        }
        else
            return res;
    }

    std::string in;
    std::size_t header_end = std::string::npos;
    std::optional<std::size_t> content_length;
    bool chunked = false;
    bool eof = false;
    int status = 0;
    std::vector<std::pair<std::string, std::string>> hdrs;
    std::string decoded;
    for (;;)
    {
        if (header_end == std::string::npos)
        {
            header_end = in.find("\r\n\r\n");
            if (header_end != std::string::npos)
            {
                std::istringstream hs(in.substr(0, header_end));
                std::string line;
                std::getline(hs, line);
                // "HTTP/1.1 200 OK"
                auto sp = line.find(' ');
                if (sp == std::string::npos)
                    return res;
                status = std::atoi(line.c_str() + sp + 1);
                while (std::getline(hs, line))
                {
                    if (!line.empty() && line.back() == '\r')
                        line.pop_back();
                    auto colon = line.find(':');
                    if (colon == std::string::npos)
                        continue;
                    std::string k = line.substr(0, colon);
                    std::string v = line.substr(colon + 1);
                    v.erase(0, v.find_first_not_of(" \t"));
                    if (iequals(k, "content-length"))
                        content_length = std::strtoul(v.c_str(), nullptr, 10);
                    if (iequals(k, "transfer-encoding") && v.find("chunked") != std::string::npos)
                        chunked = true;
                    hdrs.emplace_back(std::move(k), std::move(v));
                }
                header_end += 4;
            }
        }
        if (header_end != std::string::npos)
        {
            std::string_view rest(in.data() + header_end, in.size() - header_end);
            if (method == "HEAD" || status == 204 || status == 304)
                break;
            if (chunked && decode_chunked(rest, decoded))
                break;
            if (!chunked && content_length && rest.size() >= *content_length)
            {
                decoded = std::string(rest.substr(0, *content_length));
                break;
            }
            if (eof)
            {
                if (chunked || content_length)
                    return res;  // truncated
                decoded = std::string(rest);
                break;
            }
        }
        else if (eof)
            return res;
        if (!wait_fd(fd, POLLIN, deadline))
            return res;
        char buf[16384];
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0)
            in.append(buf, static_cast<std::size_t>(n));
        else if (n == 0)
            eof = true;
        else if (errno != EAGAIN && errno != EINTR)
            return res;
    }
    res.status = status;
    res.headers = std::move(hdrs);
    res.body = std::move(decoded);
    return res;
}

// ---- Prometheus text ------------------------------------------------------------------------------

struct sample
{
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

// Parses one sample line; false for comments, blank and malformed lines.
bool parse_sample(std::string_view line, sample& s)
{
    if (line.empty() || line.front() == '#')
        return false;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ')
        ++i;
    s.name = std::string(line.substr(0, i));
    s.labels.clear();
    if (i < line.size() && line[i] == '{')
    {
        ++i;
        for (;;)
        {
            while (i < line.size() && (line[i] == ' ' || line[i] == ','))
                ++i;
            if (i >= line.size())
                return false;
            if (line[i] == '}')
            {
                ++i;
                break;
            }
            auto eq = line.find('=', i);
            if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
                return false;
            std::string key(line.substr(i, eq - i));
            std::string value;
            i = eq + 2;
            while (i < line.size() && line[i] != '"')
            {
                if (line[i] == '\\' && i + 1 < line.size())
                {
                    ++i;
                    value += line[i] == 'n' ? '\n' : line[i];
                }
                else
                    value += line[i];
                ++i;
            }
            if (i >= line.size())
                return false;
            ++i;  // closing quote
            s.labels.emplace(std::move(key), std::move(value));
        }
    }
    while (i < line.size() && line[i] == ' ')
        ++i;
    auto end = line.find(' ', i);
    std::string num(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    if (num.empty())
        return false;
    char* stop = nullptr;
    s.value = std::strtod(num.c_str(), &stop);
    return stop && *stop == '\0';
}

template <class F>
void for_each_sample(const std::string& text, F&& f)
{
    std::size_t pos = 0;
    sample s;
    while (pos < text.size())
    {
        auto eol = text.find('\n', pos);
        if (eol == std::string::npos)
            eol = text.size();
        if (parse_sample(std::string_view(text).substr(pos, eol - pos), s) && !f(s))
            return;
        pos = eol + 1;
    }
}

std::string yaml_quote(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
    {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

// True when the extra YAML (top level of global:) sets key itself.
bool extra_sets(const std::string& extra, const std::string& key)
{
    std::istringstream in(extra);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0)
            return true;
    return false;
}

}  // namespace

std::string http_result::header(std::string_view name) const
{
    for (const auto& [k, v] : headers)
        if (iequals(k, name))
            return v;
    return {};
}

http_result http_get(
    std::uint16_t port,
    const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers
)
{
    return exchange(port, "GET", target, headers, {}, false);
}

http_result http_post(std::uint16_t port, const std::string& target, const std::string& body)
{
    return exchange(port, "POST", target, {{"Content-Type", "application/json"}}, body, true);
}

std::string drs_monitor_path() { return DRSMON_MONITOR_PATH; }

std::optional<double> metric_value(
    const std::string& text,
    const std::string& name,
    const std::map<std::string, std::string>& labels
)
{
    std::optional<double> found;
    for_each_sample(text, [&](const sample& s) {
        if (s.name != name)
            return true;
        for (const auto& [k, v] : labels)
        {
            auto it = s.labels.find(k);
            if (it == s.labels.end() || it->second != v)
                return true;
        }
        found = s.value;
        return false;
    });
    return found;
}

std::size_t count_samples(const std::string& text, const std::string& name)
{
    std::size_t n = 0;
    for_each_sample(text, [&](const sample& s) {
        n += s.name == name ? 1 : 0;
        return true;
    });
    return n;
}

// ---- daemon_process ---------------------------------------------------------------------------------

daemon_process::daemon_process(daemon_options opts) : opts_(std::move(opts))
{
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/drsmon-daemon-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data()))
        throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    dir_ = buf.data();
    try
    {
        fs::create_directories(dir_ + "/credentials");
        fs::create_directories(state_dir());
        write_files(opts_);
        spawn();
        wait_healthy();
    }
    catch (...)
    {
        if (pid_ > 0)
        {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw;
    }
}

daemon_process::~daemon_process()
{
    if (pid_ > 0)
    {
        ::kill(pid_, SIGTERM);
        if (wait_exit(5s) == -1)
            kill9();
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const bool failed = info && info->result() && info->result()->Failed();
    if (failed)
    {
        std::cerr << "daemon_process: keeping " << dir_ << " (test failed); log tail:\n"
                  << log_tail(logs()) << "\n";
        return;
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::uint16_t daemon_process::port() const { return port_; }
const std::string& daemon_process::dir() const { return dir_; }
std::string daemon_process::config_path() const { return dir_ + "/drs-monitor.yml"; }
std::string daemon_process::state_dir() const { return dir_ + "/state"; }
std::string daemon_process::logs() const { return read_file(dir_ + "/daemon.log"); }
pid_t daemon_process::pid() const { return pid_; }

std::string daemon_process::metrics() const
{
    auto r = http_get(port_, "/metrics");
    return r.status == 200 ? r.body : std::string();
}

bool daemon_process::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const
{
    const auto deadline = clock_type::now() + timeout;
    for (;;)
    {
        if (pred())
            return true;
        if (clock_type::now() >= deadline)
            return false;
        std::this_thread::sleep_for(50ms);
    }
}

void daemon_process::rewrite_config(daemon_options opts)
{
    opts_ = std::move(opts);
    write_files(opts_);
}

void daemon_process::write_files(const daemon_options& o)
{
    const std::string creds = dir_ + "/credentials";
    std::ostringstream y;
    y << "# written by the drs-monitor end-to-end test harness\n";
    y << "global:\n";
    for (const char* key :
         {"poll_interval",
          "finished_interval",
          "detail_interval",
          "precheck_interval",
          "init_interval",
          "async_interval",
          "dr_interval",
          "components_interval"})
        if (!extra_sets(o.global_extra_yaml, key))
            y << "  " << key << ": " << o.poll_interval << "\n";
    if (!extra_sets(o.global_extra_yaml, "state_dir"))
        y << "  state_dir: " << yaml_quote(state_dir()) << "\n";
    {
        std::istringstream extra(o.global_extra_yaml);
        std::string line;
        while (std::getline(extra, line))
            if (!line.empty())
                y << "  " << line << "\n";
    }
    y << "projects:\n";
    y << "  - name: sim\n";
    y << "    region: ap-southeast-1\n";
    y << "    project_id: " << yaml_quote(o.project_id) << "\n";
    if (!o.sim_url.empty())
    {
        y << "    endpoint: " << yaml_quote(o.sim_url) << "\n";
        y << "    iam_endpoint: " << yaml_quote(o.sim_url) << "\n";
    }
    y << "    proxy_url: \"\"\n";
    y << "    auth:\n";
    y << "      type: " << o.auth << "\n";
    if (o.auth == "aksk")
    {
        write_file(creds + "/access-key", o.access_key + "\n", 0600);
        write_file(creds + "/secret-key", o.secret_key + "\n", 0600);
        y << "      access_key_file: " << yaml_quote(creds + "/access-key") << "\n";
        y << "      secret_key_file: " << yaml_quote(creds + "/secret-key") << "\n";
    }
    else if (o.auth == "password")
    {
        write_file(creds + "/password", o.iam_password + "\n", 0600);
        y << "      user: " << yaml_quote(o.iam_user) << "\n";
        y << "      domain: sim-account\n";
        y << "      password_file: " << yaml_quote(creds + "/password") << "\n";
    }
    else if (o.auth == "token")
    {
        write_file(creds + "/token", o.token + "\n", 0600);
        y << "      token_file: " << yaml_quote(creds + "/token") << "\n";
    }
    y << "    tls:\n";
    y << "      ca_file: "
      << yaml_quote(o.ca_file.empty() ? std::string(DRSMON_TEST_DATA_DIR) + "/tls/ca.pem" : o.ca_file)
      << "\n";
    y << "      insecure_skip_verify: " << (o.insecure_skip_verify ? "true" : "false") << "\n";
    y << "    jobs:" << (o.jobs.empty() ? " []" : "") << "\n";
    for (const auto& j : o.jobs)
        y << "      - " << yaml_quote(j) << "\n";
    y << "    async_jobs:" << (o.async_jobs.empty() ? " []" : "") << "\n";
    for (const auto& j : o.async_jobs)
        y << "      - " << yaml_quote(j) << "\n";
    {
        std::istringstream extra(o.project_extra_yaml);
        std::string line;
        while (std::getline(extra, line))
            if (!line.empty())
                y << "    " << line << "\n";
    }
    write_file(config_path(), y.str());
}

void daemon_process::spawn()
{
    // Everything is prepared before fork: the test process has other threads (the simulator).
    std::vector<std::string> args = {
        drs_monitor_path(),
        "--config.file=" + config_path(),
        "--web.listen-address=127.0.0.1:" + std::to_string(port_),
        "--log.level=" + opts_.log_level,
    };
    args.insert(args.end(), opts_.extra_args.begin(), opts_.extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // The test's environment minus the systemd variables (set only when the test asks for them).
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e)
    {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq == std::string::npos)
            continue;
        env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const char* k : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "CREDENTIALS_DIRECTORY"})
        env.erase(k);
    for (const auto& [k, v] : opts_.env)
        env[k] = v;
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env)
        env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    const std::string log_file = dir_ + "/daemon.log";
    const std::string out_file = dir_ + "/stdout.log";
    const pid_t parent = ::getpid();
    // fork + exec rather than posix_spawn: the child asks to be killed when the test process dies
    // (a crashed or killed test must not leave daemons behind). Only async-signal-safe calls
    // between fork and exec.
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("cannot fork: " + std::string(std::strerror(errno)));
    if (pid == 0)
    {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
        int in = ::open("/dev/null", O_RDONLY);
        int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int err = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
            ::_exit(127);
        // The test process's sockets (the simulator's listener among them) must not leak into
        // the daemon: a stopped simulator would then hang connections instead of refusing them.
        ::close_range(3, ~0U, 0);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    pid_ = pid;
    exit_code_ = -1;
}

void daemon_process::wait_healthy()
{
    static const std::regex port_re(R"re([ ,{"]port"?[=:]"?([0-9]+))re");
    const auto deadline = clock_type::now() + 10s;
    for (;;)
    {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_)
        {
            pid_ = -1;
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            throw std::runtime_error(
                "drs-monitor exited with " + std::to_string(exit_code_) +
                " before it was healthy; log tail:\n" + log_tail(logs())
            );
        }
        if (port_ == 0)
        {
            // Started on port 0: the daemon logs the port it bound.
            const std::string text = logs();
            auto line_start = text.find("drs-monitor started");
            if (line_start != std::string::npos)
            {
                auto line_end = text.find('\n', line_start);
                std::string line = text.substr(line_start, line_end - line_start);
                std::smatch m;
                if (std::regex_search(line, m, port_re))
                    port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
            }
        }
        if (port_ != 0 && http_get(port_, "/-/healthy").status == 200)
            return;
        if (clock_type::now() >= deadline)
            throw std::runtime_error(
                "drs-monitor was not healthy within 10 s; log tail:\n" + log_tail(logs())
            );
        std::this_thread::sleep_for(50ms);
    }
}

void daemon_process::signal(int sig)
{
    if (pid_ > 0)
        ::kill(pid_, sig);
}

int daemon_process::wait_exit(std::chrono::milliseconds timeout)
{
    if (pid_ <= 0)
        return exit_code_;
    const auto deadline = clock_type::now() + timeout;
    for (;;)
    {
        int status = 0;
        auto r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_)
        {
            pid_ = -1;
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return exit_code_;
        }
        if (r < 0 && errno != EINTR)
            return -1;
        if (clock_type::now() >= deadline)
            return -1;
        std::this_thread::sleep_for(10ms);
    }
}

void daemon_process::kill9()
{
    if (pid_ <= 0)
        return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR)
    {
    }
    pid_ = -1;
    exit_code_ = 128 + SIGKILL;
}

void daemon_process::restart()
{
    if (pid_ > 0)
        throw std::runtime_error("restart() while the daemon is still running");
    spawn();
    try
    {
        wait_healthy();
    }
    catch (...)
    {
        kill9();
        throw;
    }
}

std::unique_ptr<sim::simulator> start_simulator(
    int n,
    unsigned seed,
    double speed,
    const std::string& scenario_file
)
{
    sim::simulator_options o;
    o.world.seed = seed;
    o.world.jobs = n;
    o.world.speed = speed;
    if (!scenario_file.empty())
    {
        std::string path = scenario_file;
        if (!fs::exists(path) && fs::path(path).is_relative())
            path = std::string(DRSMON_TEST_DATA_DIR) + "/" + scenario_file;
        o.scenario_data = sim::load_scenario(path);
    }
    return start_simulator(std::move(o));
}

std::unique_ptr<sim::simulator> start_simulator(sim::simulator_options o)
{
    o.router.access_keys = {{"HPUASIMACCESSKEY0001", "simSecretKey+/0123456789"}};
    o.router.iam_users = {{"monitor", "monitor-password"}};
    auto s = std::make_unique<sim::simulator>(std::move(o));
    s->start();
    return s;
}

}  // namespace drsmon::test
