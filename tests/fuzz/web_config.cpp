// The exporter-toolkit web config loader (--web.config.file). load_web_config reads a path, so
// each input is written to the same file in a private temporary directory first; the file names
// it mentions resolve against that directory, which holds nothing else.
// Contract checked (web_config.hpp): never throws; every failure is errc::config, and an
// accepted config also passes validate_web_config.

#include "drsmon/server/web_config.hpp"

#include "fuzz_common.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct temp_file
{
    std::string dir;
    std::string path;

    temp_file()
    {
        char tmpl[] = "/tmp/drsmon-fuzz-web.XXXXXX";
        if (::mkdtemp(tmpl) == nullptr)
            drsmon::fuzz::fail("mkdtemp");
        dir = tmpl;
        path = dir + "/web.yml";
    }
    ~temp_file()
    {
        ::unlink(path.c_str());
        ::rmdir(dir.c_str());
    }
};

void write_all(const std::string& path, const std::uint8_t* data, std::size_t size)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        drsmon::fuzz::fail("open");
    while (size > 0)
    {
        const auto n = ::write(fd, data, size);
        if (n <= 0)
            drsmon::fuzz::fail("write");
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static temp_file file;
    write_all(file.path, data, size);
    const auto r = drsmon::server::load_web_config(file.path);
    if (r.has_value())
        DRSMON_FUZZ_CHECK(drsmon::server::validate_web_config(*r).has_value());
    else
        DRSMON_FUZZ_CHECK(r.error().kind() == drsmon::core::errc::config);
    return 0;
}
