#pragma once
// What both stores do when a group of audited writes (AuditLog::appendAuditGroup) cannot be begun
// or committed: the entries lose their results and get the error, each its own exception object
// (each is rethrown in its own caller's thread).
#include <string>
#include <vector>

#include "adapters/store/store.hpp"
#include "adapters/transient_error.hpp"

namespace lgw::store::impl {

/// `onlyStored`: only the entries that had a result (a failed commit: the others' own outcome,
/// a declined action or its own exception, stands).
inline void failAuditGroup(const std::vector<AuditAppend*>& group, const std::string& why, bool onlyStored) {
    for (auto* a : group) {
        if (onlyStored && !a->result) continue;
        a->result.reset();
        a->error = std::make_exception_ptr(adapters::AuditUnavailable(why));
    }
}

}  // namespace lgw::store::impl
