#include "ofd/test_pki.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

#include "security/crypto.hpp"

namespace lgw::ofd {

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

void freeBio(BIO* b) { BIO_free(b); }

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("test PKI: " + what); }

// An SM2 key whose private scalar is SHA-256(seed/role) reduced into [1, n-1].
Key derivedKey(std::string_view seed, std::string_view role) {
    std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>> group(EC_GROUP_new_by_curve_name(NID_sm2));
    std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>> bnctx(BN_CTX_new());
    if (!group || !bnctx) fail("no SM2 group");
    const std::string digest = security::sha256(std::string(seed) + "/" + std::string(role));
    Bn h(BN_bin2bn(reinterpret_cast<const unsigned char*>(digest.data()), static_cast<int>(digest.size()), nullptr));
    Bn nMinus1(BN_dup(EC_GROUP_get0_order(group.get())));
    Bn priv(BN_new());
    if (!h || !nMinus1 || !priv || !BN_sub_word(nMinus1.get(), 1) || !BN_mod(priv.get(), h.get(), nMinus1.get(), bnctx.get()) ||
        !BN_add_word(priv.get(), 1))
        fail("cannot derive a scalar");
    std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>> pub(EC_POINT_new(group.get()));
    if (!pub || !EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, bnctx.get())) fail("cannot compute the public key");
    unsigned char pubBytes[65];
    const std::size_t pubLen =
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pubBytes, sizeof pubBytes, bnctx.get());
    std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> bld(OSSL_PARAM_BLD_new());
    if (!bld || pubLen == 0 || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pubBytes, pubLen))
        fail("cannot build the key parameters");
    std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>> params(OSSL_PARAM_BLD_to_param(bld.get()));
    std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1)
        fail("cannot make the SM2 key");
    return Key(key);
}

std::string keyPem(EVP_PKEY* key) {
    std::unique_ptr<BIO, Deleter<BIO, freeBio>> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) fail("cannot write a key");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

Cert issue(EVP_PKEY* subjectKey, const char* cn, const std::string& org, long serial, std::int64_t from, std::int64_t to, bool ca,
           X509* issuerCert, EVP_PKEY* issuerKey) {
    Cert cert(X509_new());
    if (!cert) fail("out of memory");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(from));
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(to));
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("CN"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509* signerCert = issuerCert ? issuerCert : cert.get();
    EVP_PKEY* signerKey = issuerKey ? issuerKey : subjectKey;
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signerCert));
    X509_set_pubkey(cert.get(), subjectKey);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, signerCert, cert.get(), nullptr, nullptr, 0);
    auto add = [&](int nid, const char* value) {
        X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!e) fail(std::string("cannot make the extension ") + value);
        X509_add_ext(cert.get(), e, -1);
        X509_EXTENSION_free(e);
    };
    add(NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add(NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    add(NID_subject_key_identifier, "hash");
    if (issuerCert) add(NID_authority_key_identifier, "keyid:always");
    std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>> md(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new(signerKey, nullptr);  // owned by md once set, freed below otherwise
    const std::string_view id = security::kSm2DefaultUserId;
    bool ok = md && pctx && EVP_PKEY_CTX_set1_id(pctx, id.data(), id.size()) > 0;
    if (ok) {
        EVP_MD_CTX_set_pkey_ctx(md.get(), pctx);
        ok = EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, signerKey) == 1 && X509_sign_ctx(cert.get(), md.get()) > 0;
    }
    md.reset();
    EVP_PKEY_CTX_free(pctx);  // EVP_MD_CTX_set_pkey_ctx does not take ownership
    if (!ok) fail(std::string("cannot sign the certificate of ") + cn);
    return cert;
}

TestPkiMember member(EVP_PKEY* key, X509* cert) {
    unsigned char* out = nullptr;
    const int n = i2d_X509(cert, &out);
    if (n <= 0) fail("cannot encode a certificate");
    std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    std::unique_ptr<BIO, Deleter<BIO, freeBio>> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    auto k = security::PrivateKey::fromPem(keyPem(key));
    if (!k) fail("the SM2 key does not read back");
    return TestPkiMember{*k, der, std::string(data, static_cast<std::size_t>(len))};
}

}  // namespace

TestPki makeTestPki(std::string_view seed, const TestPkiOptions& o) {
    constexpr std::int64_t kYear = 365LL * 24 * 3600;
    Key rootKey = derivedKey(seed, "root");
    Key makerKey = derivedKey(seed, "seal-maker");
    Key signerKey = derivedKey(seed, "signer");
    const std::string org = o.name;
    Cert root = issue(rootKey.get(), (org + " Root CA").c_str(), org, 1, o.notBefore, o.notBefore + o.rootYears * kYear, true, nullptr, nullptr);
    Cert maker = issue(makerKey.get(), (org + " Seal Maker").c_str(), org, 2, o.notBefore, o.notBefore + o.leafYears * kYear, false,
                       root.get(), rootKey.get());
    Cert signer = issue(signerKey.get(), (org + " Licence Signer").c_str(), org, 3, o.notBefore, o.notBefore + o.leafYears * kYear,
                        false, root.get(), rootKey.get());
    return TestPki{member(rootKey.get(), root.get()), member(makerKey.get(), maker.get()), member(signerKey.get(), signer.get())};
}

}  // namespace lgw::ofd
