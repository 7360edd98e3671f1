#pragma once
// One entry of the tamper-evident audit log, and a signed checkpoint of its head: the records the
// store keeps and the chain (audit_chain.hpp) hashes, signs and verifies.
#include <cstdint>
#include <string>

namespace lgw::security {

struct AuditEvent {
    std::int64_t seq = 0;      ///< assigned by the store, gap-free from 1
    std::int64_t at = 0;
    std::string actor;
    std::string role;
    std::string action;
    std::string target;
    std::string applicationId;
    std::string subject;       ///< the subject code the event concerns, if any
    std::string outcome;       ///< allowed | denied | error
    std::string requestId;
    std::string detailJson = "{}";
    bool alert = false;
    std::string prevHash;
    std::string hash;
};

struct AuditCheckpoint {
    std::int64_t seq = 0;
    std::string headHash;
    std::int64_t at = 0;
    std::string signature;
    /// An RFC 3161 time-stamp token over checkpointMessage(), base64 DER; empty when none (issue 22).
    std::string timestamp;
};

}  // namespace lgw::security
