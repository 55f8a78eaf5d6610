#include "exact_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>

namespace drsmon::state::detail {

namespace json = boost::json;

namespace {

// Boost.JSON 1.81 reads numbers with a fast algorithm that is not always correctly rounded (there
// is no number_precision::precise before 1.82): "3.3E50", the shortest text of a double, reads
// back one unit in the last place off, so the value would drift with every save and load. The
// state file and the journal are therefore read by Boost.JSON's parser with a handler that builds
// the same document but reads each double from its text with std::from_chars (correctly rounded),
// so that what the writer wrote comes back exactly (tests/fuzz/state_file.cpp checks the fixed point).
class exact_handler
{
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    json::value_stack st;

    bool on_document_begin(boost::system::error_code&)
    {
        st.reset();
        return true;
    }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code&) { return true; }
    bool on_object_end(std::size_t n, boost::system::error_code&)
    {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(boost::system::error_code&) { return true; }
    bool on_array_end(std::size_t n, boost::system::error_code&)
    {
        st.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, boost::system::error_code&)
    {
        st.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view s, boost::system::error_code&)
    {
        number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&)
    {
        number_.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, boost::system::error_code&)
    {
        number_.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view s, boost::system::error_code&)
    {
        number_.append(s.data(), s.size());
        double exact = 0;
        const auto* const end = number_.data() + number_.size();
        const auto r = std::from_chars(number_.data(), end, exact);
        // Out of range (an exponent beyond the double's): keep what Boost.JSON made of it.
        st.push_double(r.ec == std::errc{} && r.ptr == end ? exact : d);
        number_.clear();
        return true;
    }
    bool on_bool(bool b, boost::system::error_code&)
    {
        st.push_bool(b);
        return true;
    }
    bool on_null(boost::system::error_code&)
    {
        st.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(json::string_view, boost::system::error_code&) { return true; }

private:
    std::string number_;
};

}  // namespace

json::value parse_exact(std::string_view text, boost::system::error_code& ec)
{
    json::basic_parser<exact_handler> p{json::parse_options{}};
    const auto n = p.write_some(false, text.data(), text.size(), ec);
    if (!ec && n != text.size())
        ec = json::error::extra_data;
    if (ec)
        return nullptr;
    return p.handler().st.release();
}

}  // namespace drsmon::state::detail
