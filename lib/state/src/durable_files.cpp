#include "drsmon/state/durable_files.hpp"
#include "drsmon/state/persist.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace drsmon::state {

namespace fs = std::filesystem;

namespace {

core::error io_failure(const std::string& path, const char* step, int err)
{
    return core::make_error(core::errc::io, path, std::string(step) + ": " + std::strerror(err));
}

// fdatasync (data) or fsync (directory) of `path`; 0 or errno.
int sync_path(const std::string& path, bool directory)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
    if (fd < 0)
        return errno;
    const int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
    const int err = rc != 0 ? errno : 0;
    ::close(fd);
    return err;
}

}  // namespace

durable_files::~durable_files() { (void)sync(); }

core::result<void> durable_files::sync_one(const std::string& path, bool created)
{
    ++syncs_;
    if (const int err = sync_path(path, false); err != 0)
        return io_failure(path, "fdatasync", err);
    if (!created)
        return {};
    // A new file survives a power loss only once its directory entry is on disk.
    // Constructed, not assigned: assigning "." draws GCC 12's -Wrestrict false positive at -O2.
    const fs::path parent = fs::path(path).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    ++syncs_;
    if (const int err = sync_path(dir, true); err != 0)
        return io_failure(dir, "fsync directory", err);
    return {};
}

core::result<void> durable_files::appended(const std::string& path, bool created)
{
    switch (policy_)
    {
    case fsync_policy::never: return {};
    case fsync_policy::round:
    {
        auto [it, inserted] = pending_.emplace(path, created);
        if (!inserted)
            it->second = it->second || created;
        return {};
    }
    case fsync_policy::always:
        if (auto r = sync_one(path, created); !r)
        {
            pending_[path] = pending_[path] || created;
            return r;
        }
        return {};
    }
    return {};
}

core::result<void> durable_files::sync()
{
    core::result<void> first_error;
    for (auto it = pending_.begin(); it != pending_.end();)
    {
        auto r = sync_one(it->first, it->second);
        if (r)
        {
            it = pending_.erase(it);
            continue;
        }
        // A file removed since (the journal after a save) has nothing left to make durable.
        if (std::error_code ec; !fs::exists(it->first, ec))
        {
            it = pending_.erase(it);
            continue;
        }
        if (first_error)
            first_error = r;
        ++it;
    }
    return first_error;
}

}  // namespace drsmon::state
