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
    if (mustReach_ > last) {
        fail(last + 1, "the chain ends at seq " + std::to_string(last) + ", but this gateway has recorded seq " +
                           std::to_string(mustReach_) + ": events were cut off the end");
        return v_;
    }
    if (every_ > 0 && key_) {
        // Checkpoints are signed every `every_` events: a longer stretch without one lost it.
        std::int64_t previous = firstSeq_ - 1;
        for (auto& cp : checkpoints_) {
            if (cp.seq < firstSeq_) continue;
            if (cp.seq - previous > every_) break;
            previous = cp.seq;
        }
        if (last - previous > every_) {
            fail(previous + 1, "no signed checkpoint between seq " + std::to_string(previous + 1) + " and " +
                                   std::to_string(std::min(last, previous + every_ + 1)) + " (one is signed every " +
                                   std::to_string(every_) + " events): a checkpoint was deleted");
            return v_;
        }
    }
    return v_;
}

std::string exportHeaderLine(std::int64_t fromSeq, std::int64_t toSeq, const std::string& publicKeyPem) {
    return json::serialize(json::object{{"type", "header"},
                                        {"format", kExportFormat},
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
    json::object o{{"type", "checkpoint"}, {"seq", cp.seq}, {"head_hash", cp.headHash}, {"at", cp.at},
                   {"signature", cp.signature}};
    if (!cp.timestamp.empty()) o["timestamp"] = cp.timestamp;
    return json::serialize(o) + "\n";
}

std::string trailerMessage(const ExportTrailer& t, const std::string& format) {
    const std::string counts = std::to_string(t.events) + "|" + std::to_string(t.checkpoints) + "|" +
                               (format == kExportFormat2 ? std::string() : std::to_string(t.timestamps) + "|");
    return format + "|trailer|" + std::to_string(t.fromSeq) + "|" + std::to_string(t.toSeq) + "|" + counts +
           t.headHash + "|" + std::to_string(t.at);
}

std::string exportTrailerLine(const ExportTrailer& t) {
    return json::serialize(json::object{{"type", "trailer"},
                                        {"format", kExportFormat},
                                        {"from_seq", t.fromSeq},
                                        {"to_seq", t.toSeq},
                                        {"events", t.events},
                                        {"checkpoints", t.checkpoints},
                                        {"timestamps", t.timestamps},
                                        {"head_hash", t.headHash},
                                        {"at", t.at},
                                        {"signature", t.signature}}) +
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

AuditEvent eventOf(const json::object& o) {
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
    if (!alert || !alert->is_bool()) throw std::invalid_argument("alert is missing or not a boolean");
    e.alert = alert->as_bool();
    e.prevHash = str(o, "prev_hash");
    e.hash = str(o, "hash");
    return e;
}

// Reads an export line by line; the first fault found, with its line, ends it.
class ExportReader {
public:
    ExportReader(const std::optional<std::string>& trustedKeyPem, const TsaTrust* tsa)
        : trustedPem_(trustedKeyPem), tsa_(tsa) {}

    ChainVerdict read(const std::string& ndjson) {
        std::istringstream in(ndjson);
        std::string line;
        try {
            while (std::getline(in, line)) {
                ++lineNo_;
                if (line.empty()) continue;
                if (trailer_) return bad("a line after the trailer");
                boost::system::error_code ec;
                auto parsed = json::parse(line, ec);
                if (ec || !parsed.is_object()) return bad("not a JSON object");
                if (auto fault = take(parsed.as_object())) return bad(*fault);
            }
        } catch (const std::exception& ex) {
            return bad(ex.what());
        }
        if (!verifier_) return bad("empty export");
        if (!trailer_) return bad("no trailer: the export ends early (cut off after line " + std::to_string(lineNo_) + ")");
        auto v = verifier_->finish();
        if (!v.ok) return v;
        if (auto fault = checkTrailer(v)) return bad(*fault, trailerLine_);
        v.authenticated = trustedPem_.has_value();
        v.timestamps = stamps_.timestamps;
        v.timestampsUnverified = stamps_.timestampsUnverified;
        v.timestampedToSeq = stamps_.timestampedToSeq;
        v.timestampedAtMs = stamps_.timestampedAtMs;
        return v;
    }

private:
    std::optional<std::string> take(const json::object& o) {
        const std::string type = str(o, "type");
        if (type == "header") {
            if (verifier_) return "a second header";
            const std::string format = str(o, "format");
            if (format == "licence-gateway-audit-1")
                return "format licence-gateway-audit-1 has no signed trailer and cannot show a cut; export again";
            if (format != kExportFormat && format != kExportFormat2) return "unknown export format \"" + format + "\"";
            format_ = format;
            const std::string pem = trustedPem_ ? *trustedPem_ : str(o, "checkpoint_public_key");
            if (!pem.empty()) {
                key_ = PublicKey::fromPem(pem);
                if (!key_) return "the checkpoint public key is not a PEM P-256 or SM2 key";
            }
            fromSeq_ = num(o, "from_seq");
            verifier_.emplace(key_, fromSeq_ == 1 ? std::optional<std::string>(std::string(64, '0')) : std::nullopt);
            return std::nullopt;
        }
        if (!verifier_) return "the export must start with its header";
        if (type == "event") {
            AuditEvent e = eventOf(o);
            verifier_->add(e);
            lastSeq_ = e.seq;
            ++events_;
            return std::nullopt;
        }
        if (type == "checkpoint") {
            AuditCheckpoint cp{num(o, "seq"), str(o, "head_hash"), num(o, "at"), str(o, "signature")};
            // Written right after the event it covers: one anywhere else was moved or inserted.
            if (cp.seq != lastSeq_)
                return "the checkpoint for seq " + std::to_string(cp.seq) + " is not right after its event";
            if (o.contains("timestamp")) {
                if (format_ == kExportFormat2) return "a time-stamp in a " + format_ + " export, which has none";
                cp.timestamp = str(o, "timestamp");
                if (auto fault = checkTimestamp(cp)) return fault;
            }
            verifier_->addCheckpoint(cp);
            ++checkpoints_;
            return std::nullopt;
        }
        if (type == "trailer") {
            trailer_ = ExportTrailer{num(o, "from_seq"), num(o, "to_seq"), num(o, "events"), num(o, "checkpoints"),
                                     str(o, "head_hash"), num(o, "at"), str(o, "signature"),
                                     format_ == kExportFormat2 ? 0 : num(o, "timestamps")};
            trailerLine_ = lineNo_;
            return std::nullopt;
        }
        return "unknown line type \"" + type + "\"";
    }

    // A checkpoint's token stamps exactly that checkpoint's message; verified when a TSA CA is given.
    std::optional<std::string> checkTimestamp(const AuditCheckpoint& cp) {
        const std::int64_t found = stamps_.timestamps + stamps_.timestampsUnverified + 1;
        if (!tsa_) {
            ++stamps_.timestampsUnverified;
            return std::nullopt;
        }
        auto token = base64Decode(cp.timestamp);
        if (!token) return "the time-stamp of the checkpoint at seq " + std::to_string(cp.seq) + " is not base64";
        auto check = verifyTimestampToken(*token, checkpointMessage(cp), *tsa_);
        if (!check.ok)
            return "the time-stamp of the checkpoint at seq " + std::to_string(cp.seq) + " (token " +
                   std::to_string(found) + ") does not verify: " + check.reason;
        ++stamps_.timestamps;
        if (cp.seq >= stamps_.timestampedToSeq) {
            stamps_.timestampedToSeq = cp.seq;
            stamps_.timestampedAtMs = check.genTimeMs;
        }
        return std::nullopt;
    }

    std::optional<std::string> checkTrailer(const ChainVerdict& v) const {
        const ExportTrailer& t = *trailer_;
        const std::int64_t tokens = stamps_.timestamps + stamps_.timestampsUnverified;
        if (t.fromSeq != fromSeq_ || t.toSeq != lastSeq_ || t.events != events_ || t.checkpoints != checkpoints_ ||
            t.timestamps != tokens || t.headHash != v.head)
            return "the trailer does not match the export (seq " + std::to_string(t.fromSeq) + ".." +
                   std::to_string(t.toSeq) + ", " + std::to_string(t.events) + " events, " +
                   std::to_string(t.checkpoints) + " checkpoints, " + std::to_string(t.timestamps) +
                   " time-stamps signed; found " + std::to_string(fromSeq_) + ".." + std::to_string(lastSeq_) + ", " +
                   std::to_string(events_) + ", " + std::to_string(checkpoints_) + ", " + std::to_string(tokens) + ")";
        if (!key_) return trustedPem_ ? std::optional<std::string>("no key to verify the trailer") : std::nullopt;
        auto sig = base64Decode(t.signature);
        if (!sig || !key_->verify(key_->alg(), trailerMessage(t, format_), *sig))
            return "the trailer's signature does not verify";
        return std::nullopt;
    }

    ChainVerdict bad(std::string why, std::int64_t line = 0) const {
        ChainVerdict v;
        v.ok = false;
        v.firstBadLine = line ? line : lineNo_;
        v.reason = "line " + std::to_string(v.firstBadLine) + ": " + why;
        return v;
    }

    std::optional<std::string> trustedPem_;
    const TsaTrust* tsa_ = nullptr;
    std::string format_ = kExportFormat;
    ChainVerdict stamps_;  // only its time-stamp counts
    std::optional<PublicKey> key_;
    std::optional<ChainVerifier> verifier_;
    std::optional<ExportTrailer> trailer_;
    std::int64_t lineNo_ = 0, trailerLine_ = 0, fromSeq_ = 0, lastSeq_ = 0, events_ = 0, checkpoints_ = 0;
};

}  // namespace

ChainVerdict verifyExport(const std::string& ndjson, const std::optional<std::string>& trustedKeyPem,
                          const TsaTrust* tsa) {
    ExportReader reader(trustedKeyPem, tsa);
    return reader.read(ndjson);
}

}  // namespace lgw::security
