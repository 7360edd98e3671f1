#pragma once
// Verification of the audit chain, shared by GET /v1/audit/verify (over the store) and the offline
// `licence-gateway audit verify FILE` (over an export). A chain verifies when seq is gap-free, each
// prev_hash is the previous event's hash, each hash is the SHA-256 (or, for "sm3:" hashes, the
// SM3) of the canonical event, and every signed checkpoint (seq, head hash) matches the event at its
// seq and verifies under the audit key; a checkpoint beyond the last event shows that the tail was
// cut off.
#include <optional>
#include <string>
#include <vector>

#include "security/audit_record.hpp"
#include "security/signature.hpp"

namespace lgw::security {

/// The canonical form that is hashed: a JSON object with a fixed member order.
std::string canonicalAuditEvent(const AuditEvent& e);
/// SHA-256 hex of the canonical form.
std::string auditHash(const AuditEvent& e);
/// "sm3:" + SM3 hex of the canonical form (national-cryptography deployments). The prefix lets a
/// verifier tell the two apart, so a chain that switched suites still verifies.
std::string auditHashSm3(const AuditEvent& e);
/// Recomputes an event's hash with the algorithm its stored hash names.
bool auditHashMatches(const AuditEvent& e);

struct ChainVerdict {
    bool ok = true;
    std::int64_t events = 0;
    std::string head;            ///< hash of the last event
    std::int64_t checkpoints = 0;
    std::int64_t firstBadSeq = 0;
    std::string reason;
};

/// What a checkpoint signs.
std::string checkpointMessage(const AuditCheckpoint& cp);

/// Incremental: feed events oldest first (in pages), then checkpoints, then finish().
class ChainVerifier {
public:
    /// `expectedFirstPrev`: the prev_hash the first event must carry (64 zeros from seq 1), or
    /// nullopt to trust the first event's prev_hash (an export that starts later).
    ChainVerifier(std::optional<PublicKey> key, std::optional<std::string> expectedFirstPrev);
    void add(const AuditEvent& e);
    void addCheckpoint(const AuditCheckpoint& cp);
    ChainVerdict finish();

private:
    void fail(std::int64_t seq, std::string reason);
    std::optional<PublicKey> key_;
    std::optional<std::string> expectedPrev_;
    std::int64_t nextSeq_ = 0;
    std::int64_t firstSeq_ = 0;
    std::vector<std::pair<std::int64_t, std::string>> hashes_;  // seq -> hash, for checkpoint checks
    std::vector<AuditCheckpoint> checkpoints_;
    ChainVerdict v_;
};

/// NDJSON export: a header line, one line per event, one per checkpoint.
std::string exportHeaderLine(std::int64_t fromSeq, std::int64_t toSeq, const std::string& publicKeyPem);
std::string exportEventLine(const AuditEvent& e);
std::string exportCheckpointLine(const AuditCheckpoint& cp);

/// Verifies an export offline. `trustedKeyPem` overrides the key carried in the header (an auditor
/// should pass the gateway's published key rather than trust the file's own).
ChainVerdict verifyExport(const std::string& ndjson, const std::optional<std::string>& trustedKeyPem);

}  // namespace lgw::security
