// An audit export is a file an auditor receives: any bytes give a verdict, never a crash.
#include <cstdint>
#include <string>

#include "security/audit_chain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    (void)lgw::security::verifyExport(text, std::nullopt);
    return 0;
}
