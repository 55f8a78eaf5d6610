#pragma once

// A minimal JSON writer appending to a std::string, for the state file, its journal and API request
// bodies. It writes exactly what boost::json::serialize writes for the same document (no
// whitespace, the same string escapes, integers in decimal, doubles in Ryu's shortest form
// "9.7E-1"), without building a boost::json tree first.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace drsmon::core {

class json_writer
{
public:
    // Appends to `out`. The text is complete once finish() was called or the writer destroyed.
    explicit json_writer(std::string& out) noexcept : out_(out), pos_(out.size()) {}
    json_writer(const json_writer&) = delete;
    json_writer& operator=(const json_writer&) = delete;
    ~json_writer()
    {
        if (!finished_)
            finish();
    }

    // Trims `out` to the text written (the writer grows it ahead in large steps). Call it before
    // anything else uses `out`; the writer must not be used after it.
    void finish()
    {
        out_.resize(pos_);
        finished_ = true;
    }

    // The number of bytes written and not yet drained.
    std::size_t size() const noexcept { return pos_; }

    // Hands the text written so far to sink(std::string_view) and starts again at the beginning of
    // `out` (keeping its room): a long document can go out in chunks of bounded size.
    template <class Sink>
    void drain(Sink&& sink)
    {
        sink(std::string_view(out_.data(), pos_));
        pos_ = 0;
    }

    void begin_object()
    {
        separate();
        put('{');
        comma_ = false;
    }
    void end_object()
    {
        put('}');
        comma_ = true;
    }
    void begin_array()
    {
        separate();
        put('[');
        comma_ = false;
    }
    void end_array()
    {
        put(']');
        comma_ = true;
    }

    // The key of the next member of the current object.
    void key(std::string_view k)
    {
        separate();
        write_string(k, ':');
        comma_ = false;
    }

    void string(std::string_view s)
    {
        separate();
        write_string(s, 0);
        comma_ = true;
    }
    void boolean(bool b)
    {
        separate();
        if (b)
            put("true", 4);
        else
            put("false", 5);
        comma_ = true;
    }
    void int64(std::int64_t n) { number(n); }
    void uint64(std::uint64_t n) { number(n); }

    // A finite double as Boost.JSON writes it: the shortest digits that read back exactly, in
    // scientific notation with an upper-case E and no exponent sign or leading zeros ("1.25E2",
    // "9.7E-1", "0E0"). The caller leaves out NaN and infinity (JSON has no such numbers).
    void dbl(double d)
    {
        separate();
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
        const char* const end = r.ptr;
        const char* e = std::find(static_cast<const char*>(buf), end, 'e');
        put(buf, static_cast<std::size_t>(e - buf));
        put('E');
        const char* p = e + 1;
        if (p < end && *p == '-')
        {
            put('-');
            ++p;
        }
        else if (p < end && *p == '+')
        {
            ++p;
        }
        while (p + 1 < end && *p == '0')
            ++p;
        put(p, static_cast<std::size_t>(end - p));
        comma_ = true;
    }

private:
    // Room for n more bytes at pos_.
    char* room(std::size_t n)
    {
        if (out_.size() - pos_ < n)
            out_.resize(std::max(pos_ + n, out_.size() * 2 + 256));
        return out_.data() + pos_;
    }
    void put(char c)
    {
        *room(1) = c;
        ++pos_;
    }
    void put(const char* s, std::size_t n)
    {
        std::memcpy(room(n), s, n);
        pos_ += n;
    }

    template <class N>
    void number(N n)
    {
        separate();
        char* p = room(24);
        pos_ = static_cast<std::size_t>(std::to_chars(p, p + 24, n).ptr - out_.data());
        comma_ = true;
    }

    void separate()
    {
        if (comma_)
            put(',');
    }

    // Escapes as Boost.JSON does: \" \\ \b \t \n \f \r, other control characters as \u00xx,
    // everything else (UTF-8 included) as is. `suffix` (if not 0) is written after the closing quote.
    void write_string(std::string_view s, char suffix)
    {
        char* const begin = room(s.size() * 6 + 3);  // the longest escape is 6 bytes
        char* p = begin;
        *p++ = '"';
        for (const char ch : s)
        {
            const auto c = static_cast<unsigned char>(ch);
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                *p++ = ch;
                continue;
            }
            *p++ = '\\';
            switch (c)
            {
            case '"': *p++ = '"'; break;
            case '\\': *p++ = '\\'; break;
            case '\b': *p++ = 'b'; break;
            case '\t': *p++ = 't'; break;
            case '\n': *p++ = 'n'; break;
            case '\f': *p++ = 'f'; break;
            case '\r': *p++ = 'r'; break;
            default:
            {
                static constexpr char hex[] = "0123456789abcdef";
                *p++ = 'u';
                *p++ = '0';
                *p++ = '0';
                *p++ = hex[c >> 4];
                *p++ = hex[c & 15];
            }
            }
        }
        *p++ = '"';
        if (suffix)
            *p++ = suffix;
        pos_ += static_cast<std::size_t>(p - begin);
    }

    std::string& out_;
    std::size_t pos_;     // end of the text written; out_ may be longer (room ahead)
    bool comma_ = false;  // a value was written at this level: the next one needs a comma
    bool finished_ = false;
};

}  // namespace drsmon::core
