#include "drsmon/core/error.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/errc.hpp>

#include <stdexcept>

namespace drsmon::core {

namespace {

class category final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "drsmon"; }

    std::string message(int ev) const override
    {
        switch (static_cast<errc>(ev))
        {
        case errc::ok: return "success";
        case errc::network: return "network error";
        case errc::timeout: return "deadline expired";
        case errc::tls: return "TLS error";
        case errc::http_status: return "unexpected HTTP status";
        case errc::throttled: return "throttled by the API";
        case errc::auth: return "authentication failed";
        case errc::bad_response: return "malformed or unexpected response";
        case errc::not_found: return "not found";
        case errc::too_large: return "response body too large";
        case errc::proxy: return "proxy error";
        case errc::cancelled: return "operation cancelled";
        case errc::config: return "invalid configuration";
        case errc::io: return "file I/O error";
        case errc::budget_exhausted: return "retry budget exhausted";
        }
        return "unknown drsmon error";
    }
};

}  // namespace

const boost::system::error_category& drsmon_category() noexcept
{
    static const category instance;
    return instance;
}

const char* to_label(errc e) noexcept
{
    switch (e)
    {
    case errc::ok: return "ok";
    case errc::network: return "network";
    case errc::timeout: return "timeout";
    case errc::tls: return "tls";
    case errc::http_status: return "http_status";
    case errc::throttled: return "throttled";
    case errc::auth: return "auth";
    case errc::bad_response: return "bad_response";
    case errc::not_found: return "not_found";
    case errc::too_large: return "too_large";
    case errc::proxy: return "proxy";
    case errc::cancelled: return "cancelled";
    case errc::config: return "config";
    case errc::io: return "io";
    case errc::budget_exhausted: return "budget_exhausted";
    }
    return "unknown";
}

errc classify(const boost::system::error_code& ec) noexcept
{
    if (!ec)
        return errc::ok;
    if (ec.category() == drsmon_category())
        return static_cast<errc>(ec.value());
    if (ec == boost::asio::error::operation_aborted)
        return errc::cancelled;
    if (ec == boost::asio::error::timed_out || ec == boost::system::errc::timed_out)
        return errc::timeout;
    // OpenSSL and the asio::ssl stream report through their own categories.
    const std::string_view cat = ec.category().name();
    if (cat.starts_with("asio.ssl") || cat == "openssl")
        return errc::tls;
    return errc::network;
}

std::string error::to_string() const
{
    std::string out = where.empty() ? std::string("error") : where;
    out += ": ";
    out += detail.empty() ? code.message() : detail;
    std::string extra;
    auto add = [&extra](std::string_view key, std::string_view value) {
        if (value.empty())
            return;
        extra += extra.empty() ? "" : ", ";
        extra += key;
        extra += '=';
        extra += value;
    };
    add("path", path);
    add("http", http_status ? std::to_string(http_status) : std::string());
    add("code", service_code);
    add("request_id", request_id);
    if (!extra.empty())
        out += " (" + extra + ")";
    return out;
}

error make_error(errc e, std::string where, std::string detail, std::string path)
{
    error err;
    err.code = make_error_code(e);
    err.where = std::move(where);
    err.detail = std::move(detail);
    err.path = std::move(path);
    return err;
}

void throw_exception_from_error(const error& e, const boost::source_location&)
{
    throw std::runtime_error(e.to_string());
}

}  // namespace drsmon::core
