#pragma once
// An OFD e-licence file (the platform's 加注件) judged before anything of it is stored: every seal
// verified (ofd/verify) under the platform's trust anchors at the time of the fetch, no file
// uncovered, and its text stating what the JSON record says — the holder, the holder code and the
// number on the page — and its annotation what the gateway asked for: the purpose, the requester
// and the expiry.
#include <cstdint>
#include <optional>
#include <string>

#include "ofd/verify.hpp"
#include "security/licence_verifier.hpp"

namespace lgw::ofd {

struct LicenceFileTrust {
    TrustAnchors anchors;                           ///< govdata.ofd_trust_anchors
    std::optional<TrustAnchors> sealMakerAnchors;   ///< govdata.ofd_seal_maker_anchors
};

struct LicenceFileCheck {
    bool ok = false;
    std::string reason;  ///< names the licence, the signature and what failed
    OfdReport report;    ///< kept with the document
};

/// One line for the trail: "1 seal verified: signer …, seal …, signed …, N references" (with
/// the warnings' count when there are any).
std::string sealSummary(const OfdReport& report);
/// The report as `ofd verify --json` prints it, serialised (what is kept with the document).
std::string sealReportJson(const OfdReport& report);

LicenceFileCheck checkOfdLicence(const security::ELicence& licence, const LicenceFileTrust& trust, std::int64_t nowS);

}  // namespace lgw::ofd
