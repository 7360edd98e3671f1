#include "security/rfc3161.hpp"

#include "security/x509_bundle.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>

namespace lgw::security {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Req = Owned<TS_REQ, TS_REQ_free>;
using Resp = Owned<TS_RESP, TS_RESP_free>;
using Token = Owned<PKCS7, PKCS7_free>;
using TstInfo = Owned<TS_TST_INFO, TS_TST_INFO_free>;
using VerifyCtx = Owned<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;
using Imprint = Owned<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using Algor = Owned<X509_ALGOR, X509_ALGOR_free>;
using Integer = Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using Bignum = Owned<BIGNUM, BN_free>;
using Cert = X509Ptr;

}  // namespace

struct TsaTrust::Certs {
    std::vector<Cert> list;
};

namespace {


std::string sha256(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr)) throw std::runtime_error("SHA-256 failed");
    return std::string(reinterpret_cast<char*>(md), len);
}

std::string tokenDer(const PKCS7* p) {
    unsigned char* buf = nullptr;
    int len = i2d_PKCS7(p, &buf);
    if (len <= 0) return {};
    std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
    OPENSSL_free(buf);
    return out;
}

TimestampCheck failed(std::string reason) {
    TimestampCheck c;
    c.reason = std::move(reason);
    return c;
}

// The token's genTime (Unix ms) and its imprint's algorithm, or why it has none.
struct TokenFacts {
    std::int64_t genTimeMs = 0;
    std::string problem;
};
TokenFacts factsOf(PKCS7* token) {
    TokenFacts f;
    TstInfo tst(PKCS7_to_TS_TST_INFO(token));
    if (!tst) {
        f.problem = "the token holds no TSTInfo: " + opensslErrors();
        return f;
    }
    const X509_ALGOR* alg = TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst.get()));
    if (!alg || OBJ_obj2nid(alg->algorithm) != NID_sha256) {
        f.problem = "the token's message imprint is not SHA-256";
        return f;
    }
    std::tm tm{};
    if (!ASN1_TIME_to_tm(TS_TST_INFO_get_time(tst.get()), &tm)) {
        f.problem = "the token's genTime does not parse";
        return f;
    }
    f.genTimeMs = static_cast<std::int64_t>(timegm(&tm)) * 1000;
    return f;
}

// A store of the trusted CAs checking at `atMs` (the token's own time: a TSA certificate that has
// expired since still proves what it signed while valid).
X509_STORE* storeAt(const TsaTrust& trust, std::int64_t atMs) {
    X509_STORE* store = X509_STORE_new();
    if (!store) return nullptr;
    for (const auto& c : trust.certs().list) {
        if (X509_STORE_add_cert(store, c.get()) != 1) {
            X509_STORE_free(store);
            return nullptr;
        }
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), static_cast<time_t>(atMs / 1000));
    return store;
}

TimestampCheck verifyWith(TS_VERIFY_CTX* ctx, PKCS7* token, const TsaTrust& trust) {
    TokenFacts facts = factsOf(token);
    if (!facts.problem.empty()) return failed(facts.problem);
    X509_STORE* store = storeAt(trust, facts.genTimeMs);
    if (!store) return failed("could not build the TSA trust store: " + opensslErrors());
    TS_VERIFY_CTX_set_store(ctx, store);  // the context owns it now
    ERR_clear_error();
    if (TS_RESP_verify_token(ctx, token) != 1) return failed("the time-stamp token does not verify: " + opensslErrors());
    TimestampCheck c;
    c.ok = true;
    c.genTimeMs = facts.genTimeMs;
    return c;
}

}  // namespace

TsaTrust::TsaTrust() : certs_(std::make_unique<Certs>()) {}
TsaTrust::~TsaTrust() = default;
TsaTrust::TsaTrust(TsaTrust&&) noexcept = default;
TsaTrust& TsaTrust::operator=(TsaTrust&&) noexcept = default;
std::size_t TsaTrust::size() const { return certs_->list.size(); }

std::optional<TsaTrust> TsaTrust::fromPem(std::string_view pem, std::string* error) {
    auto certs = readPemCertificates(pem, error);
    if (!certs) return std::nullopt;
    TsaTrust trust;
    trust.certs_->list = std::move(*certs);
    return trust;
}


TimestampQuery makeTimestampQuery(std::string_view message) {
    Req req(TS_REQ_new());
    Imprint imprint(TS_MSG_IMPRINT_new());
    Algor algo(X509_ALGOR_new());
    if (!req || !imprint || !algo) throw std::runtime_error("out of memory building a time-stamp query");
    X509_ALGOR_set0(algo.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
    const std::string digest = sha256(message);
    unsigned char nonceBytes[8];
    if (RAND_bytes(nonceBytes, sizeof nonceBytes) != 1) throw std::runtime_error("no randomness for a time-stamp nonce");
    nonceBytes[0] &= 0x7f;  // a positive INTEGER
    Bignum bn(BN_bin2bn(nonceBytes, sizeof nonceBytes, nullptr));
    Integer nonce(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    const auto* d = reinterpret_cast<const unsigned char*>(digest.data());
    if (!nonce || TS_REQ_set_version(req.get(), 1) != 1 || TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(d), static_cast<int>(digest.size())) != 1 ||
        TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 || TS_REQ_set_nonce(req.get(), nonce.get()) != 1 ||
        TS_REQ_set_cert_req(req.get(), 1) != 1)
        throw std::runtime_error("could not build a time-stamp query: " + opensslErrors());
    unsigned char* buf = nullptr;
    const int len = i2d_TS_REQ(req.get(), &buf);
    if (len <= 0) throw std::runtime_error("could not encode a time-stamp query: " + opensslErrors());
    TimestampQuery q;
    q.der.assign(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
    OPENSSL_free(buf);
    return q;
}

TimestampCheck acceptTimestampResponse(std::string_view responseDer, const TimestampQuery& query,
                                       const TsaTrust& trust) {
    ERR_clear_error();
    const auto* p = reinterpret_cast<const unsigned char*>(responseDer.data());
    Resp resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(responseDer.size())));
    if (!resp) return failed("the answer is not a DER TimeStampResp");
    const auto* q = reinterpret_cast<const unsigned char*>(query.der.data());
    Req req(d2i_TS_REQ(nullptr, &q, static_cast<long>(query.der.size())));
    if (!req) return failed("the query does not parse (a bug)");
    const long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get())));
    if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS)
        return failed("the TSA did not grant the time-stamp (PKIStatus " + std::to_string(status) + ")");
    PKCS7* token = TS_RESP_get_token(resp.get());
    if (!token) return failed("the TSA granted the time-stamp but sent no token");
    // The query's imprint, nonce and policy (none) are what the token must carry.
    VerifyCtx ctx(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr));
    if (!ctx) return failed("could not set up the verification: " + opensslErrors());
    TS_VERIFY_CTX_add_flags(ctx.get(), TS_VFY_SIGNATURE);
    TimestampCheck c = verifyWith(ctx.get(), token, trust);
    if (c.ok) c.token = tokenDer(token);
    if (c.ok && c.token.empty()) return failed("could not encode the token: " + opensslErrors());
    return c;
}

TimestampCheck verifyTimestampToken(std::string_view tokenDer, std::string_view message, const TsaTrust& trust) {
    ERR_clear_error();
    const auto* p = reinterpret_cast<const unsigned char*>(tokenDer.data());
    Token token(d2i_PKCS7(nullptr, &p, static_cast<long>(tokenDer.size())));
    if (!token || p != reinterpret_cast<const unsigned char*>(tokenDer.data()) + tokenDer.size())
        return failed("the time-stamp token is not one DER TimeStampToken");
    VerifyCtx ctx(TS_VERIFY_CTX_new());
    if (!ctx) return failed("out of memory");
    const std::string digest = sha256(message);
    auto* imprint = static_cast<unsigned char*>(OPENSSL_malloc(digest.size()));
    if (!imprint) return failed("out of memory");
    std::copy(digest.begin(), digest.end(), imprint);
    TS_VERIFY_CTX_set_imprint(ctx.get(), imprint, static_cast<long>(digest.size()));  // owned by ctx
    TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_SIGNATURE | TS_VFY_VERSION | TS_VFY_IMPRINT);
    return verifyWith(ctx.get(), token.get(), trust);
}

}  // namespace lgw::security
