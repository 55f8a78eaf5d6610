#include "detail.hpp"

#include <zlib.h>

namespace drsmon::server::detail {

bool accepts_gzip(std::string_view accept_encoding) noexcept
{
    // Each element is "coding[;q=x]"; gzip or * with a non-zero q admits gzip.
    std::string_view rest = accept_encoding;
    while (!rest.empty())
    {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const auto semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        std::string_view params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
        auto trim = [](std::string_view s) {
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
                s.remove_prefix(1);
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
                s.remove_suffix(1);
            return s;
        };
        coding = trim(coding);
        params = trim(params);
        const bool named = coding.size() == 4 && (coding[0] | 0x20) == 'g' && (coding[1] | 0x20) == 'z' &&
                           (coding[2] | 0x20) == 'i' && (coding[3] | 0x20) == 'p';
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

}  // namespace drsmon::server::detail
