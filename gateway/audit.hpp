#pragma once
// Records audit events through the store's hash-chained, gap-free log. An event's hash is the
// SHA-256 of its canonical JSON, which includes the previous event's hash. Events never hold
// document content, codes or full phone numbers.
#include <boost/asio/awaitable.hpp>

#include "adapters/store/store.hpp"
#include "gateway/blocking.hpp"
#include "gateway/metrics.hpp"

namespace lgw::gateway {

/// The canonical form that is hashed: a JSON object with a fixed member order.
std::string canonicalAuditEvent(const store::AuditEvent& e);
/// SHA-256 hex of the canonical form.
std::string auditHash(const store::AuditEvent& e);

class Auditor {
public:
    Auditor(store::Store& store, BlockingPool& blocking, Metrics& metrics) : store_(store), blocking_(blocking), metrics_(metrics) {}
    /// Appends on the blocking pool. An alert also goes to the warning log and lgw_alerts_total.
    boost::asio::awaitable<store::AuditEvent> record(store::AuditEvent event);

private:
    store::Store& store_;
    BlockingPool& blocking_;
    Metrics& metrics_;
};

}  // namespace lgw::gateway
