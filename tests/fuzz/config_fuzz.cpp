// A configuration file is written by people: any text must give a config or a list of errors.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto r = lgw::config::parseConfig(text, "fuzz.toml");
    if (r.config.has_value() == !r.errors.empty()) std::abort();
    return 0;
}
