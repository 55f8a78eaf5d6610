#pragma once

#include "drsmon/core/names.hpp"

namespace drsmon::core {

// When appended lines (events.jsonl, the state journal) are forced to stable storage
// (configuration key global.events.fsync). state.json is always fsynced when it is saved.
enum class fsync_policy
{
    never,  // the kernel writes the pages back when it likes (Linux: within about 30 s)
    round,  // one fdatasync per file at the end of a polling round that appended to it
    always  // one fdatasync per append, before the append returns
};

inline constexpr auto fsync_policy_names = names<fsync_policy>({
    {fsync_policy::never, "never"},
    {fsync_policy::round, "round"},
    {fsync_policy::always, "always"},
});

inline const char* to_string(fsync_policy p) noexcept { return fsync_policy_names.name(p); }

}  // namespace drsmon::core
