#pragma once

// Header-only; the test target links ZLIB::ZLIB.
#include <zlib.h>

#include <optional>
#include <string>
#include <string_view>

namespace drsmon::test {

// Inflates one whole gzip stream. nullopt unless zlib reaches the end of the stream (which checks
// the trailer's CRC-32 and length) with every input byte used.
inline std::optional<std::string> gunzip(std::string_view body)
{
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return std::nullopt;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    zs.avail_in = static_cast<uInt>(body.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc == Z_OK)
    {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
    }
    const bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
    inflateEnd(&zs);
    if (!whole)
        return std::nullopt;
    return out;
}

}  // namespace drsmon::test
