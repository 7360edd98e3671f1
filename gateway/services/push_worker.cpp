#include "gateway/services/push_worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>

#include "adapters/http/backoff.hpp"
#include "adapters/marketing/push_body.hpp"
#include "gateway/http/logging.hpp"
#include "security/audit_detail.hpp"
#include "gateway/services/time_text.hpp"
#include "security/crypto.hpp"
#include "security/watermark.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;
using Millis = std::int64_t;

namespace {

// The body of one delivery, or the reason it cannot be built (a dead letter: retrying will not
// make a missing document appear). Blocking: decrypts and watermarks.
struct Built {
    std::string body;
    std::string error;
    std::vector<store::AuditEvent> copies;  ///< one per document copy that leaves
};

Built buildBody(Services& s, adapters::blob::DocumentVault& vault, const std::string& packageId, Millis now,
                const std::string& owner) {
    Built b;
    auto pkg = s.store.package(packageId);
    if (!pkg) {
        b.error = "package " + packageId + " no longer exists";
        return b;
    }
    auto body = adapters::marketing::PushBody::fromStored(pkg->bodyJson);
    if (!body) {
        b.error = "package " + packageId + " has an unreadable body";
        return b;
    }
    if (auto app = s.store.application(pkg->applicationId)) body->setCustomer(app->customerName, app->phone);
    for (auto& m : body->materials()) {
        auto meta = s.store.document(m.documentId);
        auto bytes = meta ? vault.get(*meta) : std::nullopt;
        if (!bytes) {
            b.error = "document " + m.documentId + " of material " + m.material +
                      " cannot be read (purged, retired key or missing blob); build a new package";
            return b;
        }
        std::string downloadId = security::randomId128().substr(0, 16);
        security::WatermarkText text{pkg->applicationId, "营销系统", utcFormat(now, "%Y-%m-%d %H:%M UTC"), downloadId};
        // A sealed OFD licence goes as the platform sealed it (the receiver verifies the seal); an
        // image goes watermarked for this delivery.
        const bool sealedFile = meta->contentType == "application/ofd";
        auto copy = sealedFile ? bytes : security::watermarkImage(*bytes, text, s.markKey);
        if (!copy) {
            b.error = "document " + m.documentId + " is not an image the watermark can be drawn on";
            return b;
        }
        std::string sha = security::sha256Hex(*copy);
        body->addDocument(m, meta->source, meta->docType, meta->fieldsJson, sha, *copy,
                          sealedFile ? "application/ofd" : "image/png");
        b.copies.push_back(actorEvent(Actor{owner, "system", ""}, "document.push", m.documentId, pkg->applicationId,
                                      "allowed",
                                      {{"package_id", packageId}, {"download_id", downloadId}, {"sha256_of_copy", sha},
                                       {"copy", sealedFile ? "sealed_file" : "watermarked"}}));
        // A licence copy that leaves is in its holder's access record.
        if (meta->source == "e_licence")
            if (auto rec = s.store.licence(m.documentId)) b.copies.back().subject = rec->holderCode;
    }
    b.body = body->serialize(packageId, pkg->applicationId);
    return b;
}

}  // namespace

PushWorker::PushWorker(Services& services, Auditor& auditor, adapters::blob::DocumentVault& vault,
                       adapters::marketing::MarketingSystem& marketing)
    : s_(services), auditor_(auditor), vault_(vault), marketing_(marketing),
      owner_("push-" + std::to_string(::getpid()) + "-" + security::randomId128().substr(0, 8)) {}

std::int64_t PushWorker::backoffMs(int attempts) {
    auto& m = s_.config.marketing;
    return adapters::http::fullJitterBackoffMs(std::max(0, attempts - 1), m.backoffBaseMs, m.backoffCapMs);
}

asio::awaitable<void> PushWorker::deliver(store::OutboxEntry row) {
    const Millis now = s_.nowMs();
    const std::string id = row.packageId;
    std::function<Built()> build = [this, id, now] { return buildBody(s_, vault_, id, now, owner_); };
    Built b = co_await s_.blocking.call(std::move(build));
    for (auto& e : b.copies) co_await auditor_.record(std::move(e));
    std::string outcome, error;
    if (!b.error.empty()) {
        outcome = "dead_letter";
        error = b.error;
    } else {
        auto d = co_await marketing_.deliver(id, std::move(b.body));
        error = d.detail;
        if (d.outcome == adapters::marketing::DeliveryOutcome::kDelivered) outcome = "delivered";
        else if (d.outcome == adapters::marketing::DeliveryOutcome::kRejected) outcome = "dead_letter";
        else if (row.attempts >= s_.config.marketing.maxAttempts) {
            outcome = "dead_letter";
            error = "gave up after " + std::to_string(row.attempts) + " attempts; last: " + d.detail;
        } else {
            outcome = "retrying";
        }
    }
    const Millis settleAt = s_.nowMs();
    const Millis next = settleAt + backoffMs(row.attempts);
    s_.metrics.count("lgw_push_attempts_total", "outcome=\"" + outcome + "\"");
    // The outbox row settles with its package.<outcome> event in one transaction.
    auto settled = std::make_shared<bool>(false);
    store::AuditEvent e = actorEvent(Actor{owner_, "system", ""}, "package." + outcome, id, "",
                                     outcome == "dead_letter" ? "error" : "allowed");
    e.alert = outcome == "dead_letter";
    const int attempt = row.attempts;
    store::AuditedAction settle = [this, id, outcome, error, settleAt, next, attempt, settled](store::AuditEvent& ev) {
        if (outcome == "delivered") *settled = s_.store.markDelivered(id, owner_, settleAt);
        else if (outcome == "retrying") *settled = s_.store.markRetry(id, owner_, error, next);
        else *settled = s_.store.markDeadLetter(id, owner_, error);
        ev.detailJson = security::AuditDetail{{"attempt", attempt}, {"detail", error}, {"lease_held", *settled}}.json();
        return true;
    };
    auto settling = auditor_.recordWith(std::move(e), std::move(settle));
    co_await std::move(settling);
    if (!*settled)
        logger("push")->warn("package_id={} settled elsewhere: this worker's lease expired before {}", id, outcome);
}

asio::awaitable<int> PushWorker::tick() {
    auto& m = s_.config.marketing;
    const Millis now = s_.nowMs();
    std::function<std::vector<store::OutboxEntry>()> claim = [this, now, m] {
        return s_.store.claimOutbox(owner_, now, m.leaseMs, m.batch);
    };
    auto rows = co_await s_.blocking.call(std::move(claim));
    if (rows.empty()) co_return 0;
    // The rows of a pass are delivered concurrently: decrypting and watermarking the copies runs on
    // the blocking pool's threads side by side, and one slow receiver answer does not hold up the
    // rest. The pass ends when every delivery has settled (or failed and left its lease to expire).
    using Done = asio::experimental::concurrent_channel<void(boost::system::error_code)>;
    auto executor = co_await asio::this_coro::executor;
    auto done = std::make_shared<Done>(executor, rows.size());
    for (auto& row : rows) {
        std::string id = row.packageId;
        asio::co_spawn(executor, deliver(row), [done, id](std::exception_ptr ep) {
            if (ep) {
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception& ex) {
                    // The lease runs out and the row is claimed again; nothing is lost.
                    logger("push")->error("package_id={} delivery failed: {}", id, ex.what());
                } catch (...) {
                    logger("push")->error("package_id={} delivery failed", id);
                }
            }
            done->try_send(boost::system::error_code{});
        });
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto [ec] = co_await done->async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec) break;  // the channel was closed: the server is stopping
    }
    co_return static_cast<int>(rows.size());
}

void PushWorker::wake() {
    auto t = std::atomic_load(&timer_);
    if (!t) return;
    woken_ = true;
    asio::post(t->get_executor(), [t] { t->cancel(); });
}

asio::awaitable<void> PushWorker::run() {
    auto timerPtr = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    std::atomic_store(&timer_, timerPtr);
    auto& timer = *timerPtr;
    for (;;) {
        int n = 0;
        try {
            n = co_await tick();
        } catch (const std::exception& ex) {
            logger("push")->error("push pass failed: {}", ex.what());
        }
        if (n == s_.config.marketing.batch) continue;  // more may be due: no pause
        if (woken_.exchange(false)) continue;           // a push came in while this pass ran
        timer.expires_after(std::chrono::milliseconds(s_.config.marketing.pollIntervalMs));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec && !woken_.exchange(false)) co_return;  // cancelled by a stop, not by wake()
    }
}

}  // namespace lgw::gateway
