#pragma once
// Text as HTML or XML character data and attribute values: &, <, >, " and ' escaped. The
// counter's checklist pages and the OFD files the simulator writes use the same escape.
#include <string>
#include <string_view>

namespace lgw::text {

std::string escapeMarkup(std::string_view s);

}  // namespace lgw::text
