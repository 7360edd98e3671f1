#include "security/audit_detail.hpp"

#include <boost/json.hpp>

namespace lgw::security {

std::string AuditDetail::json() const {
    boost::json::object o;
    for (auto& item : items_) {
        const auto& key = item.first;  // not the structured binding: clang 14 cannot capture one
        std::visit([&o, &key](const auto& x) { o[key] = x; }, item.second.v);
    }
    return boost::json::serialize(o);
}

}  // namespace lgw::security
