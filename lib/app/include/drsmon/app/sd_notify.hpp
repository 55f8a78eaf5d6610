#pragma once

#include <string>
#include <string_view>

namespace drsmon::app {

// The systemd notification protocol (sd_notify(3)): one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET (a path, or '@' for the abstract
// namespace). Without $NOTIFY_SOCKET every call is a no-op returning false.
class notifier
{
public:
    // Reads $NOTIFY_SOCKET (or `socket_path` when given, for tests).
    explicit notifier(std::string socket_path = {});
    bool enabled() const noexcept { return !path_.empty(); }
    // Sends `state` (e.g. "READY=1\nSTATUS=polling"). Returns false on failure.
    bool notify(std::string_view state) const noexcept;
    // The watchdog period from $WATCHDOG_USEC (0 when disabled).
    static long long watchdog_usec() noexcept;

private:
    std::string path_;
};

}  // namespace drsmon::app
