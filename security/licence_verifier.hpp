#pragma once
// An e-licence as the government platform delivers it, and the checks every licence must pass
// before anything of it is stored: its signature under a configured platform key, the identifier's
// ISO 7064 MOD 37,36 check character, the holder the grant was issued for, and the purpose the
// customer consented to.
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
};

/// identifier|type|number|holder_code|valid_from|valid_to|hex(SHA-256(file))|annotation.expires_at
std::string canonicalString(const ELicence& l);

/// True when the identifier's last character is the MOD 37,36 check of the rest. The check covers
/// the characters after the OID prefix "1.2.156.3005.2." with dots removed (as the example of
/// UPSTREAMS.md does); the reading "all other characters" is accepted too.
bool identifierCheckOk(const std::string& identifier);

struct LicenceExpectations {
    std::string holderCode;  ///< the grant's subject
    std::string purpose;     ///< the platform purpose the customer consented to (e.g. 业扩报装)
};

struct LicenceVerdict {
    bool ok = false;
    std::string code;    ///< licence_signature_invalid | licence_rejected
    std::string reason;  ///< what failed, naming the licence number
};

using PlatformKeys = std::map<std::string, PublicKey>;  ///< key_id -> key

LicenceVerdict verifyLicence(const ELicence& l, const PlatformKeys& keys, const LicenceExpectations& expect);

}  // namespace lgw::security
