#include "drsmon/core/text.hpp"
#include "drsmon/server/gzip.hpp"

#include "detail.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace drsmon::server {

bool accepts_gzip(std::string_view accept_encoding) noexcept
{
    // Each element is "coding[;q=x]"; gzip or * with a non-zero q admits gzip.
    std::string_view rest = accept_encoding;
    while (!rest.empty())
    {
        const std::string_view item = core::pop_token(rest, ",");
        const auto semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        std::string_view params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
        coding = core::trim(coding, core::http_whitespace);
        params = core::trim(params, core::http_whitespace);
        const bool named = core::iequals(coding, "gzip");
        if (!named && coding != "*")
            continue;
        // q=0, q=0.0, q=0.00 ... refuse the coding.
        if (params.starts_with("q=") || params.starts_with("Q="))
        {
            const std::string_view q = params.substr(2);
            if (!q.empty() && q.find_first_not_of("0.") == std::string_view::npos)
                return false;
        }
        return true;
    }
    return false;
}

std::optional<std::string> gzip_compress(std::string_view data)
{
    z_stream zs{};
    // windowBits 15 + 16 selects the gzip wrapper.
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const auto written = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return std::nullopt;
    out.resize(written);
    return out;
}

std::optional<deflate_piece> compress_piece(std::string_view text, int level)
{
    if (text.size() > std::numeric_limits<uInt>::max())
        return std::nullopt;
    z_stream zs{};
    // Negative windowBits: raw deflate, no zlib or gzip framing (gzip_join adds it).
    if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    deflate_piece piece;
    piece.size = text.size();
    piece.crc = static_cast<std::uint32_t>(
        crc32_z(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<z_size_t>(text.size()))
    );
    std::string& out = piece.data;
    // Exposition text compresses 5 to 10 times; grow when it does not.
    out.resize(text.size() / 4 + 64);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    std::size_t used = 0;
    for (;;)
    {
        if (used == out.size())
            out.resize(out.size() * 2);
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        zs.avail_out = static_cast<uInt>(
            std::min<std::size_t>(out.size() - used, std::numeric_limits<uInt>::max())
        );
        const auto before = zs.avail_out;
        // A sync flush ends the piece on a byte boundary with no final block, so pieces concatenate.
        const int rc = ::deflate(&zs, Z_SYNC_FLUSH);
        used += before - zs.avail_out;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
        {
            deflateEnd(&zs);
            return std::nullopt;
        }
        if (zs.avail_in == 0 && zs.avail_out > 0)
            break;
    }
    deflateEnd(&zs);
    out.resize(used);
    return piece;
}

std::string gzip_join(std::span<const deflate_piece* const> pieces)
{
    std::size_t total = 10 + 2 + 8;
    for (const auto* p : pieces)
        total += p ? p->data.size() : 0;
    std::string out;
    out.reserve(total);
    // RFC 1952 header: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
    out.append("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    uLong crc = 0;
    std::uint64_t size = 0;
    for (const auto* p : pieces)
    {
        if (!p)
            continue;
        out += p->data;
        crc = crc32_combine(crc, p->crc, static_cast<z_off_t>(p->size));
        size += p->size;
    }
    // An empty final block with fixed codes (BFINAL=1, BTYPE=01, end-of-block): bits 1,10,0000000.
    out.append("\x03\x00", 2);
    auto le32 = [&out](std::uint64_t v) {
        for (int i = 0; i < 4; ++i)
            out += static_cast<char>((v >> (8 * i)) & 0xff);
    };
    le32(crc);
    le32(size & 0xffffffffu);  // ISIZE is the input length modulo 2^32
    return out;
}

}  // namespace drsmon::server
