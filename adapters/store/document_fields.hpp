#pragma once
// The fields read from a document, as its row keeps them (DocumentMeta::fieldsJson,
// LicenceRecord::fieldsJson): a JSON object. An e-licence's are its data items, name to text.
#include <map>
#include <string>

namespace lgw::store {

/// The stored form of an e-licence's data items: {"name": "text", ...}, names in order.
std::string encodeLicenceFields(const std::map<std::string, std::string>& data);

}  // namespace lgw::store
