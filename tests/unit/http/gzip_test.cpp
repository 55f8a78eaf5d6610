#include "drsmon/http/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace drsmon::http {
namespace {

std::string gzip(std::string_view data)
{
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

TEST(Gunzip, DecodesAGzipStream)
{
    const std::string text = R"({"jobs":[{"id":"abc","status":"INCRE_TRANSFER_STARTED"}]})";
    auto decoded = gunzip(gzip(text), 1024);
    ASSERT_TRUE(decoded) << decoded.error().to_string();
    EXPECT_EQ(*decoded, text);
}

TEST(Gunzip, DecodesBodiesLargerThanOneChunk)
{
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += "line " + std::to_string(i) + "\n";
    auto decoded = gunzip(gzip(text), text.size());
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, text);
}

TEST(Gunzip, DecodesConcatenatedMembers)
{
    auto decoded = gunzip(gzip("hello, ") + gzip("world"), 100);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, "hello, world");
}

TEST(Gunzip, DecodesAnEmptyBody)
{
    auto decoded = gunzip(gzip(""), 0);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, "");
}

TEST(Gunzip, RejectsOutputOverTheLimit)
{
    const std::string text(100000, 'x');
    auto decoded = gunzip(gzip(text), 99999);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind(), core::errc::too_large);
    EXPECT_TRUE(gunzip(gzip(text), 100000));
}

TEST(Gunzip, RejectsDataThatIsNotGzip)
{
    auto decoded = gunzip("definitely not gzip", 1024);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind(), core::errc::bad_response);
}

TEST(Gunzip, RejectsATruncatedStream)
{
    const std::string full = gzip(std::string(5000, 'y') + "tail");
    auto decoded = gunzip(std::string_view(full).substr(0, full.size() - 6), 100000);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind(), core::errc::bad_response);
}

}  // namespace
}  // namespace drsmon::http
