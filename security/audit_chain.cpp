#include "security/audit_chain.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <sstream>

#include "security/crypto.hpp"

namespace lgw::security {

namespace json = boost::json;

std::string canonicalAuditEvent(const AuditEvent& e) {
    json::object o;
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
    return json::serialize(o);
}

std::string auditHash(const AuditEvent& e) { return sha256Hex(canonicalAuditEvent(e)); }
std::string auditHashSm3(const AuditEvent& e) { return "sm3:" + sm3Hex(canonicalAuditEvent(e)); }
bool auditHashMatches(const AuditEvent& e) {
    return (e.hash.rfind("sm3:", 0) == 0 ? auditHashSm3(e) : auditHash(e)) == e.hash;
}

std::string checkpointMessage(const AuditCheckpoint& cp) {
    return "licence-gateway-audit-checkpoint|" + std::to_string(cp.seq) + "|" + cp.headHash + "|" + std::to_string(cp.at);
}

ChainVerifier::ChainVerifier(std::optional<PublicKey> key, std::optional<std::string> expectedFirstPrev)
    : key_(std::move(key)), expectedPrev_(std::move(expectedFirstPrev)) {}

void ChainVerifier::fail(std::int64_t seq, std::string reason) {
    if (!v_.ok) return;
    v_.ok = false;
    v_.firstBadSeq = seq;
    v_.reason = std::move(reason);
}

void ChainVerifier::add(const AuditEvent& e) {
    if (!v_.ok) return;
    if (nextSeq_ == 0) {
        nextSeq_ = firstSeq_ = e.seq;
        if (expectedPrev_ && e.seq != 1) fail(e.seq, "the chain must start at seq 1");
    }
    if (e.seq != nextSeq_)
        return fail(nextSeq_, e.seq > nextSeq_ ? "seq " + std::to_string(nextSeq_) + " is missing"
                                               : "seq " + std::to_string(e.seq) + " is out of order");
    if (expectedPrev_ && e.prevHash != *expectedPrev_)
        return fail(e.seq, "prev_hash does not match the previous event's hash");
    if (!auditHashMatches(e)) return fail(e.seq, "the event's content does not match its hash (edited)");
    expectedPrev_ = e.hash;
    hashes_.emplace_back(e.seq, e.hash);
    ++nextSeq_;
    ++v_.events;
    v_.head = e.hash;
}

void ChainVerifier::addCheckpoint(const AuditCheckpoint& cp) { checkpoints_.push_back(cp); }

ChainVerdict ChainVerifier::finish() {
    if (!v_.ok) return v_;
    std::int64_t last = nextSeq_ - 1;
    std::int64_t lastGoodCheckpoint = 0;
    std::sort(checkpoints_.begin(), checkpoints_.end(), [](auto& a, auto& b) { return a.seq < b.seq; });
    for (auto& cp : checkpoints_) {
        if (key_) {
            auto sig = base64Decode(cp.signature);
            if (!sig || !key_->verify(key_->alg(), checkpointMessage(cp), *sig)) {
                fail(cp.seq, "checkpoint at seq " + std::to_string(cp.seq) + " has an invalid signature");
                return v_;
            }
        }
        if (cp.seq > last) {
            fail(std::max(lastGoodCheckpoint + 1, firstSeq_), "truncated: a signed checkpoint covers seq " +
                                                                  std::to_string(cp.seq) + " but the chain ends at " +
                                                                  std::to_string(last));
            return v_;
        }
        if (cp.seq < firstSeq_) continue;
        auto it = std::lower_bound(hashes_.begin(), hashes_.end(), cp.seq,
                                   [](auto& p, std::int64_t s) { return p.first < s; });
        if (it == hashes_.end() || it->first != cp.seq || it->second != cp.headHash) {
            // The chain was rebuilt after the last checkpoint that still matches (cut off and
            // appended to again): nothing after that checkpoint can be trusted.
            fail(std::max(lastGoodCheckpoint + 1, firstSeq_),
                 "the chain differs from the signed checkpoint at seq " + std::to_string(cp.seq) +
                     "; events after seq " + std::to_string(std::max(lastGoodCheckpoint, firstSeq_ - 1)) +
                     " were replaced (cut off and appended to again)");
            return v_;
        }
        lastGoodCheckpoint = cp.seq;
        ++v_.checkpoints;
    }
    return v_;
}

std::string exportHeaderLine(std::int64_t fromSeq, std::int64_t toSeq, const std::string& publicKeyPem) {
    return json::serialize(json::object{{"type", "header"},
                                        {"format", "licence-gateway-audit-1"},
                                        {"from_seq", fromSeq},
                                        {"to_seq", toSeq},
                                        {"checkpoint_alg", "ECDSA-P256-SHA256"},
                                        {"checkpoint_public_key", publicKeyPem}}) +
           "\n";
}

std::string exportEventLine(const AuditEvent& e) {
    json::object o = json::parse(canonicalAuditEvent(e)).as_object();
    o["type"] = "event";
    o["hash"] = e.hash;
    return json::serialize(o) + "\n";
}

std::string exportCheckpointLine(const AuditCheckpoint& cp) {
    return json::serialize(json::object{{"type", "checkpoint"},
                                        {"seq", cp.seq},
                                        {"head_hash", cp.headHash},
                                        {"at", cp.at},
                                        {"signature", cp.signature}}) +
           "\n";
}

namespace {

std::string str(const json::object& o, const char* k) {
    auto* v = o.if_contains(k);
    if (!v || !v->is_string()) throw std::invalid_argument(std::string(k) + " is missing or not a string");
    return std::string(v->as_string());
}
std::int64_t num(const json::object& o, const char* k) {
    auto* v = o.if_contains(k);
    if (!v || !v->is_int64()) throw std::invalid_argument(std::string(k) + " is missing or not an integer");
    return v->as_int64();
}

}  // namespace

ChainVerdict verifyExport(const std::string& ndjson, const std::optional<std::string>& trustedKeyPem) {
    std::istringstream in(ndjson);
    std::string line;
    std::optional<ChainVerifier> verifier;
    std::int64_t lineNo = 0;
    auto bad = [&](std::string why) {
        ChainVerdict v;
        v.ok = false;
        v.reason = "line " + std::to_string(lineNo) + ": " + why;
        return v;
    };
    try {
        while (std::getline(in, line)) {
            ++lineNo;
            if (line.empty()) continue;
            boost::system::error_code ec;
            auto parsed = json::parse(line, ec);
            if (ec || !parsed.is_object()) return bad("not a JSON object");
            auto& o = parsed.as_object();
            std::string type = str(o, "type");
            if (type == "header") {
                if (verifier) return bad("a second header");
                if (str(o, "format") != "licence-gateway-audit-1") return bad("unknown export format");
                std::string pem = trustedKeyPem ? *trustedKeyPem : str(o, "checkpoint_public_key");
                auto key = PublicKey::fromPem(pem);
                if (!key) return bad("the checkpoint public key is not a PEM P-256 key");
                std::int64_t from = num(o, "from_seq");
                verifier.emplace(key, from == 1 ? std::optional<std::string>(std::string(64, '0')) : std::nullopt);
                continue;
            }
            if (!verifier) return bad("the export must start with its header");
            if (type == "event") {
                AuditEvent e;
                e.seq = num(o, "seq");
                e.at = num(o, "at");
                e.actor = str(o, "actor");
                e.role = str(o, "role");
                e.action = str(o, "action");
                e.target = str(o, "target");
                e.applicationId = str(o, "application_id");
                e.subject = str(o, "subject");
                e.outcome = str(o, "outcome");
                e.requestId = str(o, "request_id");
                e.detailJson = str(o, "detail");
                auto* alert = o.if_contains("alert");
                if (!alert || !alert->is_bool()) return bad("alert is missing or not a boolean");
                e.alert = alert->as_bool();
                e.prevHash = str(o, "prev_hash");
                e.hash = str(o, "hash");
                verifier->add(e);
            } else if (type == "checkpoint") {
                verifier->addCheckpoint({num(o, "seq"), str(o, "head_hash"), num(o, "at"), str(o, "signature")});
            } else {
                return bad("unknown line type \"" + type + "\"");
            }
        }
    } catch (const std::exception& ex) {
        return bad(ex.what());
    }
    if (!verifier) return bad("empty export");
    return verifier->finish();
}

}  // namespace lgw::security
