#include "drsmon/http/gzip.hpp"

#include <zlib.h>

#include <array>
#include <limits>

namespace drsmon::http {

core::result<std::string> gunzip(std::string_view compressed, std::size_t limit)
{
    z_stream zs{};
    // 16 + MAX_WBITS: expect a gzip header and trailer rather than a raw zlib stream.
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return core::make_error(core::errc::bad_response, "http", "cannot initialise gzip decoder");
    struct guard
    {
        z_stream* z;
        ~guard() { inflateEnd(z); }
    } end_on_exit{&zs};

    std::string out;
    std::array<unsigned char, 16384> chunk{};
    const auto* next = reinterpret_cast<const unsigned char*>(compressed.data());
    std::size_t remaining = compressed.size();
    zs.next_in = const_cast<unsigned char*>(next);
    bool stream_end = false;
    for (;;)
    {
        // Feed input in uInt-sized slices so bodies over 4 GiB cannot overflow avail_in.
        if (zs.avail_in == 0 && remaining > 0)
        {
            const auto slice = std::min<std::size_t>(remaining, std::numeric_limits<uInt>::max());
            zs.avail_in = static_cast<uInt>(slice);
            remaining -= slice;
        }
        zs.next_out = chunk.data();
        zs.avail_out = static_cast<uInt>(chunk.size());
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t produced = chunk.size() - zs.avail_out;
        if (produced > limit - out.size())
            return core::make_error(
                core::errc::too_large,
                "http",
                "decoded body exceeds " + std::to_string(limit) + " bytes"
            );
        out.append(reinterpret_cast<const char*>(chunk.data()), produced);
        if (rc == Z_STREAM_END)
        {
            stream_end = true;
            if (zs.avail_in == 0 && remaining == 0)
                break;
            // Another gzip member follows (RFC 1952 allows concatenation).
            if (inflateReset(&zs) != Z_OK)
                return core::make_error(core::errc::bad_response, "http", "invalid gzip body");
            stream_end = false;
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && remaining == 0)
            break;  // input exhausted before the end of the stream
        if (rc != Z_OK)
            return core::make_error(
                core::errc::bad_response,
                "http",
                std::string("invalid gzip body: ") + (zs.msg ? zs.msg : "data error")
            );
    }
    if (!stream_end)
        return core::make_error(core::errc::bad_response, "http", "truncated gzip body");
    return out;
}

}  // namespace drsmon::http
