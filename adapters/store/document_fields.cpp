#include "adapters/store/document_fields.hpp"

#include <boost/json.hpp>

namespace lgw::store {

std::string encodeLicenceFields(const std::map<std::string, std::string>& data) {
    boost::json::object fields;
    for (auto& [name, text] : data) fields[name] = text;
    return boost::json::serialize(fields);
}

}  // namespace lgw::store
