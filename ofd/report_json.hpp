#pragma once
// The JSON of an OFD verification report, as `licence-gateway ofd verify --json` prints it
// (../shared/API.md §7) and as the gateway keeps it beside an e-licence document.
#include "ofd/verify.hpp"

#include <boost/json/object.hpp>

namespace lgw::ofd {

boost::json::object reportJson(const OfdReport& report);

}  // namespace lgw::ofd
