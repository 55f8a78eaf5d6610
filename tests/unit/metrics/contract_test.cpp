// Checks the rendered exposition against docs/metrics.md and, when installed, promtool.

#include "drsmon/metrics/job_collector.hpp"
#include "drsmon/metrics/process_collector.hpp"
#include "drsmon/metrics/render.hpp"
#include "drsmon/metrics/self_metrics.hpp"

#include "populated.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

namespace drsmon::metrics {
namespace {

struct everything
{
    state::store store;
    core::manual_clock clock{testing::at(1'700'000'300)};
    self_metrics self;

    everything()
    {
        store.upsert({"proj-a", "job-1"}, testing::fresh_full_job());
        auto stale = testing::full_job();
        stale.metadata.name = "stale \"quoted\" name\\";
        store.upsert({"proj-b", "job-2"}, stale);
        testing::populate(self);
    }

    std::string render() const
    {
        return job_collector(store, clock).render() +
               render_text({self.collectable(), std::make_shared<process_collector>()});
    }
};

std::set<std::string> rendered_families(const std::string& text)
{
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("# TYPE ", 0) == 0)
            out.insert(line.substr(7, line.find(' ', 7) - 7));
    return out;
}

std::set<std::string> documented_families()
{
    const auto path = std::filesystem::path(DRSMON_TEST_DATA_DIR).parent_path().parent_path() / "docs" /
                      "metrics.md";
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << path;
    // Table rows whose first cell is a code-formatted metric name.
    const std::regex row(R"(^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|)");
    std::set<std::string> out;
    for (std::string line; std::getline(in, line);)
    {
        std::smatch m;
        if (std::regex_search(line, m, row))
            out.insert(m[1]);
    }
    return out;
}

TEST(MetricsContract, EveryRenderedFamilyIsDocumentedAndEveryDocumentedFamilyIsRendered)
{
    everything e;
    const auto rendered = rendered_families(e.render());
    const auto documented = documented_families();
    ASSERT_GT(documented.size(), 40u);
    for (const auto& name : rendered)
        EXPECT_TRUE(documented.contains(name)) << name << " is rendered but not in docs/metrics.md";
    for (const auto& name : documented)
        EXPECT_TRUE(rendered.contains(name)) << name << " is documented but not rendered";
}

TEST(MetricsContract, PromtoolAcceptsTheExposition)
{
    if (!std::filesystem::exists("/usr/bin/promtool"))
        GTEST_SKIP() << "promtool is not installed";
    everything e;
    const auto text = e.render();
    const auto out_path = std::filesystem::temp_directory_path() / "drsmon-promtool-output.txt";
    const std::string cmd = "/usr/bin/promtool check metrics > " + out_path.string() + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "w");
    ASSERT_NE(p, nullptr);
    std::fwrite(text.data(), 1, text.size(), p);
    const int status = ::pclose(p);
    std::ifstream in(out_path);
    const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(out_path);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output << "\n" << text;
    EXPECT_EQ(output, "") << output;
}

}  // namespace
}  // namespace drsmon::metrics
