#pragma once
// The simulator's e-licence file as an OFD 加注件: one page with the licence's text (title, holder,
// holder code, number, the data fields, validity, issuer) and an annotation with the purpose,
// requester and copy expiry the request named, sealed by "the platform" (ofd/seal_maker under the
// simulator's ofd/test_pki). Fault knobs break it after sealing, as a forger or a broken platform
// would.
#include <map>
#include <string>

#include "ofd/seal_maker.hpp"
#include "security/licence_verifier.hpp"

namespace lgw::adapters::govdata {

struct OfdFaults {
    bool tamperedPage = false;  ///< the page's holder name changed after sealing
    bool brokenSeal = false;    ///< a bit of the signed value flipped
    bool uncoveredFile = false; ///< a page added after sealing
};

/// The OFD file (ZIP bytes) for `l` with its annotation fields set. `labels` names data fields.
std::string ofdLicenceFile(const security::ELicence& l, const std::map<std::string, std::string>& labels,
                           const ofd::SealSpec& seal, const OfdFaults& faults);

}  // namespace lgw::adapters::govdata
