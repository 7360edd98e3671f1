#include "ofd/ses.hpp"

#include "ofd/der.hpp"

#include <openssl/asn1.h>

#include <ctime>

namespace lgw::ofd {

namespace {

// Each parse step either yields its item or records which part is missing; the first failure wins.
class Parse {
public:
    explicit Parse(std::string* error) : error_(error) {}
    bool ok() const { return ok_; }
    bool fail(const std::string& what) {
        if (ok_ && error_) *error_ = what;
        ok_ = false;
        return false;
    }
    std::optional<DerItem> item(DerReader& r, int tag, const char* what) {
        if (!ok_) return std::nullopt;
        auto it = r.expect(tag);
        if (!it) fail(std::string(what) + " is missing or malformed");
        return it;
    }
    std::string text(DerReader& r, int tag, const char* what) {
        auto it = item(r, tag, what);
        return it ? std::string(it->content) : std::string();
    }
    std::int64_t integer(DerReader& r, const char* what) {
        auto it = item(r, V_ASN1_INTEGER, what);
        if (!it) return 0;
        auto v = derSmallInteger(*it);
        if (!v) fail(std::string(what) + " is not a small non-negative integer");
        return v.value_or(0);
    }
    std::string oid(DerReader& r, const char* what) {
        auto it = item(r, V_ASN1_OBJECT, what);
        if (!it) return {};
        auto v = derObjectId(*it);
        if (!v) fail(std::string(what) + " is not an object identifier");
        return v.value_or("");
    }
    std::string_view bits(DerReader& r, const char* what) {
        auto it = item(r, V_ASN1_BIT_STRING, what);
        if (!it) return {};
        auto v = derBitStringBytes(*it);
        if (!v) fail(std::string(what) + " is not a whole-byte BIT STRING");
        return v.value_or(std::string_view{});
    }
    std::int64_t time(DerReader& r, const char* what) {
        if (!ok_) return 0;
        auto it = r.next();
        auto v = it ? derTime(*it) : std::nullopt;
        if (!v) fail(std::string(what) + " is not a GeneralizedTime or UTCTime");
        return v.value_or(0);
    }

private:
    std::string* error_;
    bool ok_ = true;
};

// SES_SealInfo (both versions): header, esID, property, picture, [extDatas].
void parseSealInfo(Parse& p, std::string_view sealInfoContent, SesFormat format, SesSeal& seal) {
    DerReader info(sealInfoContent);
    if (auto header = p.item(info, V_ASN1_SEQUENCE, "SES_Header")) {
        DerReader h(header->content);
        const std::string es = p.text(h, V_ASN1_IA5STRING, "SES_Header.ID");
        if (p.ok() && es != "ES") p.fail("SES_Header.ID is \"" + es + "\", not \"ES\"");
        seal.headerVersion = p.integer(h, "SES_Header.version");
        seal.vendorId = p.text(h, V_ASN1_IA5STRING, "SES_Header.Vid");
    }
    seal.id = p.text(info, V_ASN1_IA5STRING, "SES_SealInfo.esID");
    if (auto prop = p.item(info, V_ASN1_SEQUENCE, "SES_ESPropertyInfo")) {
        DerReader pr(prop->content);
        seal.type = p.integer(pr, "SES_ESPropertyInfo.type");
        seal.name = p.text(pr, V_ASN1_UTF8STRING, "SES_ESPropertyInfo.name");
        if (format == SesFormat::kGbt38540V4) seal.certListType = p.integer(pr, "SES_ESPropertyInfo.certListType");
        if (auto list = p.item(pr, V_ASN1_SEQUENCE, "SES_ESPropertyInfo.certList")) {
            DerReader l(list->content);
            while (p.ok() && !l.atEnd()) {
                if (seal.certListType == 2) {
                    auto obj = p.item(l, V_ASN1_SEQUENCE, "CertDigestObj");
                    if (!obj) break;
                    DerReader o(obj->content);
                    std::string type = p.text(o, V_ASN1_PRINTABLESTRING, "CertDigestObj.type");
                    auto value = p.item(o, V_ASN1_OCTET_STRING, "CertDigestObj.value");
                    if (value) seal.certDigests.emplace_back(std::move(type), value->content);
                } else {
                    auto cert = p.item(l, V_ASN1_OCTET_STRING, "a certificate of certList");
                    if (cert) seal.certs.push_back(cert->content);
                }
            }
            if (p.ok() && seal.certListType != 1 && seal.certListType != 2)
                p.fail("SES_ESPropertyInfo.certListType is " + std::to_string(seal.certListType) + ", not 1 or 2");
        }
        seal.createdAt = p.time(pr, "SES_ESPropertyInfo.createDate");
        seal.validFrom = p.time(pr, "SES_ESPropertyInfo.validStart");
        seal.validTo = p.time(pr, "SES_ESPropertyInfo.validEnd");
    }
    if (auto pic = p.item(info, V_ASN1_SEQUENCE, "SES_ESPictrueInfo")) {
        DerReader pi(pic->content);
        seal.pictureType = p.text(pi, V_ASN1_IA5STRING, "SES_ESPictrueInfo.type");
    }
}

void parseSeal(Parse& p, const DerItem& sealItem, SesFormat format, SesSeal& seal) {
    seal.whole = sealItem.whole;
    DerReader s(sealItem.content);
    auto info = p.item(s, V_ASN1_SEQUENCE, "SES_SealInfo");
    if (!info) return;
    parseSealInfo(p, info->content, format, seal);
    if (format == SesFormat::kGbt38540V4) {
        seal.makerSignedBytes = std::string(info->whole);
        if (auto cert = p.item(s, V_ASN1_OCTET_STRING, "SESeal.cert")) seal.makerCert = cert->content;
        seal.makerAlgorithm = p.oid(s, "SESeal.signAlgID");
        seal.makerSignature = p.bits(s, "SESeal.signedValue");
        return;
    }
    // GM/T 0031: SES_SignInfo{cert, signatureAlgorithm, signData}; the maker signed
    // SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}.
    auto signInfo = p.item(s, V_ASN1_SEQUENCE, "SES_SignInfo");
    if (!signInfo) return;
    DerReader si(signInfo->content);
    auto cert = p.item(si, V_ASN1_OCTET_STRING, "SES_SignInfo.cert");
    auto algItem = p.item(si, V_ASN1_OBJECT, "SES_SignInfo.signatureAlgorithm");
    seal.makerSignature = p.bits(si, "SES_SignInfo.signData");
    if (!p.ok()) return;
    seal.makerCert = cert->content;
    seal.makerAlgorithm = derObjectId(*algItem).value_or("");
    seal.makerSignedBytes = derSequenceOf(std::string(info->whole) + std::string(cert->whole) + std::string(algItem->whole));
}

// v1's timeInfo is a BIT STRING holding the time as text ("20200422105937Z"); some writers put a
// GeneralizedTime there instead.
std::int64_t v1Time(Parse& p, DerReader& r) {
    if (!p.ok()) return 0;
    auto it = r.next();
    if (!it) {
        p.fail("TBS_Sign.timeInfo is missing");
        return 0;
    }
    if (auto t = derTime(*it)) return *t;
    if (auto b = derBitStringBytes(*it)) {
        ASN1_GENERALIZEDTIME* g = ASN1_GENERALIZEDTIME_new();
        std::string text(*b);
        std::int64_t out = 0;
        std::tm tm{};
        if (g && ASN1_GENERALIZEDTIME_set_string(g, text.c_str()) == 1 && ASN1_TIME_to_tm(g, &tm) == 1) out = timegm(&tm);
        ASN1_GENERALIZEDTIME_free(g);
        if (out) return out;
    }
    p.fail("TBS_Sign.timeInfo is no time");
    return 0;
}

}  // namespace

SignedValueKind classifySignedValue(std::string_view der) {
    DerReader outer(der);
    auto top = outer.next();
    if (!top || top->contextSpecific || top->tag != V_ASN1_SEQUENCE || !outer.atEnd()) return SignedValueKind::kUnknown;
    DerReader inner(top->content);
    auto first = inner.next();
    if (!first || first->contextSpecific) return SignedValueKind::kUnknown;
    if (first->tag == V_ASN1_OBJECT) return SignedValueKind::kPkcs7;  // ContentInfo{contentType, [0] content}
    if (first->tag == V_ASN1_SEQUENCE) return SignedValueKind::kSes;  // SES_Signature{TBS_Sign, …}
    return SignedValueKind::kUnknown;
}

std::optional<SesSignature> parseSesSignature(std::string_view der, std::string* error) {
    Parse p(error);
    SesSignature sig;
    DerReader outer(der);
    auto top = p.item(outer, V_ASN1_SEQUENCE, "SES_Signature");
    if (!top) return std::nullopt;
    if (!outer.atEnd()) {
        p.fail("bytes follow the SES_Signature");
        return std::nullopt;
    }
    DerReader s(top->content);
    auto tbs = p.item(s, V_ASN1_SEQUENCE, "TBS_Sign");
    if (!tbs) return std::nullopt;
    sig.toSign = tbs->whole;
    // v4 puts the signer's certificate and the algorithm beside TBS_Sign; v1 inside it.
    {
        DerReader peek = s;
        auto second = peek.next();
        sig.format = second && !second->contextSpecific && second->tag == V_ASN1_OCTET_STRING ? SesFormat::kGbt38540V4
                                                                                                : SesFormat::kGmt0031V1;
    }
    DerReader t(tbs->content);
    sig.version = p.integer(t, "TBS_Sign.version");
    if (p.ok() && sig.format == SesFormat::kGbt38540V4 && sig.version != 4)
        p.fail("TBS_Sign.version is " + std::to_string(sig.version) + " in a GB/T 38540 structure (4 expected)");
    if (auto seal = p.item(t, V_ASN1_SEQUENCE, "SESeal")) parseSeal(p, *seal, sig.format, sig.seal);
    if (sig.format == SesFormat::kGbt38540V4) {
        sig.signedAt = p.time(t, "TBS_Sign.timeInfo");
        sig.dataHash = p.bits(t, "TBS_Sign.dataHash");
        sig.propertyInfo = p.text(t, V_ASN1_IA5STRING, "TBS_Sign.propertyInfo");
        if (p.ok()) (void)t.optionalContext(0);  // extDatas
        if (p.ok() && !t.atEnd()) p.fail("TBS_Sign has items after extDatas");
        if (auto cert = p.item(s, V_ASN1_OCTET_STRING, "SES_Signature.cert")) sig.signerCert = cert->content;
        sig.algorithm = p.oid(s, "SES_Signature.signatureAlgID");
        sig.signature = p.bits(s, "SES_Signature.signature");
        if (p.ok() && s.optionalContext(0)) sig.hasTimestamp = true;
    } else {
        sig.signedAt = v1Time(p, t);
        sig.dataHash = p.bits(t, "TBS_Sign.dataHash");
        sig.propertyInfo = p.text(t, V_ASN1_IA5STRING, "TBS_Sign.propertyInfo");
        if (auto cert = p.item(t, V_ASN1_OCTET_STRING, "TBS_Sign.cert")) sig.signerCert = cert->content;
        sig.algorithm = p.oid(t, "TBS_Sign.signatureAlgorithm");
        sig.signature = p.bits(s, "SES_Signature.signature");
    }
    if (p.ok() && !s.atEnd()) p.fail("SES_Signature has items after its signature");
    if (!p.ok()) return std::nullopt;
    return sig;
}

}  // namespace lgw::ofd
