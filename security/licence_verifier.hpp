#pragma once
// An e-licence as the government platform delivers it, and the checks every licence must pass
// before anything of it is stored: its signature under a configured platform key, the identifier's
// ISO 7064 MOD 37,36 check character, the holder the grant was issued for, and the purpose the
// customer consented to.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "security/signature.hpp"

namespace lgw::security {

struct ELicence {
    std::string identifier;
    std::string type;            ///< business_licence, id_card, property_certificate, electrical_permit
    std::string typeCode;
    std::string name;            ///< 营业执照 ...
    std::string number;
    std::string holder;
    std::string holderCode;
    std::string holderCodeType;  ///< USCC | ID
    std::string issuer;
    std::string issuerCode;
    std::string issuedOn;
    std::string validFrom;
    std::optional<std::string> validTo;  ///< nullopt = 长期 (no end)
    std::map<std::string, std::string> data;
    std::string fileContentType;
    std::string fileBytes;       ///< decoded
    std::string annotationPurpose;
    std::string annotationRequester;
    std::string annotationCreatedAt;
    std::string annotationExpiresAt;
    std::string signatureAlg;    ///< SM2-SM3 | ECDSA-P256-SHA256
    std::string signatureKeyId;
    std::string signatureValue;  ///< decoded DER
    std::string signatureCovers; ///< "jcs": the whole licence; "": the first version's field string
    std::string signedText;      ///< the RFC 8785 canonical JSON of the licence without its signature
};

/// identifier|type|number|holder_code|valid_from|valid_to|hex(SHA-256(file))|annotation.expires_at:
/// what the first version of the contract signed. It leaves holder, issuer, data and the
/// annotation's purpose unsigned, so the verifier refuses a licence signed this way (in demo mode
/// too: the simulator signs whole licences); the simulator's legacy_signature fault still makes one.
std::string canonicalString(const ELicence& l);

/// True when the identifier's last character is the MOD 37,36 check of the rest. The check covers
/// the characters after the OID prefix "1.2.156.3005.2." with dots removed (as the example of
/// UPSTREAMS.md does); the reading "all other characters" is accepted too.
bool identifierCheckOk(const std::string& identifier);

struct LicenceExpectations {
    std::string holderCode;  ///< the grant's subject
    std::string purpose;     ///< the platform purpose the customer consented to (e.g. 业扩报装)
    std::string requester;   ///< the utility's org code the request named; "" = not checked
    std::int64_t copyExpiresAtMs = 0;  ///< the copy_expires_at asked for; 0 = not checked
    std::int64_t nowMs = 0;            ///< the annotation must not have expired by then; 0 = not checked
};

struct LicenceVerdict {
    bool ok = false;
    std::string code;    ///< licence_signature_invalid | licence_rejected
    std::string reason;  ///< what failed, naming the licence number
};

using PlatformKeys = std::map<std::string, PublicKey>;  ///< key_id -> key

LicenceVerdict verifyLicence(const ELicence& l, const PlatformKeys& keys, const LicenceExpectations& expect);

}  // namespace lgw::security
