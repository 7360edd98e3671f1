#include "gateway/services/audit.hpp"

#include "gateway/http/logging.hpp"
#include "security/crypto.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {

store::AuditEvent actorEvent(const Actor& who, std::string action, std::string target, std::string app,
                             std::string outcome, const security::AuditDetail& detail) {
    store::AuditEvent e;
    e.actor = who.id;
    e.role = who.role;
    e.requestId = who.requestId;
    e.action = std::move(action);
    e.target = std::move(target);
    e.applicationId = std::move(app);
    e.outcome = std::move(outcome);
    e.detailJson = detail.json();
    return e;
}

store::AuditHasher auditHasher(bool national) { return national ? &auditHashSm3 : &auditHash; }

Auditor::Auditor(store::AuditLog& log, BlockingPool& blocking, Metrics& metrics, std::shared_ptr<const Clock> clock,
                 std::optional<security::PrivateKey> signingKey, int checkpointEvery, store::AuditHasher hasher)
    : store_(log), blocking_(blocking), metrics_(metrics), key_(std::move(signingKey)), every_(checkpointEvery),
      hasher_(std::move(hasher)), clock_(std::move(clock)) {
    auto cps = store_.checkpoints();
    if (!cps.empty()) {
        lastCheckpoint_ = cps.back().seq;
        last_ = cps.back();
    }
    if (auto head = store_.auditHead()) highestSeq_ = head->seq;
}

std::optional<security::PublicKey> Auditor::publicKey() const {
    if (!key_) return std::nullopt;
    return key_->publicKey();
}

security::ExportTrailer Auditor::signTrailer(security::ExportTrailer t) const {
    t.at = clock_->nowMs();
    if (key_) t.signature = security::base64Encode(key_->sign(key_->alg(), security::trailerMessage(t)));
    return t;
}

std::optional<store::AuditCheckpoint> Auditor::checkpointNow(bool reuse) {
    if (!key_) return std::nullopt;
    auto head = store_.auditHead();
    if (!head) return std::nullopt;
    if (reuse) {
        std::lock_guard lock(lastMutex_);
        if (last_ && last_->seq == head->seq && last_->headHash == head->hash) return last_;
    }
    store::AuditCheckpoint cp;
    cp.seq = head->seq;
    cp.headHash = head->hash;
    cp.at = clock_->nowMs();
    cp.signature = security::base64Encode(key_->sign(key_->alg(), checkpointMessage(cp)));
    store_.insertCheckpoint(cp);
    lastCheckpoint_ = cp.seq;
    std::lock_guard lock(lastMutex_);
    last_ = cp;
    return cp;
}

void Auditor::referenceSubjectsWith(std::string key) { subjectKey_ = std::move(key); }

std::string Auditor::subjectReference(std::string_view code) const {
    if (subjectKey_.empty() || code.empty() || code.rfind("h:", 0) == 0) return std::string(code);
    return security::subjectReference(subjectKey_, code);
}

boost::asio::awaitable<store::AuditEvent> Auditor::record(store::AuditEvent event) {
    auto recording = recordWith(std::move(event), [](store::AuditEvent&) { return true; });
    auto stored = co_await std::move(recording);
    co_return std::move(*stored);
}

boost::asio::awaitable<std::optional<store::AuditEvent>> Auditor::recordWith(store::AuditEvent event,
                                                                              store::AuditedAction action) {
    if (event.at == 0) event.at = clock_->nowMs();
    // The action may complete the event, its subject too: the subject is referenced after it.
    store::AuditedAction completed = [this, action = std::move(action)](store::AuditEvent& e) {
        if (!action(e)) return false;
        e.subject = subjectReference(e.subject);
        return true;
    };
    std::function<std::optional<store::AuditEvent>()> job = [this, event, completed] {
        auto stored = store_.appendAuditWith(event, hasher_, completed);
        if (!stored) return stored;
        for (auto seen = highestSeq_.load(); stored->seq > seen && !highestSeq_.compare_exchange_weak(seen, stored->seq);) {
        }
        if (key_ && stored->seq - lastCheckpoint_.load() >= every_) checkpointNow();
        return stored;
    };
    auto stored = co_await blocking_.call(std::move(job));
    if (stored && stored->alert) {
        metrics_.count("lgw_alerts_total", "action=\"" + promEscape(stored->action) + "\"");
        logger("audit")->warn("ALERT seq={} action={} actor={} target={} outcome={} request_id={}", stored->seq,
                              stored->action, stored->actor, stored->target, stored->outcome, stored->requestId);
    }
    co_return stored;
}

}  // namespace lgw::gateway
