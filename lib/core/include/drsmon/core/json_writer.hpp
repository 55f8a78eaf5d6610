#pragma once

// A minimal JSON writer appending to a std::string: the one writer of the daemon's JSON (the state
// file and its journal, events.jsonl, the HTTP API, --once, API request bodies). It writes what
// boost::json::serialize writes for the same document (no whitespace, the same string escapes,
// integers in decimal) without building a boost::json tree first. Doubles are written in the
// shortest form that reads back exactly, either as people read them ("0.5", "1") or, for the
// state file, in Boost.JSON's notation ("5E-1", "1E0"); see double_style.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace drsmon::core {

// How json_writer::dbl writes a finite double. Both are the shortest digits that read back exactly.
enum class double_style
{
    // Plain decimals where JavaScript's JSON.stringify writes them (1e-6 <= |d| < 1e21): "0",
    // "0.5", "1", "1500"; outside that range scientific: "1e+21", "5e-324". For what people read.
    plain,
    // Boost.JSON's scientific notation ("0E0", "5E-1", "1.25E2"): the state file keeps the bytes
    // every earlier version wrote, so an upgrade changes nothing in it.
    boost_json,
};

class json_writer
{
public:
    // Appends to `out`. The text is complete once finish() was called or the writer destroyed.
    explicit json_writer(std::string& out, double_style style = double_style::plain) noexcept
        : out_(out), pos_(out.size()), style_(style)
    {
    }
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

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

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
    void null()
    {
        separate();
        put("null", 4);
        comma_ = true;
    }
    void int64(std::int64_t n) { number(n); }
    void uint64(std::uint64_t n) { number(n); }

    // A finite double in the writer's double_style. The caller leaves out NaN and infinity (JSON
    // has no such numbers).
    void dbl(double d)
    {
        if (style_ == double_style::plain)
            plain_double(d);
        else
            boost_json_double(d);
    }

private:
    void plain_double(double d)
    {
        separate();
        const double a = d < 0 ? -d : d;
        const auto format = a == 0 || (a >= 1e-6 && a < 1e21) ? std::chars_format::fixed
                                                              : std::chars_format::scientific;
        // The longest plain text is below 1e21 (22 characters) or the 17 digits of 1.xe-6 behind
        // "-0.00000" (25 characters); scientific needs at most 24.
        char* p = room(32);
        pos_ = static_cast<std::size_t>(std::to_chars(p, p + 32, d, format).ptr - out_.data());
        comma_ = true;
    }

    // Scientific notation with an upper-case E and no exponent sign or leading zeros ("1.25E2",
    // "9.7E-1", "0E0"), as Boost.JSON's serializer writes it.
    void boost_json_double(double d)
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

    void open(char bracket)
    {
        separate();
        put(bracket);
        comma_ = false;
    }
    void close(char bracket)
    {
        put(bracket);
        comma_ = true;
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
    std::size_t pos_;  // end of the text written; out_ may be longer (room ahead)
    double_style style_;
    bool comma_ = false;  // a value was written at this level: the next one needs a comma
    bool finished_ = false;
};

}  // namespace drsmon::core
