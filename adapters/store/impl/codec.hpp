#pragma once
// Column encodings both stores share, so that a row means the same in SQLite and PostgreSQL.
#include <sstream>
#include <string>
#include <vector>

#include "adapters/store/store.hpp"

namespace lgw::store::impl {

inline std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (auto& s : items) out += (out.empty() ? "" : ",") + s;
    return out;
}

inline std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

inline ConsentStatus consentStatusFrom(const std::string& s) {
    if (s == "verified") return ConsentStatus::kVerified;
    if (s == "locked") return ConsentStatus::kLocked;
    return ConsentStatus::kPending;
}

}  // namespace lgw::store::impl
