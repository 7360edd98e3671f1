#pragma once
// The OFD XML reading ofd/verify and ofd/text share: elements by local name (OFD writes ofd:X, a
// document may choose another prefix), and a package entry parsed with pugixml, which reads no
// DTD, so no entity can expand or reach outside the package.
#include <pugixml.hpp>

#include <string>
#include <string_view>

#include "ofd/package.hpp"

namespace lgw::ofd::impl {

inline std::string_view localName(const char* name) {
    std::string_view n(name);
    const std::size_t colon = n.find(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

/// Parses the package's entry `path` into `doc`; "" when it holds, else why not.
inline std::string loadXml(const OfdPackage& pkg, const std::string& path, pugi::xml_document& doc) {
    const std::string* bytes = pkg.file(path);
    if (!bytes) return "/" + path + " is not in the package";
    const pugi::xml_parse_result r = doc.load_buffer(bytes->data(), bytes->size(), pugi::parse_default, pugi::encoding_utf8);
    if (!r) return "/" + path + " is no well-formed XML (" + r.description() + " at byte " + std::to_string(r.offset) + ")";
    return "";
}

}  // namespace lgw::ofd::impl
