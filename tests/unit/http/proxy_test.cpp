#include "drsmon/http/client.hpp"
#include "drsmon/http/proxy.hpp"

#include <gtest/gtest.h>

#include <map>

namespace drsmon::http {
namespace {

core::env_lookup fake_env(std::map<std::string, std::string, std::less<>> vars)
{
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

TEST(SelectProxy, PrefersTheExplicitProxy)
{
    client_options opts;
    opts.proxy_url = "http://proxy.local:3128";
    auto p = select_proxy(
        *parse_url("https://api.example.com"),
        opts,
        fake_env({{"HTTPS_PROXY", "http://other:1"}})
    );
    ASSERT_TRUE(p);
    ASSERT_TRUE(p->has_value());
    EXPECT_EQ((*p)->host, "proxy.local");
    EXPECT_EQ((*p)->port, 3128);
}

TEST(SelectProxy, UsesTheSchemeSpecificEnvironmentVariable)
{
    client_options opts;
    auto env = fake_env({{"https_proxy", "http://tls-proxy:8443"}, {"HTTP_PROXY", "plain-proxy:8080"}});
    auto tls = select_proxy(*parse_url("https://api.example.com"), opts, env);
    ASSERT_TRUE(tls && tls->has_value());
    EXPECT_EQ((*tls)->host, "tls-proxy");
    auto plain = select_proxy(*parse_url("http://api.example.com"), opts, env);
    ASSERT_TRUE(plain && plain->has_value());
    EXPECT_EQ((*plain)->host, "plain-proxy");
    EXPECT_EQ((*plain)->port, 8080);
}

TEST(SelectProxy, IgnoresTheEnvironmentWhenDisabled)
{
    client_options opts;
    opts.use_environment_proxy = false;
    auto p = select_proxy(
        *parse_url("https://api.example.com"),
        opts,
        fake_env({{"HTTPS_PROXY", "http://p:1"}})
    );
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->has_value());
}

TEST(SelectProxy, BypassesHostsListedInNoProxy)
{
    client_options opts;
    auto env = fake_env({{"HTTPS_PROXY", "http://p:1"}, {"no_proxy", ".example.com"}});
    auto p = select_proxy(*parse_url("https://api.example.com"), opts, env);
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->has_value());
    auto other = select_proxy(*parse_url("https://api.example.org"), opts, env);
    ASSERT_TRUE(other);
    EXPECT_TRUE(other->has_value());
}

TEST(SelectProxy, RejectsHttpsProxiesAndMalformedUrlsWithoutEchoingThem)
{
    client_options opts;
    opts.proxy_url = "https://proxy:443";
    auto tls = select_proxy(*parse_url("https://api.example.com"), opts, fake_env({}));
    ASSERT_FALSE(tls);
    EXPECT_EQ(tls.error().kind(), core::errc::config);

    opts.proxy_url = "http://user:secret@proxy:3128";
    auto creds = select_proxy(*parse_url("https://api.example.com"), opts, fake_env({}));
    ASSERT_FALSE(creds);
    EXPECT_EQ(creds.error().detail.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace drsmon::http
