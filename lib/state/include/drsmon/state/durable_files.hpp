#pragma once

#include "drsmon/core/error.hpp"
#include "drsmon/core/fsync_policy.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drsmon::state {

class store;
struct job_key;

using core::fsync_policy;

// The files appended to since the last sync point, made durable according to a policy. A file
// that an append created (first write, after a rotation or after the journal was cleared) also
// gets its directory fsynced, or a power loss could lose the whole file. Not thread-safe.
class durable_files
{
public:
    explicit durable_files(fsync_policy p = fsync_policy::round) : policy_(p) {}
    durable_files(const durable_files&) = delete;
    durable_files& operator=(const durable_files&) = delete;
    // Syncs what is still pending (best effort, errors ignored).
    ~durable_files();

    fsync_policy policy() const noexcept { return policy_; }
    void set_policy(fsync_policy p) noexcept { policy_ = p; }

    // Records an append to `path` (`created`: the append created the file). always: syncs the
    // file (and its directory when created) now; round: remembers it for sync(); never: nothing.
    // Errors: errc::io naming the file and the failed step; the file then stays pending.
    core::result<void> appended(const std::string& path, bool created);

    // The end of a polling round: fdatasync of every file appended to since the last call, and
    // fsync of the directory of each file that was created; then none is pending. Nothing to do
    // when no file is pending (never and always leave none). Errors: errc::io for the first
    // failure; the files not synced stay pending for the next call.
    core::result<void> sync();

    std::size_t pending() const noexcept { return pending_.size(); }
    // fdatasync/fsync calls made so far (files and directories).
    std::uint64_t syncs() const noexcept { return syncs_; }

private:
    core::result<void> sync_one(const std::string& path, bool created);

    fsync_policy policy_;
    std::map<std::string, bool> pending_;  // path -> created since the last sync
    std::uint64_t syncs_ = 0;
};

}  // namespace drsmon::state
