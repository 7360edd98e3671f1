#include "gateway/services/retention.hpp"

#include "gateway/http/logging.hpp"
#include "gateway/services/periodic.hpp"
#include "security/audit_detail.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;

asio::awaitable<int> retentionPass(Services& s, Auditor& auditor) {
    const auto days = s.config.retention.documentsDays;
    if (days <= 0) co_return 0;
    const std::int64_t now = s.nowMs();
    const std::int64_t cutoff = now - static_cast<std::int64_t>(days) * 86400000;
    int purged = 0;
    // A batch at a time; each document is shredded in one transaction with its audit event, so a
    // failing audit log leaves it whole (and the pass stops, to try again on its next run).
    for (;;) {
        std::function<std::vector<std::string>()> due = [&s, cutoff] { return s.store.documentsCreatedBefore(cutoff, 100); };
        auto ids = co_await s.blocking.call(std::move(due));
        for (auto& id : ids) {
            auto e = actorEvent(Actor{"retention", "system", ""}, "document.purge", id, "", "allowed",
                                {{"retention_days", days}, {"shredded", "data key, fields read, e-licence record"}});
            store::AuditedAction shred = [&s, id, now](store::AuditEvent&) { return s.store.purgeDocument(id, now); };
            auto shredding = auditor.recordWith(std::move(e), std::move(shred));
            if (co_await std::move(shredding)) ++purged;
        }
        if (ids.size() < 100) break;
    }
    if (purged) logger("retention")->info("purged documents={} older_than_days={}", purged, days);
    co_return purged;
}

asio::awaitable<void> runRetention(Services& s, Auditor& auditor) {
    if (s.config.retention.documentsDays <= 0) co_return;
    auto loop = runPeriodically("retention", "retention pass", s.config.retention.intervalMs,
                                [&s, &auditor] { return retentionPass(s, auditor); });
    co_await std::move(loop);
}

}  // namespace lgw::gateway
