#include "gateway/services/audit.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>

#include "gateway/services/audit_chain.hpp"
#include "gateway/http/logging.hpp"
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
std::string auditHashSm3(const store::AuditEvent& e) { return "sm3:" + security::sm3Hex(canonicalAuditEvent(e)); }
store::AuditHasher auditHasher(bool national) { return national ? &auditHashSm3 : &auditHash; }
bool auditHashMatches(const store::AuditEvent& e) {
    return (e.hash.rfind("sm3:", 0) == 0 ? auditHashSm3(e) : auditHash(e)) == e.hash;
}

Auditor::Auditor(store::Store& store, BlockingPool& blocking, Metrics& metrics,
                 std::optional<security::PrivateKey> signingKey, int checkpointEvery, store::AuditHasher hasher)
    : store_(store), blocking_(blocking), metrics_(metrics), key_(std::move(signingKey)), every_(checkpointEvery),
      hasher_(std::move(hasher)) {
    auto cps = store_.checkpoints();
    if (!cps.empty()) lastCheckpoint_ = cps.back().seq;
}

std::optional<security::PublicKey> Auditor::publicKey() const {
    if (!key_) return std::nullopt;
    return key_->publicKey();
}

std::optional<store::AuditCheckpoint> Auditor::checkpointNow() {
    if (!key_) return std::nullopt;
    auto head = store_.auditHead();
    if (!head) return std::nullopt;
    store::AuditCheckpoint cp;
    cp.seq = head->seq;
    cp.headHash = head->hash;
    cp.at = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
    cp.signature = security::base64Encode(key_->sign(key_->alg(), checkpointMessage(cp)));
    store_.insertCheckpoint(cp);
    lastCheckpoint_ = cp.seq;
    return cp;
}

boost::asio::awaitable<store::AuditEvent> Auditor::record(store::AuditEvent event) {
    if (event.at == 0)
        event.at = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
    std::function<store::AuditEvent()> job = [this, event] {
        auto stored = store_.appendAudit(event, hasher_);
        if (key_ && stored.seq - lastCheckpoint_.load() >= every_) checkpointNow();
        return stored;
    };
    auto stored = co_await blocking_.call(std::move(job));
    if (stored.alert) {
        metrics_.count("lgw_alerts_total", "action=\"" + promEscape(stored.action) + "\"");
        logger("audit")->warn("ALERT seq={} action={} actor={} target={} outcome={} request_id={}", stored.seq,
                              stored.action, stored.actor, stored.target, stored.outcome, stored.requestId);
    }
    co_return stored;
}

}  // namespace lgw::gateway
