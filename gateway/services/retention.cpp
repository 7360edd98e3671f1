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
    std::function<std::vector<std::string>()> purge = [&s, cutoff, now] { return s.store.purgeDocumentsBefore(cutoff, now); };
    auto ids = co_await s.blocking.call(std::move(purge));
    for (auto& id : ids) {
        auto e = actorEvent(Actor{"retention", "system", ""}, "document.purge", id, "", "allowed",
                            {{"retention_days", days}});
        co_await auditor.record(std::move(e));
    }
    if (!ids.empty()) logger("retention")->info("purged documents={} older_than_days={}", ids.size(), days);
    co_return static_cast<int>(ids.size());
}

asio::awaitable<void> runRetention(Services& s, Auditor& auditor) {
    if (s.config.retention.documentsDays <= 0) co_return;
    auto loop = runPeriodically("retention", "retention pass", s.config.retention.intervalMs,
                                [&s, &auditor] { return retentionPass(s, auditor); });
    co_await std::move(loop);
}

}  // namespace lgw::gateway
