#include "security/licence_verifier.hpp"

#include "security/crypto.hpp"
#include "security/identity_codes.hpp"
#include "text/rfc3339.hpp"

namespace lgw::security {

std::string canonicalString(const ELicence& l) {
    return l.identifier + "|" + l.type + "|" + l.number + "|" + l.holderCode + "|" + l.validFrom + "|" +
           l.validTo.value_or("") + "|" + sha256Hex(l.fileBytes) + "|" + l.annotationExpiresAt;
}

namespace {
std::string withoutDots(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '.') out.push_back(c);
    return out;
}
}  // namespace

bool identifierCheckOk(const std::string& identifier) {
    if (identifier.size() < 3) return false;
    char last = identifier.back();
    std::string_view rest(identifier.data(), identifier.size() - 1);
    if (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
    constexpr std::string_view kOidPrefix = "1.2.156.3005.2.";
    if (rest.substr(0, kOidPrefix.size()) == kOidPrefix) {
        auto c = mod37_36CheckChar(withoutDots(rest.substr(kOidPrefix.size())));
        if (c && *c == last) return true;
    }
    auto c = mod37_36CheckChar(withoutDots(rest));
    return c && *c == last;
}

LicenceVerdict verifyLicence(const ELicence& l, const PlatformKeys& keys, const LicenceExpectations& expect) {
    LicenceVerdict v;
    std::string which = "licence " + (l.number.empty() ? l.identifier : l.number);
    auto alg = signatureAlgFromName(l.signatureAlg);
    if (!alg) {
        v.code = "licence_signature_invalid";
        v.reason = which + ": unsupported signature algorithm \"" + l.signatureAlg + "\"";
        return v;
    }
    auto key = keys.find(l.signatureKeyId);
    if (key == keys.end()) {
        v.code = "licence_signature_invalid";
        v.reason = which + ": signed with unknown key_id \"" + l.signatureKeyId + "\"";
        return v;
    }
    if (l.signatureCovers != "jcs") {
        v.code = "licence_signature_invalid";
        v.reason = which + ": signed over some fields only (the first version of the contract); the whole licence "
                           "must be signed (signature.covers = \"jcs\")";
        return v;
    }
    if (!key->second.verify(*alg, l.signedText, l.signatureValue)) {
        v.code = "licence_signature_invalid";
        v.reason = which + ": the " + l.signatureAlg + " signature does not verify under key " + l.signatureKeyId;
        return v;
    }
    v.code = "licence_rejected";
    if (!identifierCheckOk(l.identifier)) {
        v.reason = which + ": the identifier's MOD 37,36 check character is wrong";
        return v;
    }
    if (l.holderCode != expect.holderCode) {
        v.reason = which + ": issued to another holder than the consent's subject";
        return v;
    }
    if (l.annotationPurpose != expect.purpose) {
        v.reason = which + ": annotated for purpose \"" + l.annotationPurpose + "\", consented \"" + expect.purpose + "\"";
        return v;
    }
    if (!expect.requester.empty() && l.annotationRequester != expect.requester) {
        v.reason = which + ": annotated for requester \"" + l.annotationRequester + "\", not this utility (" +
                   expect.requester + ")";
        return v;
    }
    if (expect.copyExpiresAtMs || expect.nowMs) {
        auto expires = text::parseRfc3339Ms(l.annotationExpiresAt);
        if (!expires) {
            v.reason = which + ": annotation.expires_at \"" + l.annotationExpiresAt + "\" is not an RFC 3339 time";
            return v;
        }
        if (expect.copyExpiresAtMs && *expires > expect.copyExpiresAtMs) {
            v.reason = which + ": annotation.expires_at " + l.annotationExpiresAt + " is later than the copy_expires_at asked for";
            return v;
        }
        if (expect.nowMs && *expires <= expect.nowMs) {
            v.reason = which + ": the copy's annotation expired at " + l.annotationExpiresAt;
            return v;
        }
    }
    v.ok = true;
    v.code.clear();
    return v;
}

}  // namespace lgw::security
