#pragma once
// Verification of every signature of an OFD document (GB/T 33190 §18): for each entry of the
// document's Signatures.xml, the SM3 (or SHA-256) check value of every file its Signature.xml
// references, the SES_Signature in its SignedValue.dat (GB/T 38540 v4, GM/T 0031 v1): the signed
// value over TBS_Sign as stored, TBS_Sign.dataHash = SM3 of Signature.xml's bytes, the seal maker's
// signature, Seal.esl against the seal inside TBS_Sign, the seal's validity at the signing time,
// the signer's certificate in the seal's certificate list and valid at the signing time, and the
// chains of the signer's and the seal maker's certificates to trust anchors at a given time. Files
// of the package that no signature covers are reported. GB/T 35275 (PKCS#7-style) signatures are
// reported as unsupported, never as valid. Pure: no I/O, no clock (the time is a parameter).
#include "ofd/package.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using X509 = struct x509_st;

namespace lgw::ofd {

/// X.509 certificates a verifier trusts (a PEM bundle: roots, or the very certificates trusted).
class TrustAnchors {
public:
    TrustAnchors();
    /// Every certificate of a PEM bundle; nullopt with `error` set when there is none or one does
    /// not parse.
    static std::optional<TrustAnchors> fromPem(std::string_view pem, std::string* error = nullptr);
    void add(const TrustAnchors& more);
    std::size_t size() const;

    struct Certs;
    const Certs& certs() const { return *certs_; }

private:
    std::shared_ptr<Certs> certs_;
};

struct VerifyOptions {
    TrustAnchors anchors;  ///< the signers' chains end here (and the seal makers', unless below)
    /// When set, a seal maker's certificate must chain to one of these; when not, its chain is
    /// checked against `anchors` and a failure is a warning (seal makers are often another CA).
    std::optional<TrustAnchors> sealMakerAnchors;
    std::int64_t atS = 0;  ///< Unix seconds at which the chains are checked
};

struct SignatureReport {
    std::string id;      ///< the Signature's ID in Signatures.xml
    std::string type;    ///< "Seal" or "Sign"
    std::string format;  ///< "GB/T 38540 v4", "GM/T 0031 v1", "GB/T 35275", "unknown"
    std::string location;  ///< the Signature.xml's path
    std::string signer;    ///< the signer certificate's subject CN
    std::string sealName, sealId, sealMaker;
    std::optional<std::int64_t> signedAt;  ///< TBS_Sign.timeInfo
    std::string signature = "not_checked";      ///< valid | invalid | unsupported | not_checked
    std::string sealSignature = "not_checked";  ///< valid | invalid | not_checked
    std::string chain = "not_checked";          ///< trusted | untrusted | not_checked
    std::string sealChain = "not_checked";      ///< trusted | untrusted | not_checked
    std::size_t referencesChecked = 0;
    std::vector<std::string> referencesFailed;  ///< paths, with a leading '/'
    std::vector<std::string> problems;          ///< each says what does not hold
    std::vector<std::string> warnings;          ///< what was not checked or is odd, without failing
    bool ok() const { return problems.empty(); }
};

struct OfdReport {
    bool readable = false;  ///< false: no OFD, or it cannot be read (readError says why)
    std::string readError;
    std::int64_t checkedAtS = 0;
    std::vector<SignatureReport> signatures;
    std::vector<std::string> uncoveredFiles;  ///< with a leading '/'
    std::vector<std::string> problems;        ///< of the document as a whole
    bool ok() const;
};

OfdReport verifyOfd(const OfdPackage& package, const VerifyOptions& options);
/// Reads the package (ofd/package's limits) and verifies it.
OfdReport verifyOfdFile(std::string_view bytes, const VerifyOptions& options);

/// Sets the GM/T 0009 default user id on a certificate signed with SM2, without which OpenSSL 3.0
/// cannot check its signature; other certificates are left as they are.
void useDefaultSm2Id(X509* cert);

/// "2021-05-19T12:53:44Z".
std::string utcText(std::int64_t unixSeconds);

}  // namespace lgw::ofd
