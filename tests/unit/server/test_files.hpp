#pragma once

#include <crypt.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace drsmon::server::testing {

// A directory removed at the end of the test.
class temp_dir
{
public:
    temp_dir()
    {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("drsmon-server-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string write(const std::string& name, const std::string& content) const
    {
        const auto file = path_ / name;
        std::ofstream(file, std::ios::binary) << content;
        return file.string();
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline std::string tls_file(const std::string& name)
{
    return std::string(DRSMON_TEST_DATA_DIR) + "/tls/" + name;
}

// A bcrypt hash of password with cost 4 (fast), made by libcrypt.
inline std::string bcrypt_hash(const std::string& password)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof(salt)))
        throw std::runtime_error("crypt_gensalt_rn failed");
    auto data = std::make_unique<crypt_data>();
    const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
    if (!hash || hash[0] == '*')
        throw std::runtime_error("crypt_rn failed");
    return hash;
}

}  // namespace drsmon::server::testing
