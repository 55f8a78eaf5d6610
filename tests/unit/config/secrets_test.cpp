#include "drsmon/config/secrets.hpp"

#include "fake_env.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace drsmon::config;
using drsmon::config::testing::fake_env;
namespace fs = std::filesystem;

namespace {

// A private temporary directory per test, removed afterwards.
class Secrets : public ::testing::Test
{
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() /
               ("drsmon_secrets_" +
                std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "creds");
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const fs::path& rel, std::string_view content, fs::perms perms = fs::perms::owner_read)
    {
        const fs::path p = dir_ / rel;
        fs::permissions(p.parent_path(), fs::perms::owner_all);
        {
            std::ofstream(p, std::ios::binary) << content;
        }
        fs::permissions(p, perms);
        return p;
    }

    auth_config aksk_files(std::string ak, std::string sk) const
    {
        auth_config a;
        a.type = auth_type::aksk;
        a.access_key_file = std::move(ak);
        a.secret_key_file = std::move(sk);
        a.config_dir = dir_.string();
        a.key_path = "projects[0].auth";
        return a;
    }

    fs::path dir_;
};

}  // namespace

TEST_F(Secrets, ReadsFilesRelativeToTheConfigDirectoryAndTrimsTheNewline)
{
    write("ak", "AKID\n");
    write("sk", "secret-value\r\n");
    auto r = load_secrets(aksk_files("ak", "sk"), fake_env());
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->values.access_key, "AKID");
    EXPECT_EQ(r->values.secret_key, "secret-value");
    EXPECT_EQ(r->values.security_token, "");
    EXPECT_TRUE(r->warnings.empty());
}

TEST_F(Secrets, ResolvesRelativeFilesAgainstCredentialsDirectory)
{
    write("ak", "wrong");
    write("sk", "wrong");
    write("creds/ak", "AK-FROM-SYSTEMD");
    write("creds/sk", "SK-FROM-SYSTEMD");
    auto r = load_secrets(
        aksk_files("ak", "sk"),
        fake_env({{"CREDENTIALS_DIRECTORY", (dir_ / "creds").string()}})
    );
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->values.access_key, "AK-FROM-SYSTEMD");
    EXPECT_EQ(r->values.secret_key, "SK-FROM-SYSTEMD");
}

TEST_F(Secrets, KeepsAbsolutePathsWhenCredentialsDirectoryIsSet)
{
    const auto ak = write("ak", "AK");
    write("creds/sk", "SK");
    auto r = load_secrets(
        aksk_files(ak.string(), "sk"),
        fake_env({{"CREDENTIALS_DIRECTORY", (dir_ / "creds").string()}})
    );
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->values.access_key, "AK");
    EXPECT_EQ(r->values.secret_key, "SK");
}

TEST_F(Secrets, NamesAMissingFileWithoutAnyContent)
{
    write("ak", "AK");
    auto r = load_secrets(aksk_files("ak", "missing-sk"), fake_env());
    ASSERT_FALSE(r.has_value());
    const std::string path = (dir_ / "missing-sk").string();
    EXPECT_EQ(r.error().kind(), drsmon::core::errc::config);
    EXPECT_EQ(r.error().where, path);
    EXPECT_EQ(
        r.error().detail,
        path + ": projects[0].auth.secret_key_file: cannot read: No such file or directory"
    );
}

TEST_F(Secrets, WarnsAboutAFileReadableByOthers)
{
    write(
        "ak",
        "AK",
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read
    );
    write("sk", "SK-SECRET", fs::perms::owner_read | fs::perms::owner_write);
    auto r = load_secrets(aksk_files("ak", "sk"), fake_env());
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    ASSERT_EQ(r->warnings.size(), 1u);
    EXPECT_EQ(
        r->warnings[0],
        "projects[0].auth.access_key_file: " + (dir_ / "ak").string() +
            " is readable by group or others; restrict it with chmod 600"
    );
}

TEST_F(Secrets, RejectsAnEmptyFile)
{
    write("ak", "\n");
    write("sk", "SK");
    auto r = load_secrets(aksk_files("ak", "sk"), fake_env());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().detail, (dir_ / "ak").string() + ": projects[0].auth.access_key_file: is empty");
}

TEST_F(Secrets, RejectsAFileWithSeveralLinesWithoutEchoingThem)
{
    write("ak", "AK");
    write("sk", "first-secret\nsecond-secret\n");
    auto r = load_secrets(aksk_files("ak", "sk"), fake_env());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(
        r.error().detail,
        (dir_ / "sk").string() +
            ": projects[0].auth.secret_key_file: holds more than one line; it must hold only "
            "the secret"
    );
}

TEST_F(Secrets, ReadsEnvironmentVariablesIncludingTheSecurityToken)
{
    auth_config a;
    a.type = auth_type::aksk;
    a.access_key_env = "DRS_AK";
    a.secret_key_env = "DRS_SK";
    a.security_token_env = "DRS_STS";
    auto r = load_secrets(a, fake_env({{"DRS_AK", "AK"}, {"DRS_SK", "SK"}, {"DRS_STS", "STS"}}));
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->values.access_key, "AK");
    EXPECT_EQ(r->values.secret_key, "SK");
    EXPECT_EQ(r->values.security_token, "STS");
}

TEST_F(Secrets, ReportsAnUnsetOrEmptyVariableByName)
{
    auth_config a;
    a.type = auth_type::token;
    a.token_env = "DRS_TOKEN";
    a.key_path = "projects[2].auth";
    auto unset = load_secrets(a, fake_env());
    ASSERT_FALSE(unset.has_value());
    EXPECT_EQ(unset.error().where, "DRS_TOKEN");
    EXPECT_EQ(
        unset.error().detail,
        "DRS_TOKEN: projects[2].auth.token_env: environment variable DRS_TOKEN is not set"
    );
    auto empty = load_secrets(a, fake_env({{"DRS_TOKEN", ""}}));
    ASSERT_FALSE(empty.has_value());
    EXPECT_EQ(empty.error().detail, "DRS_TOKEN: projects[2].auth.token_env: is empty");
}

TEST_F(Secrets, ReadsThePasswordOfPasswordAuth)
{
    write("pw", "hunter2\n");
    auth_config a;
    a.type = auth_type::password;
    a.user = "monitor";
    a.domain = "acme";
    a.password_file = (dir_ / "pw").string();
    auto r = load_secrets(a, fake_env());
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->values.password, "hunter2");
    EXPECT_EQ(r->values.access_key, "");
}

TEST_F(Secrets, RequiresASourceForEachMandatorySecret)
{
    auth_config a;
    a.type = auth_type::token;
    a.key_path = "projects[0].auth";
    auto r = load_secrets(a, fake_env());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().detail, "projects[0].auth: token_file or token_env is required");
}

TEST_F(Secrets, RejectsADirectoryInPlaceOfAFile)
{
    write("ak", "AK");
    auto r = load_secrets(aksk_files("ak", "creds"), fake_env());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(
        r.error().detail,
        (dir_ / "creds").string() + ": projects[0].auth.secret_key_file: cannot read: not a regular file"
    );
}
