#include "gateway/audit.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>

#include "gateway/logging.hpp"
#include "security/crypto.hpp"

namespace lgw::gateway {

std::string canonicalAuditEvent(const store::AuditEvent& e) {
    boost::json::object o;
    o["seq"] = e.seq;
    o["at"] = e.at;
    o["actor"] = e.actor;
    o["role"] = e.role;
    o["action"] = e.action;
    o["target"] = e.target;
    o["application_id"] = e.applicationId;
    o["subject"] = e.subject;
    o["outcome"] = e.outcome;
    o["request_id"] = e.requestId;
    o["detail"] = e.detailJson;
    o["alert"] = e.alert;
    o["prev_hash"] = e.prevHash;
    return boost::json::serialize(o);
}

std::string auditHash(const store::AuditEvent& e) { return security::sha256Hex(canonicalAuditEvent(e)); }

boost::asio::awaitable<store::AuditEvent> Auditor::record(store::AuditEvent event) {
    if (event.at == 0)
        event.at = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
    std::function<store::AuditEvent()> job = [this, event] { return store_.appendAudit(event, &auditHash); };
    auto stored = co_await blocking_.call(std::move(job));
    if (stored.alert) {
        metrics_.count("lgw_alerts_total", "action=\"" + promEscape(stored.action) + "\"");
        logger("audit")->warn("ALERT seq={} action={} actor={} target={} outcome={} request_id={}", stored.seq,
                              stored.action, stored.actor, stored.target, stored.outcome, stored.requestId);
    }
    co_return stored;
}

}  // namespace lgw::gateway
