#include "gateway/services/audit_timestamps.hpp"

#include <algorithm>
#include <utility>

#include "gateway/http/logging.hpp"
#include "gateway/services/periodic.hpp"
#include "gateway/services/time_text.hpp"
#include "security/audit_detail.hpp"
#include "security/crypto.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;

namespace {
const Actor kTimestamper{"audit-timestamps", "system", ""};
}  // namespace

AuditTimestamper::AuditTimestamper(Services& services, Auditor& auditor, adapters::tsa::TimeStampAuthority& tsa,
                                   Options options)
    : s_(services), auditor_(auditor), tsa_(tsa), o_(options) {
    for (const auto& cp : s_.store.checkpoints())
        if (!cp.timestamp.empty()) stampedSeq_ = std::max(stampedSeq_.load(), cp.seq);
    // A start is a fresh beginning: the first pass runs at once and the age counts from here.
    coveredAtMs_ = s_.nowMs();
    s_.metrics.addCollector([this](std::string& out) {
        const auto age = std::max<std::int64_t>(0, s_.nowMs() - coveredAtMs_.load());
        out += "# HELP lgw_audit_timestamp_stale 1 when audit events exist that no time-stamp covers for longer than "
               "audit.tsa.max_age_s\n# TYPE lgw_audit_timestamp_stale gauge\nlgw_audit_timestamp_stale " +
               std::string(stale() ? "1" : "0") +
               "\n# HELP lgw_audit_timestamp_age_seconds Seconds since the audit trail was last covered by a "
               "time-stamp\n# TYPE lgw_audit_timestamp_age_seconds gauge\nlgw_audit_timestamp_age_seconds " +
               std::to_string(age / 1000) + "\n";
    });
}

std::int64_t AuditTimestamper::intervalMs() const { return std::clamp<std::int64_t>(o_.maxAgeMs / 4, 250, 60000); }

bool AuditTimestamper::stale() const { return s_.nowMs() - coveredAtMs_.load() > o_.maxAgeMs; }

std::string AuditTimestamper::lastError() const {
    std::lock_guard lock(mutex_);
    return lastError_;
}

std::optional<Refusal> AuditTimestamper::refusal() const {
    if (!o_.refuseWhenStale || !stale()) return std::nullopt;
    const std::string why = lastError();
    return Refusal{"the audit trail has had no trusted time-stamp since " + rfc3339Utc(coveredAtMs_.load()) +
                       " (audit.tsa.max_age_s is " + std::to_string(o_.maxAgeMs / 1000) + ")" +
                       (why.empty() ? std::string() : ": " + why) +
                       "; new consents and fetches resume as soon as the time-stamping authority answers again",
                   secondsUp(intervalMs())};
}

void AuditTimestamper::covered() {
    coveredAtMs_ = s_.nowMs();
    std::lock_guard lock(mutex_);
    lastError_.clear();
}

asio::awaitable<void> AuditTimestamper::run() {
    auto loop = runPeriodically("audit", "audit time-stamp pass", intervalMs(), [this] { return pass(); });
    co_await std::move(loop);
}

asio::awaitable<int> AuditTimestamper::pass() {
    const std::int64_t stamped = stampedSeq_.load();
    const bool reuse = !std::exchange(resign_, false);
    std::function<std::optional<store::AuditCheckpoint>()> sign = [this, stamped, reuse]() -> std::optional<store::AuditCheckpoint> {
        auto head = s_.store.auditHead();
        if (!head || head->seq <= stamped) return std::nullopt;
        return auditor_.checkpointNow(reuse);
    };
    std::optional<store::AuditCheckpoint> cp = co_await s_.blocking.call(std::move(sign));
    if (!cp) {
        covered();  // nothing new since the last token
        co_return 0;
    }
    auto stamping = tsa_.stamp(checkpointMessage(*cp));
    adapters::tsa::TsaResult result = co_await std::move(stamping);
    if (auto* error = std::get_if<adapters::tsa::TsaError>(&result)) {
        auto failing = failed(error->detail);
        co_return co_await std::move(failing);
    }
    const auto& ts = std::get<adapters::tsa::Timestamp>(result);
    if (const auto skew = ts.genTimeMs - cp->at; skew > 300000 || skew < -300000)
        logger("audit")->warn("the TSA's time {} is {} s off the gateway's clock: check both", rfc3339Utc(ts.genTimeMs),
                              skew / 1000);
    const store::AuditCheckpoint signedCp = *cp;
    const std::string token = security::base64Encode(ts.token);
    // The seq a kept token now covers, or 0 when the checkpoint was signed again meanwhile (by
    // another instance on the same store) and carries no token: then it is signed afresh next pass.
    std::function<std::int64_t()> keep = [this, signedCp, token]() -> std::int64_t {
        if (s_.store.setCheckpointTimestamp(signedCp, token)) return signedCp.seq;
        std::int64_t covered = 0;
        for (const auto& other : s_.store.checkpoints())
            if (!other.timestamp.empty()) covered = std::max(covered, other.seq);
        return covered >= signedCp.seq ? covered : 0;
    };
    auto keeping = s_.blocking.call(std::move(keep));
    const std::int64_t coveredSeq = co_await std::move(keeping);
    if (coveredSeq == 0) {
        resign_ = true;
        co_return 0;
    }
    for (auto seen = stampedSeq_.load(); coveredSeq > seen && !stampedSeq_.compare_exchange_weak(seen, coveredSeq);) {
    }
    s_.metrics.count("lgw_audit_timestamps_total", "outcome=\"ok\"");
    const bool wasAlerted = alerted_.exchange(false);
    const bool wasFailing = failingAlerted_.exchange(false);
    covered();
    if (wasAlerted || wasFailing) {
        auto resuming = resumed();
        co_await std::move(resuming);
    }
    co_return 1;
}

asio::awaitable<int> AuditTimestamper::failed(std::string why) {
    s_.metrics.count("lgw_audit_timestamps_total", "outcome=\"failed\"");
    logger("audit")->warn("audit checkpoint time-stamp failed: {}", why);
    {
        std::lock_guard lock(mutex_);
        lastError_ = why;
    }
    // One alert when stamps start failing (the trail is still within max_age_s), one more if it goes
    // stale; both once until a stamp succeeds again.
    // Each flag is set once its alert is written: a failed write (the audit store down too) is
    // tried again on the next failing pass.
    if (!stale() && !failingAlerted_.load()) {
        auto e = actorEvent(kTimestamper, "audit.timestamp_failed", "tsa", "", "error",
                            {{"reason", why}, {"max_age_s", o_.maxAgeMs / 1000}});
        e.alert = true;
        auto recording = auditor_.record(std::move(e));
        co_await std::move(recording);
        failingAlerted_ = true;
    }
    if (stale() && !alerted_.load()) {
        auto e = actorEvent(kTimestamper, "audit.timestamp_stale", "tsa", "", "error",
                            {{"reason", why},
                             {"covered_until", rfc3339Utc(coveredAtMs_.load())},
                             {"max_age_s", o_.maxAgeMs / 1000},
                             {"refusing", o_.refuseWhenStale}});
        e.alert = true;
        auto recording = auditor_.record(std::move(e));
        co_await std::move(recording);
        alerted_ = true;
    }
    co_return 0;
}

asio::awaitable<void> AuditTimestamper::resumed() {
    logger("audit")->info("audit time-stamps resumed at checkpoint seq {}", stampedSeq_.load());
    auto e = actorEvent(kTimestamper, "audit.timestamp_resumed", "tsa", "", "allowed",
                        {{"checkpoint_seq", stampedSeq_.load()}});
    auto recording = auditor_.record(std::move(e));
    co_await std::move(recording);
}

}  // namespace lgw::gateway
