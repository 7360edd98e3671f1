#include "gateway/services/retention.hpp"

#include "gateway/http/logging.hpp"
#include "gateway/services/periodic.hpp"
#include "security/audit_detail.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;

namespace {

constexpr int kRetentionBatch = 100;

// Shreds the documents `due` names, a batch at a time; each in one transaction with its audit
// event, so a failing audit log leaves it whole (it is due again on the next pass).
asio::awaitable<int> shredDue(Services& s, Auditor& auditor, std::function<std::vector<std::string>()> due,
                              std::string reason, security::AuditDetail::Value detail, std::int64_t now) {
    int purged = 0;
    for (;;) {
        std::function<std::vector<std::string>()> batch = due;
        auto ids = co_await s.blocking.call(std::move(batch));
        int done = 0;
        for (auto& id : ids) {
            auto e = actorEvent(Actor{"retention", "system", ""}, "document.purge", id, "", "allowed",
                                {{"reason", reason}, {"after", detail},
                                 {"shredded", "data key, fields read, e-licence record"}});
            store::AuditedAction shred = [&s, id, now](store::AuditEvent&) { return s.store.purgeDocument(id, now); };
            auto shredding = auditor.recordWith(std::move(e), std::move(shred));
            if (co_await std::move(shredding)) ++done;
        }
        purged += done;
        if (static_cast<int>(ids.size()) < kRetentionBatch || done == 0) break;
    }
    co_return purged;
}

}  // namespace

asio::awaitable<int> retentionPass(Services& s, Auditor& auditor) {
    const auto days = s.config.retention.documentsDays;
    const std::int64_t now = s.nowMs();
    // E-licence copies end at their annotation's expiry, whatever documents_days says.
    auto expired = shredDue(s, auditor, [&s, now] { return s.store.documentsExpiredBy(now, kRetentionBatch); },
                            "copy_expired", std::string("copy_expires_at"), now);
    int purged = co_await std::move(expired);
    if (days > 0) {
        const std::int64_t cutoff = now - static_cast<std::int64_t>(days) * 86400000;
        auto old = shredDue(s, auditor, [&s, cutoff] { return s.store.documentsCreatedBefore(cutoff, kRetentionBatch); },
                            "retention_days", std::int64_t{days}, now);
        purged += co_await std::move(old);
    }
    if (purged) logger("retention")->info("purged documents={} retention_days={}", purged, days);
    co_return purged;
}

asio::awaitable<void> runRetention(Services& s, Auditor& auditor) {
    auto loop = runPeriodically("retention", "retention pass", s.config.retention.intervalMs,
                                [&s, &auditor] { return retentionPass(s, auditor); });
    co_await std::move(loop);
}

}  // namespace lgw::gateway
