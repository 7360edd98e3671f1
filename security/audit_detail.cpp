#include "security/audit_detail.hpp"

#include <boost/json.hpp>

namespace lgw::security {

std::string AuditDetail::json() const {
    boost::json::object o;
    for (auto& [k, value] : items_)
        std::visit([&o, &k](const auto& x) { o[k] = x; }, value.v);
    return boost::json::serialize(o);
}

}  // namespace lgw::security
