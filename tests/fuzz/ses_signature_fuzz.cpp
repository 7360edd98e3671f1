// The SES_Signature parser walks DER from SignedValue.dat: any bytes parse or fail with a reason,
// and what parses points inside the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ofd/ses.hpp"

namespace {
bool inside(std::string_view part, std::string_view all) {
    return part.empty() || (part.data() >= all.data() && part.data() + part.size() <= all.data() + all.size());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    (void)lgw::ofd::classifySignedValue(in);
    std::string error;
    auto ses = lgw::ofd::parseSesSignature(in, &error);
    if (!ses) {
        if (error.empty()) std::abort();
        return 0;
    }
    if (!inside(ses->toSign, in) || !inside(ses->signature, in) || !inside(ses->seal.whole, in) ||
        !inside(ses->signerCert, in) || !inside(ses->dataHash, in))
        std::abort();
    return 0;
}
