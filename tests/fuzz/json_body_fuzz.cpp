// Request bodies are untrusted: parsing must end in a value or a 400 problem with a position.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gateway/http/json_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    auto r = lgw::gateway::parseJsonBody(body);
    if (auto* p = std::get_if<lgw::gateway::Problem>(&r)) {
        if (p->status != 400 || p->code != "malformed_json") std::abort();
    }
    return 0;
}
