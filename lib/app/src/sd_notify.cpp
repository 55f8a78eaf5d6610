#include "drsmon/app/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace drsmon::app {

notifier::notifier(std::string socket_path) : path_(std::move(socket_path))
{
    if (path_.empty())
    {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up
        if (const char* p = std::getenv("NOTIFY_SOCKET"))
            path_ = p;
    }
}

bool notifier::notify(std::string_view state) const noexcept
{
    if (path_.empty() || path_.size() >= sizeof(sockaddr_un::sun_path))
        return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (addr.sun_path[0] == '@')
        addr.sun_path[0] = '\0';  // abstract namespace
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size());
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const auto sent = ::sendto(
        fd,
        state.data(),
        state.size(),
        MSG_NOSIGNAL,
        reinterpret_cast<const sockaddr*>(&addr),
        len
    );
    ::close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

long long notifier::watchdog_usec() noexcept
{
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up
    const char* v = std::getenv("WATCHDOG_USEC");
    if (!v)
        return 0;
    return std::atoll(v);
}

}  // namespace drsmon::app
