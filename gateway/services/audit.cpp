#include "gateway/services/audit.hpp"

#include <chrono>

#include "gateway/http/logging.hpp"
#include "security/crypto.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {

store::AuditHasher auditHasher(bool national) { return national ? &auditHashSm3 : &auditHash; }

Auditor::Auditor(store::Store& store, BlockingPool& blocking, Metrics& metrics,
                 std::optional<security::PrivateKey> signingKey, int checkpointEvery, store::AuditHasher hasher,
                 std::function<std::int64_t()> nowMs)
    : store_(store), blocking_(blocking), metrics_(metrics), key_(std::move(signingKey)), every_(checkpointEvery),
      hasher_(std::move(hasher)), nowMs_(std::move(nowMs)) {
    if (!nowMs_)
        nowMs_ = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
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
    cp.at = nowMs_();
    cp.signature = security::base64Encode(key_->sign(key_->alg(), checkpointMessage(cp)));
    store_.insertCheckpoint(cp);
    lastCheckpoint_ = cp.seq;
    return cp;
}

void Auditor::referenceSubjectsWith(std::string key) { subjectKey_ = std::move(key); }

std::string Auditor::subjectReference(std::string_view code) const {
    if (subjectKey_.empty() || code.empty() || code.rfind("h:", 0) == 0) return std::string(code);
    return security::subjectReference(subjectKey_, code);
}

boost::asio::awaitable<store::AuditEvent> Auditor::record(store::AuditEvent event) {
    event.subject = subjectReference(event.subject);
    if (event.at == 0) event.at = nowMs_();
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
