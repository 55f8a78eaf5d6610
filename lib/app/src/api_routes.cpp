#include "drsmon/app/api_routes.hpp"

#include <memory>

namespace drsmon::app {

namespace {

using boost::asio::awaitable;

server::reply json_reply(std::string body, unsigned status = 200)
{
    server::reply r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(body);
    return r;
}

}  // namespace

void add_api_routes(server::router& routes, api_sources sources)
{
    // Shared by the handlers, which the router copies.
    const auto src = std::make_shared<const api_sources>(std::move(sources));
    routes.add("GET", "/", [src](server::request) -> awaitable<server::reply> {
        server::reply rep;
        rep.content_type = "text/html; charset=utf-8";
        rep.body = landing_page(src->projects(), *src->store, src->telemetry_path);
        co_return rep;
    });
    routes.add("GET", "/-/healthy", [](server::request) -> awaitable<server::reply> {
        server::reply rep;
        rep.body = "Healthy.\n";
        co_return rep;
    });
    routes.add("GET", "/-/ready", [src](server::request) -> awaitable<server::reply> {
        const bool ready = src->ready();
        server::reply rep;
        rep.status = ready ? 200 : 503;
        rep.body = ready ? "Ready.\n" : "Not ready: the first poll round has not finished.\n";
        co_return rep;
    });
    routes.add("GET", "/api/v1/jobs", [src](server::request) -> awaitable<server::reply> {
        co_return json_reply(jobs_document(*src->store));
    });
    routes.add_prefix("GET", "/api/v1/jobs/", [src](server::request req) -> awaitable<server::reply> {
        const auto id = std::string_view(req.path).substr(std::string_view("/api/v1/jobs/").size());
        if (auto doc = job_document(*src->store, id))
            co_return json_reply(std::move(*doc));
        co_return json_reply(error_document("job not found"), 404);
    });
    routes.add("GET", "/api/v1/events", [src](server::request req) -> awaitable<server::reply> {
        const auto q = parse_events_query(req.query_param("since"), req.query_param("limit"));
        if (!q)
            co_return json_reply(error_document("since and limit must be non-negative integers"), 400);
        const auto& events = *src->events;
        co_return json_reply(
            events_document(events.since(q->since, static_cast<std::size_t>(q->limit)), events.next_seq())
        );
    });
}

}  // namespace drsmon::app
