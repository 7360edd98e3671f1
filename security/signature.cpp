#include "security/signature.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

namespace lgw::security {

struct PublicKey::Impl {
    EVP_PKEY* key = nullptr;
    ~Impl() { EVP_PKEY_free(key); }
};
struct PrivateKey::Impl {
    EVP_PKEY* key = nullptr;
    ~Impl() { EVP_PKEY_free(key); }
};

namespace {

struct MdCtx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    ~MdCtx() {
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_CTX_free(pctx);  // EVP_MD_CTX_set_pkey_ctx does not take ownership
    }
};

bool isSm2(EVP_PKEY* k) { return EVP_PKEY_is_a(k, "SM2"); }

bool isP256(EVP_PKEY* k) {
    if (!EVP_PKEY_is_a(k, "EC")) return false;
    char name[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1) return false;
    return std::string_view(name, len) == "prime256v1";
}

bool fits(SignatureAlg alg, EVP_PKEY* k) { return alg == SignatureAlg::kSm2Sm3 ? isSm2(k) : isP256(k); }

// Prepares ctx for DigestSign/DigestVerify with the digest and, for SM2, the user id.
bool init(MdCtx& m, SignatureAlg alg, EVP_PKEY* key, bool sign) {
    if (!m.ctx) return false;
    const EVP_MD* md = alg == SignatureAlg::kSm2Sm3 ? EVP_sm3() : EVP_sha256();
    if (alg == SignatureAlg::kSm2Sm3) {
        m.pctx = EVP_PKEY_CTX_new(key, nullptr);
        if (!m.pctx) return false;
        if (EVP_PKEY_CTX_set1_id(m.pctx, kSm2DefaultUserId.data(), kSm2DefaultUserId.size()) <= 0) return false;
        EVP_MD_CTX_set_pkey_ctx(m.ctx, m.pctx);
    }
    return sign ? EVP_DigestSignInit(m.ctx, nullptr, md, nullptr, key) == 1
                : EVP_DigestVerifyInit(m.ctx, nullptr, md, nullptr, key) == 1;
}

std::string bioString(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

}  // namespace

std::optional<SignatureAlg> signatureAlgFromName(std::string_view name) {
    if (name == "SM2-SM3") return SignatureAlg::kSm2Sm3;
    if (name == "ECDSA-P256-SHA256") return SignatureAlg::kEcdsaP256Sha256;
    return std::nullopt;
}

const char* signatureAlgName(SignatureAlg alg) {
    return alg == SignatureAlg::kSm2Sm3 ? "SM2-SM3" : "ECDSA-P256-SHA256";
}

std::optional<PublicKey> PublicKey::fromPem(std::string_view pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* k = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!k) return std::nullopt;
    if (!isSm2(k) && !isP256(k)) {
        EVP_PKEY_free(k);
        return std::nullopt;
    }
    PublicKey p;
    p.impl = std::make_shared<Impl>();
    p.impl->key = k;
    return p;
}

std::optional<PublicKey> PublicKey::shared(EVP_PKEY* k) {
    if (!k || (!isSm2(k) && !isP256(k)) || EVP_PKEY_up_ref(k) != 1) return std::nullopt;
    PublicKey p;
    p.impl = std::make_shared<Impl>();
    p.impl->key = k;
    return p;
}

bool PublicKey::verify(SignatureAlg alg, std::string_view message, std::string_view signature) const {
    if (!impl || !fits(alg, impl->key)) return false;
    MdCtx m;
    if (!init(m, alg, impl->key, false)) return false;
    return EVP_DigestVerify(m.ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string PublicKey::pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, impl->key);
    return bioString(bio);
}

SignatureAlg PublicKey::alg() const { return isSm2(impl->key) ? SignatureAlg::kSm2Sm3 : SignatureAlg::kEcdsaP256Sha256; }
SignatureAlg PrivateKey::alg() const { return isSm2(impl->key) ? SignatureAlg::kSm2Sm3 : SignatureAlg::kEcdsaP256Sha256; }

PrivateKey PrivateKey::generate(SignatureAlg alg) {
    EVP_PKEY* k = alg == SignatureAlg::kSm2Sm3 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                                               : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (!k) throw std::runtime_error("key generation failed");
    PrivateKey p;
    p.impl = std::make_shared<Impl>();
    p.impl->key = k;
    return p;
}

std::optional<PrivateKey> PrivateKey::fromPem(std::string_view pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!k) return std::nullopt;
    PrivateKey p;
    p.impl = std::make_shared<Impl>();
    p.impl->key = k;
    return p;
}

std::string PrivateKey::sign(SignatureAlg alg, std::string_view message) const {
    if (!fits(alg, impl->key)) throw std::runtime_error("the private key does not fit the signature algorithm");
    MdCtx m;
    if (!init(m, alg, impl->key, true)) throw std::runtime_error("signature init failed");
    std::size_t len = 0;
    auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    if (EVP_DigestSign(m.ctx, nullptr, &len, msg, message.size()) != 1) throw std::runtime_error("sign failed");
    std::string sig(len, '\0');
    if (EVP_DigestSign(m.ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, msg, message.size()) != 1)
        throw std::runtime_error("sign failed");
    sig.resize(len);
    return sig;
}

std::string PrivateKey::pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, impl->key, nullptr, nullptr, 0, nullptr, nullptr);
    return bioString(bio);
}

PublicKey PrivateKey::publicKey() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, impl->key);
    return *PublicKey::fromPem(bioString(bio));
}

}  // namespace lgw::security
