#include "ofd/verify.hpp"

#include "ofd/der.hpp"
#include "ofd/impl/xml.hpp"
#include "ofd/ses.hpp"
#include "security/crypto.hpp"
#include "security/signature.hpp"
#include "security/x509_bundle.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <pugixml.hpp>

#include <algorithm>
#include <ctime>
#include <set>

namespace lgw::ofd {

struct TrustAnchors::Certs {
    std::vector<security::X509Ptr> list;
};

namespace {

using impl::loadXml;
using impl::localName;
using CertPtr = security::X509Ptr;

constexpr std::string_view kSm2WithSm3 = "1.2.156.10197.1.501";
constexpr std::string_view kEcdsaWithSha256 = "1.2.840.10045.4.3.2";


}  // namespace

// A certificate signed with SM2 is checked under the signer's user id, and OpenSSL 3.0 takes none
// by default (its check of such a certificate fails): the GM/T 0009 default id, as every Chinese
// CA signs with.
void useDefaultSm2Id(X509* cert) {
    if (X509_get_signature_nid(cert) != NID_SM2_with_SM3) return;
    ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
    if (!id) return;
    if (ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(security::kSm2DefaultUserId.data()),
                              static_cast<int>(security::kSm2DefaultUserId.size())) != 1) {
        ASN1_OCTET_STRING_free(id);
        return;
    }
    X509_set0_distinguishing_id(cert, id);  // the certificate owns it now
}

namespace {

CertPtr certFromDer(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    CertPtr c(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (c && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) c.reset();
    if (c) useDefaultSm2Id(c.get());
    return c;
}

std::string commonName(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    const int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i >= 0) {
        unsigned char* utf8 = nullptr;
        const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
        if (n >= 0) {
            std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
            OPENSSL_free(utf8);
            return out;
        }
    }
    char buf[256];
    X509_NAME_oneline(name, buf, sizeof buf);
    return buf;
}

std::int64_t certTime(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return static_cast<std::int64_t>(timegm(&tm));
}

// The certificate's key as the signature module takes it (SM2 or P-256).
std::optional<security::PublicKey> keyOf(X509* cert) { return security::PublicKey::shared(X509_get0_pubkey(cert)); }

// Checks `signature` by `cert` over `message`; "" when it holds, else why not.
std::string signatureProblem(X509* cert, std::string_view algorithm, std::string_view message, std::string_view signature) {
    std::optional<security::SignatureAlg> alg;
    if (algorithm == kSm2WithSm3) alg = security::SignatureAlg::kSm2Sm3;
    if (algorithm == kEcdsaWithSha256) alg = security::SignatureAlg::kEcdsaP256Sha256;
    if (!alg) return "the signature algorithm " + std::string(algorithm) + " is not supported (SM2 with SM3 or ECDSA P-256 with SHA-256)";
    auto key = keyOf(cert);
    if (!key) return "the certificate's key is not an SM2 or P-256 key";
    if (key->alg() != *alg) return "the certificate's key does not fit the algorithm " + std::string(algorithm);
    auto der = ecdsaSignatureAsDer(signature);
    if (!der) return "the signature value is neither DER nor a 64-byte r||s";
    if (!key->verify(*alg, message, *der)) return "the signature does not match the signed bytes";
    return "";
}

struct ChainErrors {
    std::int64_t atS;
    std::vector<std::string> reasons;
};

int noteChainError(int ok, X509_STORE_CTX* ctx) {
    if (ok) return 1;
    auto* errors = static_cast<ChainErrors*>(X509_STORE_CTX_get_app_data(ctx));
    const int err = X509_STORE_CTX_get_error(ctx);
    X509* at = X509_STORE_CTX_get_current_cert(ctx);
    std::string reason = X509_verify_cert_error_string(err);
    if ((err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID) && at)
        reason += ": valid " + utcText(certTime(X509_get0_notBefore(at))) + " to " + utcText(certTime(X509_get0_notAfter(at))) +
                  ", checked at " + utcText(errors->atS);
    if (at) reason += " (at \"" + commonName(at) + "\", depth " + std::to_string(X509_STORE_CTX_get_error_depth(ctx)) + ")";
    if (std::find(errors->reasons.begin(), errors->reasons.end(), reason) == errors->reasons.end()) errors->reasons.push_back(reason);
    // An untrusted or unfindable issuer ends the chain: nothing after it can be checked.
    if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
        err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
        err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE || err == X509_V_ERR_CERT_SIGNATURE_FAILURE)
        return 0;
    return 1;
}

// The chain of `leaf` to `anchors` at `atS`; "" when it is trusted. An anchor may be a root or the
// very certificate trusted (partial chains allowed); OpenSSL's checks of key usage, basic
// constraints and validity stand, so a "root" that may not sign certificates is not trusted.
std::string chainProblem(X509* leaf, const TrustAnchors& anchors, std::int64_t atS) {
    if (anchors.size() == 0) return "no trust anchor was given";
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
    if (!store || !ctx) return "out of memory";
    for (const auto& c : anchors.certs().list)
        if (X509_STORE_add_cert(store.get(), c.get()) != 1) return "a trust anchor cannot be used: " + security::opensslErrors();
    if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) != 1) return "cannot check the chain: " + security::opensslErrors();
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(atS));
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    // Every reason the chain fails, not only OpenSSL's first: the callback notes each and lets the
    // check go on, so that a report says "expired" and "may not sign certificates" together.
    ChainErrors errors{atS, {}};
    X509_STORE_CTX_set_app_data(ctx.get(), &errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), noteChainError);
    ERR_clear_error();
    const bool verified = X509_verify_cert(ctx.get()) == 1;
    ERR_clear_error();
    if (verified && errors.reasons.empty()) return "";
    if (errors.reasons.empty()) return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    std::string out;
    for (const auto& r : errors.reasons) out += (out.empty() ? "" : "; ") + r;
    return out;
}

pugi::xml_node child(pugi::xml_node node, std::string_view name) {
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && localName(c.name()) == name) return c;
    return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view name) {
    std::vector<pugi::xml_node> out;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && localName(c.name()) == name) out.push_back(c);
    return out;
}

std::string trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::string textOf(pugi::xml_node node) { return trimmed(node.child_value()); }

enum class Digest { kSm3, kSha256 };
std::optional<Digest> digestFor(std::string method) {
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    if (method == "sm3" || method == "1.2.156.10197.1.401") return Digest::kSm3;
    if (method == "sha256" || method == "sha-256" || method == "2.16.840.1.101.3.4.2.1") return Digest::kSha256;
    return std::nullopt;
}

std::string digestOf(Digest d, std::string_view data) { return d == Digest::kSm3 ? security::sm3(data) : security::sha256(data); }

const char* formatName(SesFormat f) { return f == SesFormat::kGbt38540V4 ? "GB/T 38540 v4" : "GM/T 0031 v1"; }

class Verifier {
public:
    Verifier(const OfdPackage& pkg, const VerifyOptions& opt) : pkg_(pkg), opt_(opt) {}

    OfdReport run() {
        OfdReport report;
        report.checkedAtS = opt_.atS;
        pugi::xml_document ofd;
        if (std::string why = loadXml(pkg_, "OFD.xml", ofd); !why.empty()) {
            report.readError = "not an OFD document: " + why;
            return report;
        }
        pugi::xml_node root = ofd.document_element();
        if (localName(root.name()) != "OFD") {
            report.readError = "not an OFD document: the root of /OFD.xml is <" + std::string(root.name()) + ">, not <ofd:OFD>";
            return report;
        }
        report.readable = true;
        covered_.insert("OFD.xml");
        for (pugi::xml_node body : children(root, "DocBody")) {
            const std::string loc = textOf(child(body, "Signatures"));
            if (loc.empty()) continue;
            auto path = OfdPackage::resolve("OFD.xml", loc);
            if (!path) {
                report.problems.push_back("OFD.xml names the signature list \"" + loc + "\", which is outside the package");
                continue;
            }
            signatureList(*path, report);
        }
        if (report.signatures.empty() && report.problems.empty()) report.problems.push_back("the document carries no signature");
        for (const auto& [path, bytes] : pkg_.files())
            if (!covered_.count(path)) report.uncoveredFiles.push_back("/" + path);
        if (!report.uncoveredFiles.empty()) {
            std::string list;
            for (const auto& f : report.uncoveredFiles) list += (list.empty() ? "" : ", ") + f;
            report.problems.push_back(std::to_string(report.uncoveredFiles.size()) + " file(s) no signature covers: " + list);
        }
        return report;
    }

private:
    void signatureList(const std::string& listPath, OfdReport& report) {
        pugi::xml_document list;
        if (std::string why = loadXml(pkg_, listPath, list); !why.empty()) {
            report.problems.push_back("the signature list: " + why);
            return;
        }
        for (pugi::xml_node entry : children(list.document_element(), "Signature")) {
            SignatureReport s;
            s.id = entry.attribute("ID").value();
            s.type = entry.attribute("Type").empty() ? "Seal" : entry.attribute("Type").value();
            const std::string loc = entry.attribute("BaseLoc").value();
            auto path = OfdPackage::resolve(listPath, loc);
            if (!path) {
                s.problems.push_back("its BaseLoc \"" + loc + "\" is empty or outside the package");
            } else {
                s.location = "/" + *path;
                signature(*path, s);
            }
            report.signatures.push_back(std::move(s));
        }
    }

    void signature(const std::string& sigPath, SignatureReport& s) {
        pugi::xml_document xml;
        if (std::string why = loadXml(pkg_, sigPath, xml); !why.empty()) {
            s.problems.push_back(why);
            return;
        }
        covered_.insert(sigPath);
        pugi::xml_node root = xml.document_element();
        pugi::xml_node info = child(root, "SignedInfo");
        references(sigPath, child(info, "References"), s);

        const std::string valueLoc = textOf(child(root, "SignedValue"));
        auto valuePath = OfdPackage::resolve(sigPath, valueLoc);
        const std::string* value = valuePath ? pkg_.file(*valuePath) : nullptr;
        if (!value) {
            s.signature = "invalid";
            s.problems.push_back("the signed value \"" + valueLoc + "\" is not in the package");
            return;
        }
        covered_.insert(*valuePath);
        switch (classifySignedValue(*value)) {
            case SignedValueKind::kPkcs7:
                s.format = "GB/T 35275";
                s.signature = "unsupported";
                s.problems.push_back("a GB/T 35275 (PKCS#7) signature: this verifier does not support the format, so it is not verified");
                return;
            case SignedValueKind::kUnknown:
                s.format = "unknown";
                s.signature = "invalid";
                s.problems.push_back("/" + *valuePath + " is neither an SES_Signature nor a PKCS#7 signature");
                return;
            case SignedValueKind::kSes:
                break;
        }
        std::string error;
        auto ses = parseSesSignature(*value, &error);
        if (!ses) {
            s.format = "unknown";
            s.signature = "invalid";
            s.problems.push_back("/" + *valuePath + " does not parse as an SES_Signature: " + error);
            return;
        }
        s.format = formatName(ses->format);
        const std::string method = textOf(child(info, "SignatureMethod"));
        if (!method.empty() && method.find('.') != std::string::npos && method != ses->algorithm)
            s.warnings.push_back("Signature.xml names the method " + method + ", the seal data " + ses->algorithm);
        seal(sigPath, info, *ses, s);
        signedValue(*pkg_.file(sigPath), *ses, s);
    }

    void references(const std::string& sigPath, pugi::xml_node refs, SignatureReport& s) {
        const std::string method = refs.attribute("CheckMethod").value();
        const auto digest = digestFor(method);
        if (!digest) s.problems.push_back("the check method \"" + method + "\" is not supported (SM3 or SHA-256 is)");
        for (pugi::xml_node ref : children(refs, "Reference")) {
            const std::string loc = ref.attribute("FileRef").value();
            auto path = OfdPackage::resolve(sigPath, loc);
            if (!path) {
                s.referencesFailed.push_back(loc);
                s.problems.push_back("reference \"" + loc + "\" points outside the package");
                continue;
            }
            covered_.insert(*path);
            ++s.referencesChecked;
            const std::string* bytes = pkg_.file(*path);
            const auto expected = security::base64Decode(textOf(child(ref, "CheckValue")));
            std::string why;
            if (!bytes) why = "the file is not in the package";
            else if (!expected) why = "its CheckValue is no base64";
            else if (digest && !security::constantTimeEquals(digestOf(*digest, *bytes), *expected))
                why = "the file's " + method + " is not its CheckValue: it was changed after signing";
            if (!why.empty() || !digest) {
                s.referencesFailed.push_back("/" + *path);
                if (!why.empty()) s.problems.push_back("reference /" + *path + ": " + why);
            }
        }
        if (s.referencesChecked == 0) s.problems.push_back("the signature references no file");
    }

    void seal(const std::string& sigPath, pugi::xml_node info, const SesSignature& ses, SignatureReport& s) {
        const SesSeal& seal = ses.seal;
        s.sealName = seal.name;
        s.sealId = seal.id;
        s.signedAt = ses.signedAt;
        CertPtr maker = certFromDer(seal.makerCert);
        if (!maker) {
            s.sealSignature = "invalid";
            s.problems.push_back("the seal maker's certificate does not parse");
        } else {
            s.sealMaker = commonName(maker.get());
            std::string why = signatureProblem(maker.get(), seal.makerAlgorithm, seal.makerSignedBytes, seal.makerSignature);
            s.sealSignature = why.empty() ? "valid" : "invalid";
            if (!why.empty()) s.problems.push_back("the seal maker's signature: " + why);
            const bool strict = opt_.sealMakerAnchors.has_value();
            std::string chain = chainProblem(maker.get(), strict ? *opt_.sealMakerAnchors : opt_.anchors, opt_.atS);
            s.sealChain = chain.empty() ? "trusted" : "untrusted";
            if (!chain.empty()) (strict ? s.problems : s.warnings).push_back("the seal maker's certificate: " + chain);
        }
        if (ses.signedAt < seal.validFrom || ses.signedAt > seal.validTo)
            s.problems.push_back("the seal was not valid when it was used: valid " + utcText(seal.validFrom) + " to " +
                                 utcText(seal.validTo) + ", used at " + utcText(ses.signedAt));
        if (pugi::xml_node sealNode = child(info, "Seal")) {
            const std::string loc = textOf(child(sealNode, "BaseLoc"));
            auto path = OfdPackage::resolve(sigPath, loc);
            const std::string* esl = path ? pkg_.file(*path) : nullptr;
            if (!esl) s.problems.push_back("the seal file \"" + loc + "\" is not in the package");
            else if (*esl != seal.whole) s.problems.push_back("/" + *path + " is not the seal inside the signed value (a swapped seal)");
        }
    }

    void signedValue(const std::string& signatureXml, const SesSignature& ses, SignatureReport& s) {
        CertPtr signer = certFromDer(ses.signerCert);
        if (!signer) {
            s.signature = "invalid";
            s.problems.push_back("the signer's certificate does not parse");
            return;
        }
        s.signer = commonName(signer.get());
        std::string why = signatureProblem(signer.get(), ses.algorithm, ses.toSign, ses.signature);
        if (why.empty() && !security::constantTimeEquals(security::sm3(signatureXml), ses.dataHash))
            why = "Signature.xml was changed after signing (its SM3 is not TBS_Sign.dataHash)";
        s.signature = why.empty() ? "valid" : "invalid";
        if (!why.empty()) s.problems.push_back("the signed value: " + why);

        if (!signerInSeal(ses)) s.problems.push_back("the signer's certificate is not one the seal lists (SES_ESPropertyInfo.certList)");
        const std::int64_t from = certTime(X509_get0_notBefore(signer.get()));
        const std::int64_t to = certTime(X509_get0_notAfter(signer.get()));
        if (ses.signedAt < from || ses.signedAt > to)
            s.problems.push_back("signed at " + utcText(ses.signedAt) + ", outside the signer certificate's validity (" + utcText(from) +
                                 " to " + utcText(to) + ")");
        std::string chain = chainProblem(signer.get(), opt_.anchors, opt_.atS);
        s.chain = chain.empty() ? "trusted" : "untrusted";
        if (!chain.empty()) s.problems.push_back("the signer's certificate: " + chain);
        if (ses.hasTimestamp) s.warnings.push_back("the signature carries a time-stamp, which is not checked");
    }

    static bool signerInSeal(const SesSignature& ses) {
        for (auto c : ses.seal.certs)
            if (c == ses.signerCert) return true;
        for (const auto& [type, value] : ses.seal.certDigests) {
            auto d = digestFor(type);
            if (d && digestOf(*d, ses.signerCert) == value) return true;
        }
        return false;
    }

    const OfdPackage& pkg_;
    const VerifyOptions& opt_;
    std::set<std::string, std::less<>> covered_;
};

}  // namespace

TrustAnchors::TrustAnchors() : certs_(std::make_shared<Certs>()) {}

std::optional<TrustAnchors> TrustAnchors::fromPem(std::string_view pem, std::string* error) {
    auto certs = security::readPemCertificates(pem, error);
    if (!certs) return std::nullopt;
    TrustAnchors anchors;
    for (auto& c : *certs) useDefaultSm2Id(c.get());
    anchors.certs_->list = std::move(*certs);
    return anchors;
}

void TrustAnchors::add(const TrustAnchors& more) {
    for (const auto& c : more.certs_->list) {
        X509_up_ref(c.get());
        certs_->list.emplace_back(c.get());
    }
}

std::size_t TrustAnchors::size() const { return certs_->list.size(); }

bool OfdReport::ok() const {
    if (!readable || !problems.empty() || signatures.empty()) return false;
    return std::all_of(signatures.begin(), signatures.end(), [](const SignatureReport& s) { return s.ok(); });
}

OfdReport verifyOfd(const OfdPackage& package, const VerifyOptions& options) { return Verifier(package, options).run(); }

OfdReport verifyOfdFile(std::string_view bytes, const VerifyOptions& options) {
    std::string error;
    auto pkg = OfdPackage::read(bytes, &error);
    if (!pkg) {
        OfdReport r;
        r.checkedAtS = options.atS;
        r.readError = error;
        return r;
    }
    return verifyOfd(*pkg, options);
}

std::string utcText(std::int64_t unixSeconds) {
    const auto t = static_cast<time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace lgw::ofd
