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
#include "security/rfc3161.hpp"
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
    std::int64_t firstBadLine = 0;  ///< an export's line, when the fault is the file's, not an event's
    std::string reason;
    /// An export: the trailer's signature verified under a key the caller trusts. Without one the
    /// file may be whole and consistent and still be anyone's (exit 2, "unverified").
    bool authenticated = false;
    /// An export's RFC 3161 tokens: verified against the TSA CA given, present but not checked
    /// (no CA given), and the newest checkpoint a verified token covers with the token's time.
    std::int64_t timestamps = 0;
    std::int64_t timestampsUnverified = 0;
    std::int64_t timestampedToSeq = 0;
    std::int64_t timestampedAtMs = 0;
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
    /// Also fail when more than `every` events pass without a signed checkpoint (a checkpoint
    /// deleted); the events after the last checkpoint may be fewer than `every`.
    void requireCheckpointEvery(int every) { every_ = every; }
    /// Also fail when the chain ends before `seq` (events this gateway recorded were cut off).
    void requireReaching(std::int64_t seq) { mustReach_ = seq; }
    ChainVerdict finish();

private:
    void fail(std::int64_t seq, std::string reason);
    std::optional<PublicKey> key_;
    std::optional<std::string> expectedPrev_;
    std::int64_t nextSeq_ = 0;
    std::int64_t firstSeq_ = 0;
    std::vector<std::pair<std::int64_t, std::string>> hashes_;  // seq -> hash, for checkpoint checks
    std::vector<AuditCheckpoint> checkpoints_;
    int every_ = 0;
    std::int64_t mustReach_ = 0;
    ChainVerdict v_;
};

/// NDJSON export, format licence-gateway-audit-3: a header line; the events, oldest first, each
/// signed checkpoint right after the event it covers (with its RFC 3161 token, if it has one); a
/// signed trailer over the whole (format, seq range, event, checkpoint and token counts, head hash,
/// time), so that a cut, a deletion, an insertion, a reordering, a stripped checkpoint or a
/// stripped token anywhere shows. Format 2 (no tokens, no token count) is still read.
inline constexpr const char* kExportFormat = "licence-gateway-audit-3";
inline constexpr const char* kExportFormat2 = "licence-gateway-audit-2";
std::string exportHeaderLine(std::int64_t fromSeq, std::int64_t toSeq, const std::string& publicKeyPem);
std::string exportEventLine(const AuditEvent& e);
std::string exportCheckpointLine(const AuditCheckpoint& cp);

struct ExportTrailer {
    std::int64_t fromSeq = 0, toSeq = 0, events = 0, checkpoints = 0;
    std::string headHash;
    std::int64_t at = 0;
    std::string signature;  ///< base64, under the audit key; empty when the gateway has none
    std::int64_t timestamps = 0;  ///< checkpoints exported with a token (format 3)
};
/// What the trailer's signature covers, in `format` (3 counts the tokens, 2 did not).
std::string trailerMessage(const ExportTrailer& t, const std::string& format = kExportFormat);
std::string exportTrailerLine(const ExportTrailer& t);

/// Verifies an export offline: whole (header first, trailer last and matching what came between),
/// every event's hash and link, every checkpoint in its place and signed. With `trustedKeyPem`
/// (the gateway's published key) the checkpoints and trailer are verified under it and a good file
/// is `authenticated`; without, the file's own key is used and the verdict can at best be ok but
/// unauthenticated. With `tsa`, every checkpoint's RFC 3161 token is verified against it (a token
/// that does not verify breaks the file); without, tokens are only counted. Never throws.
ChainVerdict verifyExport(const std::string& ndjson, const std::optional<std::string>& trustedKeyPem,
                          const TsaTrust* tsa = nullptr);

}  // namespace lgw::security
