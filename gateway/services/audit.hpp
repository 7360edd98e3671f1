#pragma once
// Records audit events through the store's hash-chained, gap-free log. An event's hash is the
// SHA-256 of its canonical JSON, which includes the previous event's hash. Events never hold
// document content, codes or full phone numbers.
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <optional>

#include "adapters/store/store.hpp"
#include "security/signature.hpp"
#include "gateway/http/blocking.hpp"
#include "gateway/http/metrics.hpp"

namespace lgw::gateway {

/// The canonical form that is hashed: a JSON object with a fixed member order.
std::string canonicalAuditEvent(const store::AuditEvent& e);
/// SHA-256 hex of the canonical form.
std::string auditHash(const store::AuditEvent& e);
/// "sm3:" + SM3 hex of the canonical form (national-cryptography deployments). The prefix lets a
/// verifier tell the two apart, so a chain that switched suites still verifies.
std::string auditHashSm3(const store::AuditEvent& e);
/// The hasher of a deployment.
store::AuditHasher auditHasher(bool national);
/// Recomputes an event's hash with the algorithm its stored hash names.
bool auditHashMatches(const store::AuditEvent& e);

class Auditor {
public:
    /// With a signing key, a signed checkpoint (seq, head hash) is written every `checkpointEvery`
    /// events, so that cutting events off the end of the log is detected.
    Auditor(store::Store& store, BlockingPool& blocking, Metrics& metrics,
            std::optional<security::PrivateKey> signingKey = std::nullopt, int checkpointEvery = 100,
            store::AuditHasher hasher = &auditHash);
    /// Appends on the blocking pool. An alert also goes to the warning log and lgw_alerts_total.
    boost::asio::awaitable<store::AuditEvent> record(store::AuditEvent event);
    /// Signs a checkpoint at the current head now (blocking; call on the pool). Returns it, or
    /// nullopt when the log is empty or there is no key.
    std::optional<store::AuditCheckpoint> checkpointNow();
    std::optional<security::PublicKey> publicKey() const;

private:
    store::Store& store_;
    BlockingPool& blocking_;
    Metrics& metrics_;
    std::optional<security::PrivateKey> key_;
    int every_;
    store::AuditHasher hasher_;
    std::atomic<std::int64_t> lastCheckpoint_{0};
};

}  // namespace lgw::gateway
