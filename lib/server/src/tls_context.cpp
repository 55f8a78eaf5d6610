#include "tls_context.hpp"

#include <openssl/ssl.h>

#include <string>

namespace drsmon::server::detail {

namespace ssl = boost::asio::ssl;

core::result<std::shared_ptr<ssl::context>> make_tls_context(const web_config::tls& t)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(
        ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use
    );
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, t.min_version == "TLS13" ? TLS1_3_VERSION : TLS1_2_VERSION);

    boost::system::error_code ec;
    auto fail = [&](const std::string& file, const std::string& key, const std::string& what) {
        return core::make_error(
            core::errc::config,
            file,
            what + ": " + ec.message(),
            "tls_server_config." + key
        );
    };
    ctx->use_certificate_chain_file(t.cert_file, ec);
    if (ec)
        return fail(t.cert_file, "cert_file", "cannot load the server certificate");
    ctx->use_private_key_file(t.key_file, ssl::context::pem, ec);
    if (ec)
        return fail(t.key_file, "key_file", "cannot load the server key");
    if (SSL_CTX_check_private_key(native) != 1)
    {
        return core::make_error(
            core::errc::config,
            t.key_file,
            "the key does not match the certificate " + t.cert_file,
            "tls_server_config.key_file"
        );
    }

    const std::string auth = t.client_auth_type.empty() ? "NoClientCert" : t.client_auth_type;
    if (!t.client_ca_file.empty())
    {
        ctx->load_verify_file(t.client_ca_file, ec);
        if (ec)
            return fail(t.client_ca_file, "client_ca_file", "cannot load the client CA");
        // Tell clients which CAs are acceptable, so they pick the right certificate.
        if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(t.client_ca_file.c_str()))
            SSL_CTX_set_client_CA_list(native, names);
    }
    // Client certificates with session resumption need a session id context.
    static constexpr unsigned char sid[] = "drs-monitor";
    SSL_CTX_set_session_id_context(native, sid, sizeof(sid) - 1);

    const bool accept_any = auth == "RequestClientCert" || auth == "RequireAnyClientCert";
    ssl::verify_mode mode = ssl::verify_none;
    if (auth == "RequestClientCert" || auth == "VerifyClientCertIfGiven")
        mode = ssl::verify_peer;
    else if (auth == "RequireAnyClientCert" || auth == "RequireAndVerifyClientCert")
        mode = ssl::verify_peer | ssl::verify_fail_if_no_peer_cert;
    ctx->set_verify_mode(mode);
    if (accept_any)
    {
        // These modes ask for a certificate but do not verify it (Go's semantics).
        ctx->set_verify_callback([](bool, ssl::verify_context&) { return true; });
    }
    return ctx;
}

}  // namespace drsmon::server::detail
