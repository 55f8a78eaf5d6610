#include "drsmon/app/logging.hpp"
#include "drsmon/app/sd_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

using drsmon::app::logfmt_to_json_fields;

TEST(LogfmtToJson, ConvertsPairsAndQuotedValues)
{
    EXPECT_EQ(
        logfmt_to_json_fields(R"(project=prod msg="round failed" err="a \"b\" c")"),
        R"("project":"prod","msg":"round failed","err":"a \"b\" c")"
    );
}

TEST(LogfmtToJson, BareWordsBecomeTheMessage)
{
    EXPECT_EQ(
        logfmt_to_json_fields("listening on 127.0.0.1:9878 port=9878"),
        R"("msg":"listening on 127.0.0.1:9878","port":"9878")"
    );
    EXPECT_EQ(logfmt_to_json_fields(""), "");
}

TEST(LogfmtToJson, EscapesControlCharacters)
{
    EXPECT_EQ(logfmt_to_json_fields("k=\"a\tb\""), R"("k":"a\tb")");
}

TEST(SdNotify, SendsTheStateAsOneDatagram)
{
    const auto path = (std::filesystem::temp_directory_path() /
                       ("drsmon-notify-" + std::to_string(::getpid())))
                          .string();
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    ::unlink(path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);

    drsmon::app::notifier n(path);
    EXPECT_TRUE(n.enabled());
    EXPECT_TRUE(n.notify("READY=1\nSTATUS=polling"));
    char buf[128] = {};
    const auto got = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    ::close(fd);
    ::unlink(path.c_str());
    ASSERT_GT(got, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(got)), "READY=1\nSTATUS=polling");
}

TEST(SdNotify, IsANoOpWithoutASocket)
{
    drsmon::app::notifier n("/nonexistent/dir/notify.sock");
    EXPECT_FALSE(n.notify("READY=1"));
}
