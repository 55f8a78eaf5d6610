// The v5 job list is a GET whose filters travel in the query: it is signed over the sorted,
// encoded query like every other request (drs-api.md §5.2), and the signed target is what is sent.

#include "drsmon/auth/signer.hpp"
#include "drsmon/drs_api/requests.hpp"

#include <gtest/gtest.h>

using namespace drsmon;

TEST(JobListV5Signing, SignsTheSortedCanonicalQueryAndSendsIt)
{
    drs_api::job_list_filter f;
    f.engine_type = "mysql";
    f.enterprise_project_id = "ep 1";
    const auto spec = drs_api::job_list_v5_request("p1", 200, 100, drs_api::db_use_type::sync, f);
    EXPECT_EQ(
        auth::canonical_query(spec.query),
        "engine_type=mysql&enterprise_project_id=ep%201&job_type=sync&limit=100&offset=200"
    );

    const auth::credentials creds{"AKEXAMPLE", "SKEXAMPLE", ""};
    const auto now = core::from_unix_millis(1'700'000'000'000);
    const auto out = auth::sign(
        {.method = spec.method,
         .host = "drs.ap-southeast-1.myhuaweicloud.com",
         .path = spec.path,
         .query = spec.query,
         .headers = {{"Content-Type", "application/json"}, {"X-Project-Id", "p1"}},
         .body = spec.body},
        creds,
        now
    );
    EXPECT_EQ(
        out.target,
        "/v5/p1/jobs?engine_type=mysql&enterprise_project_id=ep%201&job_type=sync&limit=100&offset=200"
    );
    EXPECT_NE(
        out.canonical_request.find(
            "GET\n/v5/p1/jobs/"
            "\nengine_type=mysql&enterprise_project_id=ep%201&job_type=sync&limit=100&offset=200\n"
        ),
        std::string::npos
    ) << out.canonical_request;
    EXPECT_EQ(out.canonical_request.substr(out.canonical_request.rfind('\n') + 1), auth::empty_payload_hash);
    EXPECT_EQ(out.authorization.find("SKEXAMPLE"), std::string::npos);

    // What a server recomputes from the target sent accepts it.
    const auto status = auth::verify(
        {.method = "GET", .target = out.target, .headers = out.headers, .body = ""},
        [](std::string_view ak) -> std::optional<std::string> {
            return ak == "AKEXAMPLE" ? std::optional<std::string>("SKEXAMPLE") : std::nullopt;
        },
        now
    );
    EXPECT_EQ(status, auth::verify_status::ok) << auth::to_string(status);
}
