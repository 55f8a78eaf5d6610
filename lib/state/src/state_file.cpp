// The files of the state: atomic replacement of state.json, reading it back, the append-only
// journal. The format is in state_write.cpp and state_read.cpp.
#include "drsmon/state/durable_files.hpp"
#include "drsmon/state/persist.hpp"

#include "state_format.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace drsmon::state {

namespace fs = std::filesystem;

namespace {

core::error io_error(const std::string& path, const std::string& step, int err)
{
    return core::make_error(core::errc::io, path, step + ": " + std::strerror(err));
}

// Writes all of `text` to `fd`, retrying on EINTR and short writes. Returns 0 or the errno.
int write_all(int fd, std::string_view text)
{
    std::size_t written = 0;
    while (written < text.size())
    {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0)
        {
            if (errno == EINTR)
                continue;
            return errno;
        }
        written += static_cast<std::size_t>(n);
    }
    return 0;
}

}  // namespace

core::result<void> save(const store& s, std::uint64_t next_event_seq, const std::string& path)
{
    const std::string tmp = path + ".tmp";

    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error(tmp, "open", errno);
    // Written in chunks of about 256 kB as it is produced: the whole document (megabytes at
    // thousands of jobs) is never held in memory.
    int write_error = 0;
    detail::write_state(s, next_event_seq, 256 * 1024, [&](std::string_view chunk) {
        if (write_error == 0)
            write_error = write_all(fd, chunk);
    });
    if (const int err = write_error; err != 0)
    {
        ::close(fd);
        ::unlink(tmp.c_str());
        return io_error(tmp, "write", err);
    }
    if (::fsync(fd) != 0)
    {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return io_error(tmp, "fsync", err);
    }
    if (::close(fd) != 0)
    {
        const int err = errno;
        ::unlink(tmp.c_str());
        return io_error(tmp, "close", err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0)
    {
        const int err = errno;
        ::unlink(tmp.c_str());
        return io_error(path, "rename", err);
    }
    // The rename is durable only once the directory entry is on disk.
    // Constructed, not assigned: assigning "." draws GCC 12's -Wrestrict false positive at -O2.
    const fs::path parent = fs::path(path).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return io_error(dir, "open directory", errno);
    const int rc = ::fsync(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0)
        return io_error(dir, "fsync directory", err);
    return {};
}

core::result<loaded_state> load(const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        return core::make_error(core::errc::not_found, path, "no state file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return core::make_error(core::errc::io, path, "cannot open for reading");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
        return core::make_error(core::errc::io, path, "read failed");
    return parse_state(buf.str(), path);
}

core::result<std::string> move_aside(const std::string& path, core::wall_time now)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    const std::string target = path + ".corrupt-" + stamp;
    if (::rename(path.c_str(), target.c_str()) != 0)
        return io_error(path, "rename to " + target, errno);
    return target;
}

core::result<void> append_journal(
    const store& s,
    const std::vector<job_key>& keys,
    std::uint64_t next_event_seq,
    const std::string& path,
    durable_files* files
)
{
    if (keys.empty())
        return {};
    std::string text;
    for (const auto& k : keys)
        detail::write_journal_line(text, s, k, next_event_seq);
    const bool created = files != nullptr && ::access(path.c_str(), F_OK) != 0;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error(path, "open", errno);
    if (const int err = write_all(fd, text); err != 0)
    {
        ::close(fd);
        return io_error(path, "write", err);
    }
    if (::close(fd) != 0)
        return io_error(path, "close", errno);
    if (files != nullptr)
        return files->appended(path, created);
    return {};
}

std::size_t replay_journal(const std::string& path, loaded_state& into)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return 0;
    const std::uint64_t saved_seq = into.next_event_seq;
    std::size_t applied = 0;
    for (std::string text; std::getline(in, text);)
    {
        const auto line = detail::apply_journal_line(text, saved_seq, into);
        if (line == detail::journal_line::invalid)
            break;
        if (line == detail::journal_line::applied)
            ++applied;
    }
    return applied;
}

core::result<void> clear_journal(const std::string& path)
{
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return io_error(path, "unlink", errno);
    return {};
}

}  // namespace drsmon::state
