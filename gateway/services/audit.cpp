#include "gateway/services/audit.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "gateway/http/logging.hpp"
#include "security/crypto.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {

store::AuditEvent actorEvent(const Actor& who, std::string action, std::string target, std::string app,
                             std::string outcome, const security::AuditDetail& detail) {
    store::AuditEvent e;
    e.actor = who.id;
    e.role = who.role;
    e.requestId = who.requestId;
    e.action = std::move(action);
    e.target = std::move(target);
    e.applicationId = std::move(app);
    e.outcome = std::move(outcome);
    e.detailJson = detail.json();
    return e;
}

store::AuditHasher auditHasher(bool national) { return national ? &auditHashSm3 : &auditHash; }

Auditor::Auditor(store::AuditLog& log, BlockingPool& blocking, Metrics& metrics, std::shared_ptr<const Clock> clock,
                 std::optional<security::PrivateKey> signingKey, int checkpointEvery, store::AuditHasher hasher)
    : store_(log), blocking_(blocking), metrics_(metrics), key_(std::move(signingKey)), every_(checkpointEvery),
      hasher_(std::move(hasher)), clock_(std::move(clock)) {
    auto cps = store_.checkpoints();
    if (!cps.empty()) {
        lastCheckpoint_ = cps.back().seq;
        last_ = cps.back();
    }
    if (auto head = store_.auditHead()) highestSeq_ = head->seq;
}

std::optional<security::PublicKey> Auditor::publicKey() const {
    if (!key_) return std::nullopt;
    return key_->publicKey();
}

security::ExportTrailer Auditor::signTrailer(security::ExportTrailer t) const {
    t.at = clock_->nowMs();
    if (key_) t.signature = security::base64Encode(key_->sign(key_->alg(), security::trailerMessage(t)));
    return t;
}

std::optional<store::AuditCheckpoint> Auditor::checkpointNow(bool reuse) {
    if (!key_) return std::nullopt;
    auto head = store_.auditHead();
    if (!head) return std::nullopt;
    if (reuse) {
        std::lock_guard lock(lastMutex_);
        if (last_ && last_->seq == head->seq && last_->headHash == head->hash) return last_;
    }
    store::AuditCheckpoint cp;
    cp.seq = head->seq;
    cp.headHash = head->hash;
    cp.at = clock_->nowMs();
    cp.signature = security::base64Encode(key_->sign(key_->alg(), checkpointMessage(cp)));
    store_.insertCheckpoint(cp);
    lastCheckpoint_ = cp.seq;
    std::lock_guard lock(lastMutex_);
    last_ = cp;
    return cp;
}

void Auditor::referenceSubjectsWith(std::string key) { subjectKey_ = std::move(key); }

std::string Auditor::subjectReference(std::string_view code) const {
    if (subjectKey_.empty() || code.empty() || code.rfind("h:", 0) == 0) return std::string(code);
    return security::subjectReference(subjectKey_, code);
}

boost::asio::awaitable<store::AuditEvent> Auditor::record(store::AuditEvent event) {
    auto recording = recordWith(std::move(event), [](store::AuditEvent&) { return true; });
    auto stored = co_await std::move(recording);
    co_return std::move(*stored);
}

namespace {
namespace asio = boost::asio;
using Wake = asio::experimental::concurrent_channel<void(boost::system::error_code)>;
// Enough to take a burst of requests into one transaction; more wait for the next group.
constexpr std::size_t kMaxGroup = 256;
}  // namespace

/// One record waiting for its group: its append, and the channel its caller waits on.
struct Auditor::Pending {
    explicit Pending(const asio::any_io_executor& ex) : wake(ex, 2) {}
    store::AuditAppend append;
    bool done = false;  ///< guarded by queueMutex_: its group was written (result or error set)
    bool lead = false;  ///< guarded by queueMutex_: this caller writes the next group
    Wake wake;          ///< one message when done, one when asked to lead
};

bool Auditor::enqueue(const std::shared_ptr<Pending>& p) {
    std::lock_guard lock(queueMutex_);
    queue_.push_back(p);
    if (writing_) return false;
    writing_ = true;
    return true;
}

void Auditor::writeGroup() {
    std::vector<std::shared_ptr<Pending>> group;
    {
        std::lock_guard lock(queueMutex_);
        const auto n = std::min(queue_.size(), kMaxGroup);
        group.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    std::vector<store::AuditAppend*> appends;
    appends.reserve(group.size());
    for (auto& p : group) appends.push_back(&p->append);
    try {
        store_.appendAuditGroup(appends);  // never throws by contract; a bug's exception is everyone's
    } catch (...) {
        for (auto* a : appends) {
            a->result.reset();
            a->error = std::current_exception();
        }
    }
    std::int64_t highest = 0;
    for (auto* a : appends)
        if (a->result) highest = std::max(highest, a->result->seq);
    for (auto seen = highestSeq_.load(); highest > seen && !highestSeq_.compare_exchange_weak(seen, highest);) {
    }
    if (key_ && highest > 0 && highest - lastCheckpoint_.load() >= every_) {
        try {
            checkpointNow();
        } catch (const std::exception& ex) {  // the events are stored; the next group signs again
            logger("audit")->warn("checkpoint after seq={} not written: {}", highest, ex.what());
        }
    }
    std::shared_ptr<Pending> next;
    {
        std::lock_guard lock(queueMutex_);
        for (auto& p : group) p->done = true;
        if (queue_.empty()) {
            writing_ = false;
        } else {
            next = queue_.front();
            next->lead = true;
        }
    }
    for (auto& p : group) p->wake.try_send(boost::system::error_code{});
    if (next) next->wake.try_send(boost::system::error_code{});
}

boost::asio::awaitable<std::optional<store::AuditEvent>> Auditor::recordWith(store::AuditEvent event,
                                                                              store::AuditedAction action) {
    if (event.at == 0) event.at = clock_->nowMs();
    // The action may complete the event, its subject too: the subject is referenced after it.
    store::AuditedAction completed = [this, action = std::move(action)](store::AuditEvent& e) {
        if (!action(e)) return false;
        e.subject = subjectReference(e.subject);
        return true;
    };
    auto executor = co_await asio::this_coro::executor;
    auto pending = std::make_shared<Pending>(executor);
    pending->append.event = std::move(event);
    pending->append.hasher = hasher_;
    pending->append.action = std::move(completed);
    bool lead = enqueue(pending);
    for (;;) {
        if (lead) {
            std::function<void()> write = [this] { writeGroup(); };
            co_await blocking_.run(std::move(write));
        }
        {
            std::lock_guard lock(queueMutex_);
            if (pending->done) break;
        }
        auto waiting = pending->wake.async_receive(asio::as_tuple(asio::use_awaitable));
        co_await std::move(waiting);
        std::lock_guard lock(queueMutex_);
        if (pending->done) break;
        lead = std::exchange(pending->lead, false);
    }
    if (pending->append.error) std::rethrow_exception(pending->append.error);
    auto stored = std::move(pending->append.result);
    if (stored && stored->alert) {
        metrics_.count("lgw_alerts_total", "action=\"" + promEscape(stored->action) + "\"");
        logger("audit")->warn("ALERT seq={} action={} actor={} target={} outcome={} request_id={}", stored->seq,
                              stored->action, stored->actor, stored->target, stored->outcome, stored->requestId);
    }
    co_return stored;
}

}  // namespace lgw::gateway
