#include "drsmon/test/http_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace drsmon::test {

namespace {

template <class T, void (*Free)(T*)>
struct deleter
{
    void operator()(T* p) const { Free(p); }
};
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void check(bool ok, const char* what)
{
    if (!ok)
        throw std::runtime_error(std::string("issue_server_certificate: ") + what);
}

bio_ptr open_file(const std::string& path, const char* mode)
{
    bio_ptr bio(BIO_new_file(path.c_str(), mode));
    check(bio != nullptr, ("cannot open " + path).c_str());
    return bio;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    check(ext != nullptr, "cannot build extension");
    check(X509_add_ext(cert, ext.get(), -1) == 1, "cannot add extension");
}

}  // namespace

issued_certificate issue_server_certificate(const std::string& dns_name)
{
    static std::atomic<int> counter{0};
    const auto dir = std::filesystem::temp_directory_path() /
                     ("drsmon-test-cert-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);

    auto ca_bio = open_file(tls_dir() + "/ca.pem", "r");
    x509_ptr ca(PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr));
    check(ca != nullptr, "cannot read ca.pem");
    auto ca_key_bio = open_file(tls_dir() + "/ca.key", "r");
    pkey_ptr ca_key(PEM_read_bio_PrivateKey(ca_key_bio.get(), nullptr, nullptr, nullptr));
    check(ca_key != nullptr, "cannot read ca.key");

    pkey_ptr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "cannot generate a key");

    x509_ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(::getpid()) * 1000 + counter);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(
        name,
        "CN",
        MBSTRING_ASC,
        reinterpret_cast<const unsigned char*>(dns_name.c_str()),
        -1,
        -1,
        0
    );
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) == 1, "set issuer");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "set public key");
    add_extension(cert.get(), ca.get(), NID_basic_constraints, "CA:FALSE");
    add_extension(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), ca.get(), NID_subject_alt_name, ("DNS:" + dns_name).c_str());
    check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "sign");

    issued_certificate out{(dir / "server.pem").string(), (dir / "server.key").string()};
    auto cert_bio = open_file(out.cert_file, "w");
    check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "write certificate");
    auto key_bio = open_file(out.key_file, "w");
    check(
        PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "write key"
    );
    return out;
}

}  // namespace drsmon::test
