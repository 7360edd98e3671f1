#pragma once
// The text an OFD document shows, read the way a viewer finds it: OFD.xml's DocRoot, the pages its
// Document.xml lists (every TextCode of each page's content), and the annotations its
// Annotations.xml lists (the 加注 of a platform copy: purpose, requester, expiry). The gateway
// checks that a sealed licence states what its JSON record says, and that its annotation says
// what the gateway asked for. Locations outside the package and missing files are skipped (the
// signature check has already judged the package).
#include <string>

#include "ofd/package.hpp"

namespace lgw::ofd {

struct DocumentText {
    std::string pages;        ///< every page's text, one TextCode per line
    std::string annotations;  ///< every annotation's text, one TextCode per line
};

DocumentText documentText(const OfdPackage& package);

}  // namespace lgw::ofd
