#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS): the bytes the platform signs a licence over
// (UPSTREAMS.md). Members sorted by their names' UTF-16 code units, no whitespace, strings with
// only the escapes JSON requires, numbers as ECMAScript's Number.prototype.toString writes them.
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace lgw::adapters::govdata {

/// The canonical text of `v`; nullopt for a number JCS cannot represent (NaN, infinity, or an
/// integer beyond 2^53 that an IEEE double would round).
std::optional<std::string> canonicalJson(const boost::json::value& v);

}  // namespace lgw::adapters::govdata
