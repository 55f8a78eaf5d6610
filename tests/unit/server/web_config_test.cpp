#include "drsmon/server/web_config.hpp"

#include "test_files.hpp"

#include <gtest/gtest.h>

namespace {

using drsmon::server::load_web_config;
using drsmon::server::web_config;
using drsmon::server::testing::bcrypt_hash;
using drsmon::server::testing::temp_dir;
using drsmon::server::testing::tls_file;

TEST(WebConfig, LoadsAFullValidFile)
{
    temp_dir dir;
    const std::string hash = bcrypt_hash("pw");
    const std::string file = dir.write(
        "web.yml",
        "tls_server_config:\n"
        "  cert_file: " +
            tls_file("server.pem") +
            "\n"
            "  key_file: " +
            tls_file("server.key") +
            "\n"
            "  client_ca_file: " +
            tls_file("ca.pem") +
            "\n"
            "  client_auth_type: RequireAndVerifyClientCert\n"
            "  min_version: TLS13\n"
            "http_server_config:\n"
            "  http2: false\n"
            "  headers:\n"
            "    X-Frame-Options: deny\n"
            "    Strict-Transport-Security: max-age=31536000\n"
            "basic_auth_users:\n"
            "  alice: '" +
            hash + "'\n"
    );
    auto cfg = load_web_config(file);
    ASSERT_TRUE(cfg) << cfg.error().to_string();
    ASSERT_TRUE(cfg->tls_server_config.has_value());
    EXPECT_EQ(cfg->tls_server_config->cert_file, tls_file("server.pem"));
    EXPECT_EQ(cfg->tls_server_config->key_file, tls_file("server.key"));
    EXPECT_EQ(cfg->tls_server_config->client_ca_file, tls_file("ca.pem"));
    EXPECT_EQ(cfg->tls_server_config->client_auth_type, "RequireAndVerifyClientCert");
    EXPECT_EQ(cfg->tls_server_config->min_version, "TLS13");
    ASSERT_EQ(cfg->http_server_config.headers.size(), 2u);
    EXPECT_EQ(cfg->http_server_config.headers[0].first, "X-Frame-Options");
    EXPECT_EQ(cfg->http_server_config.headers[1].second, "max-age=31536000");
    ASSERT_EQ(cfg->basic_auth_users.count("alice"), 1u);
    EXPECT_EQ(cfg->basic_auth_users.at("alice"), hash);
}

TEST(WebConfig, ResolvesRelativeFilesAgainstTheConfigDirectory)
{
    temp_dir dir;
    std::filesystem::copy_file(tls_file("server.pem"), dir.path() / "cert.pem");
    std::filesystem::copy_file(tls_file("server.key"), dir.path() / "cert.key");
    const std::string file = dir.write(
        "web.yml",
        "tls_server_config:\n  cert_file: cert.pem\n  key_file: cert.key\n"
    );
    auto cfg = load_web_config(file);
    ASSERT_TRUE(cfg) << cfg.error().to_string();
    EXPECT_EQ(cfg->tls_server_config->cert_file, (dir.path() / "cert.pem").string());
    EXPECT_EQ(cfg->tls_server_config->key_file, (dir.path() / "cert.key").string());
}

TEST(WebConfig, TreatsAnEmptyFileAsNoTlsAndNoAuth)
{
    temp_dir dir;
    auto cfg = load_web_config(dir.write("web.yml", ""));
    ASSERT_TRUE(cfg) << cfg.error().to_string();
    EXPECT_FALSE(cfg->tls_server_config.has_value());
    EXPECT_TRUE(cfg->basic_auth_users.empty());
}

TEST(WebConfig, ReportsAMissingFile)
{
    auto cfg = load_web_config("/nonexistent/web.yml");
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().kind(), drsmon::core::errc::config);
    EXPECT_NE(cfg.error().to_string().find("/nonexistent/web.yml"), std::string::npos);
}

struct bad_case
{
    const char* name;
    std::string yaml;
    int line;          // expected line of the error
    std::string key;   // expected key path
    std::string says;  // expected fragment of the message
};

class WebConfigRejects : public ::testing::TestWithParam<bad_case>
{
};

TEST_P(WebConfigRejects, WithFileLineAndKey)
{
    const bad_case& c = GetParam();
    temp_dir dir;
    const std::string file = dir.write("web.yml", c.yaml);
    auto cfg = load_web_config(file);
    ASSERT_FALSE(cfg) << c.name;
    const auto& err = cfg.error();
    EXPECT_EQ(err.kind(), drsmon::core::errc::config);
    EXPECT_EQ(err.where, file + ":" + std::to_string(c.line));
    EXPECT_EQ(err.path, c.key);
    const std::string text = err.to_string();
    EXPECT_NE(text.find(c.says), std::string::npos) << text;
    EXPECT_NE(text.find(c.key), std::string::npos) << text;
}

std::string tls_prefix()
{
    return "tls_server_config:\n"
           "  cert_file: " +
           tls_file("server.pem") +
           "\n"
           "  key_file: " +
           tls_file("server.key") + "\n";
}

INSTANTIATE_TEST_SUITE_P(
    BadFiles,
    WebConfigRejects,
    ::testing::Values(
        bad_case{
            "unknown_top_key",
            "tls_server_config: ~\nbasic_auth_user:\n  a: b\n",
            2,
            "basic_auth_user",
            "unknown key"},
        bad_case{
            "unknown_tls_key",
            tls_prefix() + "  client_auth: NoClientCert\n",
            4,
            "tls_server_config.client_auth",
            "unknown key"},
        bad_case{
            "bad_client_auth_type",
            tls_prefix() + "  client_auth_type: RequireClientCert\n",
            4,
            "tls_server_config.client_auth_type",
            "unknown client_auth_type"},
        bad_case{
            "missing_key_file",
            "tls_server_config:\n  cert_file: " + tls_file("server.pem") + "\n",
            1,
            "tls_server_config.key_file",
            "key_file is required"},
        bad_case{
            "missing_cert_file",
            "\ntls_server_config:\n  key_file: " + tls_file("server.key") + "\n",
            2,
            "tls_server_config.cert_file",
            "cert_file is required"},
        bad_case{
            "bad_min_version",
            tls_prefix() + "  min_version: TLS11\n",
            4,
            "tls_server_config.min_version",
            "unsupported min_version"},
        bad_case{
            "verify_without_ca",
            tls_prefix() + "  client_auth_type: RequireAndVerifyClientCert\n",
            4,
            "tls_server_config.client_auth_type",
            "needs client_ca_file"},
        bad_case{
            "unreadable_cert",
            "tls_server_config:\n  cert_file: /nonexistent.pem\n  key_file: " + tls_file("server.key") + "\n",
            2,
            "tls_server_config.cert_file",
            "cannot read certificate file"},
        bad_case{
            "inline_cert",
            tls_prefix() + "  cert: |\n    -----BEGIN CERTIFICATE-----\n",
            4,
            "tls_server_config.cert",
            "not supported"},
        bad_case{
            "non_bcrypt_hash",
            "basic_auth_users:\n  alice: plaintext\n  bob: '$2b$04$abc'\n",
            2,
            "basic_auth_users.alice",
            "not a bcrypt hash"},
        bad_case{
            "forbidden_header",
            "http_server_config:\n  headers:\n    Set-Cookie: a=b\n",
            3,
            "http_server_config.headers.Set-Cookie",
            "cannot be set"},
        bad_case{
            "bad_frame_options",
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
            3,
            "http_server_config.headers.X-Frame-Options",
            "invalid value"},
        bad_case{"rate_limit", "\n\nrate_limit:\n  burst: 3\n", 3, "rate_limit", "not supported"},
        bad_case{"tls_not_a_map", "tls_server_config: yes\n", 1, "tls_server_config", "expected a mapping"},
        bad_case{"invalid_yaml", "basic_auth_users:\n  alice: [unclosed\n", 3, "", "invalid YAML"}
    ),
    [](const ::testing::TestParamInfo<bad_case>& param_info) { return std::string(param_info.param.name); }
);

TEST(WebConfig, ValidatesConfigsBuiltInCode)
{
    web_config cfg;
    cfg.basic_auth_users["bob"] = "not-a-hash";
    auto valid = drsmon::server::validate_web_config(cfg);
    ASSERT_FALSE(valid);
    EXPECT_EQ(valid.error().path, "basic_auth_users.bob");
    cfg.basic_auth_users["bob"] = bcrypt_hash("pw");
    EXPECT_TRUE(drsmon::server::validate_web_config(cfg));
}

TEST(WebConfig, ValidatesEachHeaderNameAndValueBuiltInCode)
{
    web_config cfg;
    cfg.http_server_config.headers = {
        {"X-Frame-Options", "SameOrigin"},
        {"X-Content-Type-Options", "nosniff"},
        {"Content-Security-Policy", "default-src 'self'"},
    };
    EXPECT_TRUE(drsmon::server::validate_web_config(cfg));

    cfg.http_server_config.headers.emplace_back("X-Content-Type-Options", "sniff");
    auto bad_value = drsmon::server::validate_web_config(cfg);
    ASSERT_FALSE(bad_value);
    EXPECT_EQ(bad_value.error().path, "http_server_config.headers.X-Content-Type-Options");
    EXPECT_NE(bad_value.error().detail.find("invalid value \"sniff\""), std::string::npos)
        << bad_value.error().detail;

    cfg.http_server_config.headers.back() = {"Server", "drs-monitor"};
    auto bad_name = drsmon::server::validate_web_config(cfg);
    ASSERT_FALSE(bad_name);
    EXPECT_EQ(bad_name.error().path, "http_server_config.headers.Server");
}

}  // namespace
