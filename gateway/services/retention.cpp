#include "gateway/services/retention.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/http/logging.hpp"
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
        store::AuditEvent e;
        e.actor = "retention";
        e.role = "system";
        e.action = "document.purge";
        e.target = id;
        e.outcome = "allowed";
        e.detailJson = security::AuditDetail{{"retention_days", days}}.json();
        co_await auditor.record(std::move(e));
    }
    if (!ids.empty()) logger("retention")->info("purged documents={} older_than_days={}", ids.size(), days);
    co_return static_cast<int>(ids.size());
}

asio::awaitable<void> runRetention(Services& s, Auditor& auditor) {
    if (s.config.retention.documentsDays <= 0) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        try {
            co_await retentionPass(s, auditor);
        } catch (const std::exception& ex) {
            logger("retention")->error("retention pass failed: {}", ex.what());
        }
        timer.expires_after(std::chrono::milliseconds(s.config.retention.intervalMs));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
    }
}

}  // namespace lgw::gateway
