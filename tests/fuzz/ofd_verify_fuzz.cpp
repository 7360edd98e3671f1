// An OFD file arrives from the government platform (and, by `ofd verify`, from anyone): any bytes
// must give a report, readable or not, never a crash, a hang or an exception; a report that says
// ok has a signature, and every signature in it holds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ofd/verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lgw::ofd::VerifyOptions options;
    options.atS = 1622505600;  // 2021-06-01
    const auto report = lgw::ofd::verifyOfdFile(std::string_view(reinterpret_cast<const char*>(data), size), options);
    // Without a trust anchor no chain is trusted, so nothing may come out ok.
    if (report.ok()) std::abort();
    if (!report.readable && !report.signatures.empty()) std::abort();
    return 0;
}
