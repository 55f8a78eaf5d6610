#include "drsmon/server/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace {

using drsmon::server::reply;
using drsmon::server::request;
using drsmon::server::router;
namespace asio = boost::asio;

drsmon::server::handler answer_with(std::string body)
{
    return [body](request) -> asio::awaitable<reply> {
        reply r;
        r.body = body;
        co_return r;
    };
}

reply dispatch(const router& r, std::string method, std::string path)
{
    asio::io_context ioc;
    request req;
    req.method = std::move(method);
    req.path = std::move(path);
    auto fut = asio::co_spawn(ioc, r.dispatch(std::move(req)), asio::use_future);
    ioc.run();
    return fut.get();
}

TEST(Router, ServesAnExactPath)
{
    router r;
    r.add("GET", "/metrics", answer_with("metrics"));
    const reply out = dispatch(r, "GET", "/metrics");
    EXPECT_EQ(out.status, 200u);
    EXPECT_EQ(out.body, "metrics");
}

TEST(Router, AnswersNotFoundForUnknownPaths)
{
    router r;
    r.add("GET", "/metrics", answer_with("metrics"));
    EXPECT_EQ(dispatch(r, "GET", "/metrics/extra").status, 404u);
    EXPECT_EQ(dispatch(r, "GET", "/").status, 404u);
}

TEST(Router, AnswersMethodNotAllowedWithAllow)
{
    router r;
    r.add("GET", "/metrics", answer_with("metrics"));
    r.add("POST", "/metrics", answer_with("posted"));
    const reply out = dispatch(r, "DELETE", "/metrics");
    EXPECT_EQ(out.status, 405u);
    ASSERT_EQ(out.headers.size(), 1u);
    EXPECT_EQ(out.headers[0].first, "Allow");
    EXPECT_EQ(out.headers[0].second, "GET, HEAD, POST");
}

TEST(Router, ServesHeadWithTheGetHandler)
{
    router r;
    r.add("GET", "/healthz", answer_with("ok"));
    const auto m = r.find("HEAD", "/healthz");
    EXPECT_NE(m.target, nullptr);
    EXPECT_EQ(dispatch(r, "HEAD", "/healthz").body, "ok");
}

TEST(Router, MatchesTheLongestPrefixAndPrefersExactPaths)
{
    router r;
    r.add_prefix("GET", "/api/", answer_with("api"));
    r.add_prefix("GET", "/api/v1/jobs/", answer_with("job"));
    r.add("GET", "/api/v1/jobs/special", answer_with("exact"));
    EXPECT_EQ(dispatch(r, "GET", "/api/v1/jobs/abc").body, "job");
    EXPECT_EQ(dispatch(r, "GET", "/api/v1/events").body, "api");
    EXPECT_EQ(dispatch(r, "GET", "/api/v1/jobs/special").body, "exact");
    EXPECT_EQ(dispatch(r, "POST", "/api/v1/jobs/abc").status, 405u);
    EXPECT_EQ(dispatch(r, "GET", "/apix").status, 404u);
}

TEST(Router, PropagatesHandlerExceptions)
{
    router r;
    r.add("GET", "/boom", [](request) -> asio::awaitable<reply> {
        throw std::runtime_error("boom");
        co_return reply{};
    });
    EXPECT_THROW(dispatch(r, "GET", "/boom"), std::runtime_error);
}

TEST(RequestTarget, DecodesPathAndQuery)
{
    const auto t = drsmon::server::parse_target("/api/v1/jobs%2Fx?state=fail%20ed&name=a+b&flag&&empty=");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->path, "/api/v1/jobs/x");
    ASSERT_EQ(t->query.size(), 4u);
    EXPECT_EQ(t->query[0], (std::pair<std::string, std::string>{"state", "fail ed"}));
    EXPECT_EQ(t->query[1], (std::pair<std::string, std::string>{"name", "a b"}));
    EXPECT_EQ(t->query[2], (std::pair<std::string, std::string>{"flag", ""}));
    EXPECT_EQ(t->query[3], (std::pair<std::string, std::string>{"empty", ""}));
}

TEST(RequestTarget, KeepsPlusInThePath)
{
    const auto t = drsmon::server::parse_target("/a+b");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->path, "/a+b");
}

TEST(RequestTarget, RejectsMalformedEscapesAndRelativeTargets)
{
    EXPECT_FALSE(drsmon::server::parse_target("/a%2").has_value());
    EXPECT_FALSE(drsmon::server::parse_target("/a%zz").has_value());
    EXPECT_FALSE(drsmon::server::parse_target("/a?x=%G0").has_value());
    EXPECT_FALSE(drsmon::server::parse_target("http://host/a").has_value());
    EXPECT_FALSE(drsmon::server::parse_target("").has_value());
}

TEST(Request, FindsHeadersCaseInsensitivelyAndQueryParameters)
{
    request req;
    req.headers = {{"Content-Type", "text/plain"}, {"X-Trace", "1"}};
    req.query = {{"limit", "10"}, {"limit", "20"}};
    EXPECT_EQ(req.header("content-type"), "text/plain");
    EXPECT_EQ(req.header("missing"), "");
    EXPECT_EQ(req.query_param("limit"), "10");
    EXPECT_FALSE(req.query_param("Limit").has_value());
}

}  // namespace
