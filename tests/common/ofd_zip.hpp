#pragma once
// Test-side OFD packages: the entries of a file as a map, edited and written back as a ZIP
// (ofd::zipPackage, stored or deflated), so that tests can make negative cases from real sealed
// files.
#include <map>
#include <stdexcept>
#include <string>

#include "ofd/package.hpp"
#include "ofd/seal_maker.hpp"

namespace lgw::testing {

using OfdEntries = ofd::OfdFiles;

inline OfdEntries ofdEntries(const std::string& zipBytes) {
    std::string error;
    auto pkg = ofd::OfdPackage::read(zipBytes, &error);
    if (!pkg) throw std::runtime_error("test package does not read: " + error);
    return OfdEntries(pkg->files().begin(), pkg->files().end());
}

/// A ZIP of `entries` (names exactly as given, so hostile names can be written).
inline std::string zipOf(const OfdEntries& entries, bool deflate = true) { return ofd::zipPackage(entries, deflate); }

}  // namespace lgw::testing
