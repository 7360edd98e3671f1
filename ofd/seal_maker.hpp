#pragma once
// Making sealed OFD files, for the government-platform simulator and the tests: a GB/T 38540 v4
// electronic seal (SESeal, signed by the seal maker) and a signature with it over an OFD package
// (Signatures.xml, Signature.xml with an SM3 Reference for every file, Seal.esl, SignedValue.dat
// holding the SES_Signature signed by the signer), the way ofdrw writes them. DER is written
// canonically, so that a verifier that re-encodes (ofdrw's BouncyCastle does) sees the same bytes.
// The production path verifies; only the simulator and the tests seal.
#include <cstdint>
#include <map>
#include <string>

#include "security/signature.hpp"

namespace lgw::ofd {

struct SealIdentity {
    security::PrivateKey key;  ///< SM2
    std::string certDer;       ///< its certificate
};

enum class SealFormat { kGbt38540V4, kGmt0031V1 };

struct SealSpec {
    SealIdentity maker;   ///< the seal maker (制章者)
    SealIdentity signer;  ///< who signs with the seal; its certificate is the seal's certList
    std::string sealId = "LGW-SIM-SEAL-0001";
    std::string sealName;  ///< e.g. 模拟政务数据平台电子证照专用章
    std::int64_t sealValidFrom = 0, sealValidTo = 0;  ///< Unix seconds
    std::int64_t signedAt = 0;                        ///< TBS_Sign.timeInfo
    /// GB/T 38540 v4 (what platforms issue now); GM/T 0031 v1 for the older files a verifier meets.
    SealFormat format = SealFormat::kGbt38540V4;
};

/// Entries of an OFD package (names without a leading '/').
using OfdFiles = std::map<std::string, std::string>;

/// The SESeal's DER for `spec`: an organisation's seal listing the signer's certificate, valid
/// sealValidFrom..sealValidTo, its picture a 1×1 PNG, signed by the maker.
std::string makeSeal(const SealSpec& spec);

/// Seals `files` once: adds Doc_0/Signs/… and names Signatures.xml in OFD.xml's DocBody (which
/// must exist and not name one yet). Every file present is referenced, Signatures.xml included.
/// Throws std::runtime_error when OFD.xml is missing or the keys do not sign.
void sealPackage(OfdFiles& files, const SealSpec& spec);

/// The ZIP of `files`, entries named exactly as given, deflated as the platform serves them (or
/// stored, for tests that edit the raw bytes).
std::string zipPackage(const OfdFiles& files, bool deflate = true);

}  // namespace lgw::ofd
