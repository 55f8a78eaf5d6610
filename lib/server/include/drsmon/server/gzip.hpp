#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace drsmon::server {

// True when an Accept-Encoding value admits gzip (a "gzip" or "*" coding without q=0).
bool accepts_gzip(std::string_view accept_encoding) noexcept;

// gzip-compresses data (RFC 1952 framing) at zlib's default level. Returns nullopt if zlib fails.
std::optional<std::string> gzip_compress(std::string_view data);

// A piece of a gzip body compressed on its own: raw deflate data that ends on a byte boundary
// without a final block (a sync flush), with the CRC-32 and length of its input. Pieces compressed
// separately (at different times, or on different threads) join into one valid gzip stream, the
// way pigz compresses in parallel, so an unchanged piece need not be compressed again.
struct deflate_piece
{
    std::string data;
    std::uint32_t crc = 0;
    std::uint64_t size = 0;  // input bytes
};

// Compresses `text` into a piece at zlib level `level` (1 = fastest .. 9). nullopt if zlib fails.
std::optional<deflate_piece> compress_piece(std::string_view text, int level);

// The gzip body (header, the pieces' data in order, an empty final block, CRC-32 and length) of
// the concatenation of the pieces' inputs. Null entries are skipped.
std::string gzip_join(std::span<const deflate_piece* const> pieces);

}  // namespace drsmon::server
