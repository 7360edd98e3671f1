#pragma once
// The electronic seal data of an OFD signature's SignedValue.dat, parsed without re-encoding:
//  - GB/T 38540-2020 SES_Signature (version 4): TBS_Sign{version, SESeal, timeInfo, dataHash,
//    propertyInfo, extDatas}, the signer's certificate, the algorithm, the signature, [0] time-stamp;
//  - GM/T 0031-2014 SES_Signature (version 1): TBS_Sign{version, SESeal, timeInfo, dataHash,
//    propertyInfo, cert, algorithm}, the signature; its SESeal signs SEQUENCE{SES_SealInfo, maker
//    certificate, algorithm}.
// Every span points into the caller's bytes, which must outlive the result. No cryptography here:
// ofd/verify checks what these bytes claim.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lgw::ofd {

enum class SesFormat { kGbt38540V4, kGmt0031V1 };

struct SesSeal {
    std::string_view whole;        ///< DER of SESeal as in the file (Seal.esl must equal it)
    std::string makerSignedBytes;  ///< what the seal maker signed (v4: SES_SealInfo's DER)
    std::string id;                ///< esID
    std::string vendorId;          ///< header Vid
    std::int64_t headerVersion = 0;
    std::int64_t type = 0;         ///< 1 an organisation's seal, 2 a person's
    std::string name;              ///< the seal's name (UTF-8)
    std::int64_t certListType = 1; ///< 1 certificates, 2 certificate digests (v4)
    std::vector<std::string_view> certs;                                  ///< the signers' certificates (DER)
    std::vector<std::pair<std::string, std::string_view>> certDigests;  ///< (digest type, value)
    std::int64_t createdAt = 0, validFrom = 0, validTo = 0;               ///< Unix seconds
    std::string pictureType;
    std::string_view makerCert;     ///< DER
    std::string makerAlgorithm;     ///< dotted OID
    std::string_view makerSignature;
};

struct SesSignature {
    SesFormat format = SesFormat::kGbt38540V4;
    std::int64_t version = 0;
    std::string_view toSign;  ///< DER of TBS_Sign as in the file: what the signer signed
    SesSeal seal;
    std::int64_t signedAt = 0;  ///< timeInfo, Unix seconds
    std::string_view dataHash;  ///< SM3 of Signature.xml
    std::string propertyInfo;   ///< the Signature.xml it was made for
    std::string_view signerCert;
    std::string algorithm;  ///< dotted OID
    std::string_view signature;
    bool hasTimestamp = false;
};

/// What a SignedValue.dat holds, judged by its structure.
enum class SignedValueKind { kSes, kPkcs7, kUnknown };
SignedValueKind classifySignedValue(std::string_view der);

/// Parses an SES_Signature (v4 or v1); nullopt with `error` naming the part that does not parse.
std::optional<SesSignature> parseSesSignature(std::string_view der, std::string* error);

}  // namespace lgw::ofd
