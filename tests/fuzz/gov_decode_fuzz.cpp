// Government platform answers are untrusted bytes: decoding ends in licences or an error, never a crash.
#include <cstdint>
#include <string>

#include "adapters/govdata/gov_data_platform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    (void)lgw::adapters::govdata::decodeLicences(body);
    (void)lgw::adapters::govdata::decodeContact(body);
    return 0;
}
