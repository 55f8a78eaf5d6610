#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace drsmon::state::testing {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class temp_dir
{
public:
    temp_dir()
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string("drsmon-state-") + info->test_suite_name() + "-" + info->name();
        for (auto& c : name)
            if (c == '/')
                c = '_';
        path_ = std::filesystem::temp_directory_path() / name;
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace drsmon::state::testing
