#pragma once
// A throwaway SM2 PKI made with OpenSSL's X509 API for the OFD seal tests: a root that may sign
// certificates, and leaves (a seal maker, a signer) it issues, every certificate signed with SM2
// and SM3 under the default user id, as Chinese CAs issue them.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <string>

#include "ofd/seal_maker.hpp"
#include "security/signature.hpp"

namespace lgw::testing {

struct Sm2Cert {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    Sm2Cert() = default;
    Sm2Cert(const Sm2Cert&) = delete;
    Sm2Cert& operator=(const Sm2Cert&) = delete;
    ~Sm2Cert() {
        X509_free(cert);
        EVP_PKEY_free(key);
    }
    std::string der() const {
        unsigned char* out = nullptr;
        const int n = i2d_X509(cert, &out);
        std::string d(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
        OPENSSL_free(out);
        return d;
    }
    std::string pem() const {
        BIO* b = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(b, cert);
        char* data = nullptr;
        const long n = BIO_get_mem_data(b, &data);
        std::string s(data, static_cast<std::size_t>(n));
        BIO_free(b);
        return s;
    }
    ofd::SealIdentity identity() const {
        BIO* b = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long n = BIO_get_mem_data(b, &data);
        auto k = security::PrivateKey::fromPem(std::string_view(data, static_cast<std::size_t>(n)));
        BIO_free(b);
        if (!k) throw std::runtime_error("SM2 key does not round-trip");
        return ofd::SealIdentity{*k, der()};
    }
};

/// Issues `out` (a fresh SM2 key) under `issuer` (itself when null), valid from..to (Unix s).
inline void issueSm2(Sm2Cert& out, const Sm2Cert* issuer, const char* cn, long serial, std::int64_t from, std::int64_t to,
                     bool ca) {
    out.key = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
    out.cert = X509_new();
    if (!out.key || !out.cert) throw std::runtime_error("SM2 keygen");
    X509_set_version(out.cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(out.cert), serial);
    ASN1_TIME_set(X509_getm_notBefore(out.cert), static_cast<time_t>(from));
    ASN1_TIME_set(X509_getm_notAfter(out.cert), static_cast<time_t>(to));
    X509_NAME_add_entry_by_txt(X509_get_subject_name(out.cert), "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Licence Gateway test PKI"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(out.cert), "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    const Sm2Cert& signer = issuer ? *issuer : out;
    X509_set_issuer_name(out.cert, X509_get_subject_name(signer.cert));
    X509_set_pubkey(out.cert, out.key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, signer.cert, out.cert, nullptr, nullptr, 0);
    auto add = [&](int nid, const char* value) {
        X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!e) throw std::runtime_error("x509 extension");
        X509_add_ext(out.cert, e, -1);
        X509_EXTENSION_free(e);
    };
    add(NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add(NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    add(NID_subject_key_identifier, "hash");
    if (issuer) add(NID_authority_key_identifier, "keyid:always");
    EVP_MD_CTX* m = EVP_MD_CTX_new();
    EVP_PKEY_CTX* p = EVP_PKEY_CTX_new(signer.key, nullptr);
    const std::string_view id = security::kSm2DefaultUserId;
    const bool ok = m && p && EVP_PKEY_CTX_set1_id(p, id.data(), id.size()) > 0 && (EVP_MD_CTX_set_pkey_ctx(m, p), true) &&
                    EVP_DigestSignInit(m, nullptr, EVP_sm3(), nullptr, signer.key) == 1 && X509_sign_ctx(out.cert, m) > 0;
    EVP_MD_CTX_free(m);
    EVP_PKEY_CTX_free(p);
    if (!ok) throw std::runtime_error("SM2 certificate signing");
}

}  // namespace lgw::testing
