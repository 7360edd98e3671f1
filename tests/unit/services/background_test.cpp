// The background services on a frozen clock, one pass at a time: the push worker against a
// scripted marketing system, the reminder scheduler against a scripted SMS provider. Each pass
// is called directly (tick()), so the test moves time instead of waiting for a timer.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "gateway/services/packages.hpp"
#include "gateway/services/push_worker.hpp"
#include "gateway/services/reminder_scheduler.hpp"
#include "gateway/services/retention.hpp"
#include "imaging/canvas.hpp"
#include "tests/common/service_harness.hpp"
#include "tests/common/fake_marketing.hpp"
#include "tests/common/fake_sms.hpp"
#include "tests/common/memory_vault.hpp"
#include "tests/common/run_coroutine.hpp"

namespace lgw::gateway {
namespace {

using adapters::marketing::Delivery;
using adapters::marketing::DeliveryOutcome;
using testing::runCoroutine;
using namespace std::chrono_literals;
namespace asio = boost::asio;

const Actor kDesk{"desk-a", "front_desk", "req-1"};

class BackgroundTest : public ::testing::Test, protected testing::ServiceHarness {
protected:
    BackgroundTest() {
        cfg.marketing.backoffBaseMs = 1000;
        cfg.marketing.backoffCapMs = 60000;
    }

    // A package of one scanned identity document, queued for the marketing system: its id.
    std::string queuedPackage() {
        store.insertApplication({"APP-P", "low_voltage_residential", "模拟居民", "16000000004", "desk-a",
                                 clock->nowMs(), clock->nowMs()});
        store::DocumentMeta d;
        d.id = "D-ID";
        d.applicationId = "APP-P";
        d.source = "scan";
        d.docType = "id_card_front";
        d.contentType = "image/png";
        d.createdBy = "desk-a";
        d.createdAt = clock->nowMs();
        imaging::Canvas page(320, 200, {250, 250, 245});
        vault.put(d, page.encodePng());
        store.insertDocument(d);
        auto built = runCoroutine(packages.build(kDesk, "APP-P"));
        EXPECT_TRUE(built) << built.error().detail;
        auto queued = runCoroutine(packages.push(kDesk, built->package.packageId));
        EXPECT_TRUE(queued);
        return built->package.packageId;
    }

    config::Materials materials = testing::shippedMaterials();
    testing::MemoryVault vault;
    testing::FakeMarketing marketing;
    testing::FakeSms sms;
    PackageService packages{{services, auditor, materials}};
    PushWorker worker{services, auditor, vault, marketing};
    ReminderScheduler reminders{services, sms, auditor};
};

TEST_F(BackgroundTest, AQueuedPackageIsDeliveredOnceWithAWatermarkedCopy) {
    const std::string id = queuedPackage();
    EXPECT_EQ(runCoroutine(worker.tick()), 1);
    ASSERT_EQ(marketing.deliveries.size(), 1u);
    EXPECT_EQ(marketing.deliveries[0].first, id);
    auto body = boost::json::parse(marketing.deliveries[0].second).as_object();
    EXPECT_EQ(body.at("package_id").as_string(), id);
    EXPECT_EQ(body.at("materials").as_array().size(), 1u);
    EXPECT_EQ(store.outboxEntry(id)->status, "delivered");
    EXPECT_EQ(runCoroutine(worker.tick()), 0);
    EXPECT_EQ(marketing.deliveries.size(), 1u) << "delivered means not again";
    store::AuditFilter copies;
    copies.action = "document.push";
    EXPECT_EQ(store.auditEvents(copies).size(), 1u) << "the copy that left is traceable to its download";
}

TEST_F(BackgroundTest, ARetryWaitsItsBackoffOnTheClock) {
    const std::string id = queuedPackage();
    marketing.script.push_back(Delivery{DeliveryOutcome::kRetry, 503, "503 busy"});
    EXPECT_EQ(runCoroutine(worker.tick()), 1);
    auto row = store.outboxEntry(id);
    EXPECT_EQ(row->status, "retrying");
    EXPECT_EQ(row->lastError, "503 busy");
    // Full jitter: somewhere in [now, now + base) for the first retry.
    EXPECT_GE(row->nextAttemptAt, clock->nowMs());
    EXPECT_LT(row->nextAttemptAt, clock->nowMs() + 1000);
    if (row->nextAttemptAt > clock->nowMs()) {
        EXPECT_EQ(runCoroutine(worker.tick()), 0) << "not due yet: the clock has not moved";
    }
    clock->advance(61s);  // past the cap of the backoff
    EXPECT_EQ(runCoroutine(worker.tick()), 1);
    EXPECT_EQ(store.outboxEntry(id)->status, "delivered");
    EXPECT_EQ(marketing.deliveries.size(), 2u);
}

TEST_F(BackgroundTest, ARejectedPackageIsADeadLetterUntilReplayed) {
    const std::string id = queuedPackage();
    marketing.script.push_back(Delivery{DeliveryOutcome::kRejected, 422, "422 missing customer"});
    runCoroutine(worker.tick());
    EXPECT_EQ(store.outboxEntry(id)->status, "dead_letter");
    EXPECT_EQ(runCoroutine(worker.tick()), 0);
    ASSERT_TRUE(runCoroutine(packages.replay(kDesk, id)));
    EXPECT_EQ(runCoroutine(worker.tick()), 1);
    EXPECT_EQ(store.outboxEntry(id)->status, "delivered");
}

TEST_F(BackgroundTest, AReminderGoesOutWhenTheClockReachesItAndOnlyOnce) {
    store::Reminder r;
    r.dedupeKey = "licence:X:7";
    r.phone = "16000000005";
    r.templateName = "licence_expiring";
    r.paramsJson = R"({"licence":"营业执照","days":7})";
    r.dueAt = clock->nowMs() + 3600000;
    ASSERT_TRUE(store.scheduleReminder(r));
    EXPECT_EQ(runCoroutine(reminders.tick()), 0);
    clock->advance(2h);
    EXPECT_EQ(runCoroutine(reminders.tick()), 1);
    ASSERT_EQ(sms.sent.size(), 1u);
    EXPECT_EQ(sms.sent[0].params.at("days"), "7");
    EXPECT_EQ(runCoroutine(reminders.tick()), 0) << "at most once";
}

TEST_F(BackgroundTest, AReminderThatCannotBeSentIsAuditedNotRetried) {
    store::Reminder r;
    r.dedupeKey = "material:APP:x:1";
    r.phone = "16000000006";
    r.templateName = "materials_due";
    r.dueAt = clock->nowMs();
    ASSERT_TRUE(store.scheduleReminder(r));
    sms.failWith = adapters::sms::SmsError{"provider down"};
    EXPECT_EQ(runCoroutine(reminders.tick()), 0);
    store::AuditFilter f;
    f.action = "reminder.send";
    auto events = store.auditEvents(f);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].outcome, "error");
    EXPECT_EQ(events[0].detailJson.find("16000000006"), std::string::npos) << "the phone only masked";
}

TEST_F(BackgroundTest, RetentionShredsWhatIsOlderThanItsDaysOnTheClock) {
    cfg.retention.documentsDays = 30;
    queuedPackage();  // one document, created now
    EXPECT_EQ(runCoroutine(retentionPass(services, auditor)), 0);
    clock->advance(std::chrono::hours(24 * 31));
    EXPECT_EQ(runCoroutine(retentionPass(services, auditor)), 1);
    auto doc = store.document("D-ID");
    ASSERT_TRUE(doc);
    EXPECT_NE(doc->purgedAt, 0);
    EXPECT_TRUE(doc->wrappedKey.empty()) << "its data key is destroyed";
    store::AuditFilter f;
    f.action = "document.purge";
    EXPECT_EQ(store.auditEvents(f).size(), 1u);
    EXPECT_EQ(runCoroutine(retentionPass(services, auditor)), 0) << "once";
}

// An e-licence copy ends at its annotation's expiry (copy_expires_at), whatever documents_days says.
TEST_F(BackgroundTest, RetentionShredsAnELicenceCopyWhenItsCopyExpires) {
    cfg.retention.documentsDays = 0;
    store::DocumentMeta d{"D-COPY", "APP", "e_licence", "business_licence", "image/png", 1, "h", "b", 1, "w",
                          R"({"name":"合成示例"})", "desk", clock->nowMs(), 0};
    d.expiresAt = clock->nowMs() + 3600000;
    store::LicenceRecord l{"D-COPY", "APP", "i", "business_licence", "n", "合成示例", "c", "is", "", "", "", "{}"};
    store.insertLicenceDocument(d, l);
    EXPECT_EQ(runCoroutine(retentionPass(services, auditor)), 0) << "an hour to go";
    clock->advance(std::chrono::minutes(61));
    EXPECT_EQ(runCoroutine(retentionPass(services, auditor)), 1);
    auto doc = store.document("D-COPY");
    EXPECT_NE(doc->purgedAt, 0);
    EXPECT_TRUE(doc->wrappedKey.empty());
    EXPECT_EQ(doc->fieldsJson, "{}");
    EXPECT_FALSE(store.licence("D-COPY")) << "the licence record goes with it";
    store::AuditFilter f;
    f.action = "document.purge";
    auto events = store.auditEvents(f);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_NE(events[0].detailJson.find("copy_expired"), std::string::npos) << events[0].detailJson;
}

TEST(Auditor, SignsACheckpointEveryNEventsStampedByTheClock) {
    testing::ServiceHarness h;
    gateway::Auditor signing(h.store, h.pool, h.metrics, h.clock,
                             security::PrivateKey::generate(security::SignatureAlg::kEcdsaP256Sha256), 3);
    for (int i = 0; i < 7; ++i) {
        store::AuditEvent e;
        e.actor = "desk-a";
        e.action = "application.read";
        e.outcome = "allowed";
        runCoroutine(signing.record(std::move(e)));
        h.clock->advance(1s);
    }
    auto cps = h.store.checkpoints();
    ASSERT_EQ(cps.size(), 2u) << "after the 3rd and the 6th";
    EXPECT_EQ(cps[0].seq, 3);
    EXPECT_EQ(cps[1].seq, 6);
    EXPECT_EQ(cps[0].at, testing::ServiceHarness::kStartMs + 2000) << "the clock's time, not the system's";
    auto events = h.store.auditRange(1, 7);
    ASSERT_EQ(events.size(), 7u);
    EXPECT_EQ(events[6].at, testing::ServiceHarness::kStartMs + 6000);
}

// The store under an Auditor, seen from the outside: the groups it is asked to write. The first
// group is held until `release` is set, so that the records arriving meanwhile queue behind it.
class GroupRecordingLog final : public store::AuditLog {
public:
    explicit GroupRecordingLog(store::AuditLog& inner) : inner_(inner) {}
    std::atomic<bool> release{false};
    std::mutex m;
    std::vector<std::size_t> groups;  ///< guarded by m

    void appendAuditGroup(const std::vector<store::AuditAppend*>& group) override {
        bool first = false;
        {
            std::lock_guard lock(m);
            first = groups.empty();
            groups.push_back(group.size());
        }
        while (first && !release) std::this_thread::sleep_for(1ms);
        inner_.appendAuditGroup(group);
    }
    store::AuditEvent appendAudit(store::AuditEvent e, const store::AuditHasher& h) override { return inner_.appendAudit(std::move(e), h); }
    std::optional<store::AuditEvent> appendAuditWith(store::AuditEvent e, const store::AuditHasher& h,
                                                     const store::AuditedAction& a) override {
        return inner_.appendAuditWith(std::move(e), h, a);
    }
    std::vector<store::AuditEvent> auditEvents(const store::AuditFilter& f) override { return inner_.auditEvents(f); }
    std::vector<store::AuditEvent> auditRange(std::int64_t a, std::int64_t b) override { return inner_.auditRange(a, b); }
    std::optional<store::AuditEvent> auditHead() override { return inner_.auditHead(); }
    void insertCheckpoint(const store::AuditCheckpoint& cp) override { inner_.insertCheckpoint(cp); }
    bool setCheckpointTimestamp(const store::AuditCheckpoint& cp, const std::string& t) override {
        return inner_.setCheckpointTimestamp(cp, t);
    }
    std::vector<store::AuditCheckpoint> checkpoints() override { return inner_.checkpoints(); }

private:
    store::AuditLog& inner_;
};

struct RecordOutcome {
    std::optional<store::AuditEvent> stored;
    std::string error;
};

asio::awaitable<void> recordOne(Auditor* auditor, store::AuditEvent event, int kind, RecordOutcome* out, int* finished) {
    try {
        store::AuditedAction action = [kind](store::AuditEvent&) -> bool {
            if (kind == 1) throw std::invalid_argument("this record's own failure");
            return kind != 2;  // 2: nothing to record
        };
        auto recording = auditor->recordWith(std::move(event), std::move(action));
        out->stored = co_await std::move(recording);
    } catch (const std::invalid_argument& e) {
        out->error = e.what();
    }
    ++*finished;
}

// Issue 21's group commit: the records that arrive while a group is being written go into the next
// group together, each keeps its own outcome, and every caller is answered.
TEST(Auditor, RecordsArrivingDuringAWriteAreWrittenAsTheNextGroup) {
    testing::ServiceHarness h;
    BlockingPool pool(4);
    GroupRecordingLog log(h.store);
    Auditor auditor(log, pool, h.metrics, h.clock);
    asio::io_context io;
    constexpr int kRecords = 21;
    std::vector<RecordOutcome> outcomes(kRecords);
    int finished = 0;
    auto spawn = [&](int i) {
        store::AuditEvent e;
        e.actor = "desk-" + std::to_string(i);
        e.action = "application.read";
        e.outcome = "allowed";
        // Of the 20 queued behind the first, every 5th throws and every 7th has nothing to record.
        const int kind = i == 0 ? 0 : i % 5 == 0 ? 1 : i % 7 == 0 ? 2 : 0;
        asio::co_spawn(io, recordOne(&auditor, std::move(e), kind, &outcomes[static_cast<std::size_t>(i)], &finished),
                       asio::detached);
    };
    // The first record alone, until its group is in the store (and held there)...
    spawn(0);
    const auto giveUp = std::chrono::steady_clock::now() + 10s;
    for (bool queued = false; !queued;) {
        io.poll();
        std::lock_guard lock(log.m);
        queued = !log.groups.empty();
        if (!queued && std::chrono::steady_clock::now() > giveUp) {
            log.release = true;
            FAIL() << "the Auditor never wrote a group (records written one by one?)";
        }
    }
    // ...then 20 more, which queue behind it while it is written.
    for (int i = 1; i < kRecords; ++i) spawn(i);
    std::thread releaser([&] {
        std::this_thread::sleep_for(50ms);
        log.release = true;
    });
    io.run();
    releaser.join();
    EXPECT_EQ(finished, kRecords);
    {
        std::lock_guard lock(log.m);
        EXPECT_EQ(log.groups, (std::vector<std::size_t>{1, 20}));
    }
    int stored = 0;
    for (int i = 0; i < kRecords; ++i) {
        const auto& o = outcomes[static_cast<std::size_t>(i)];
        if (i > 0 && i % 5 == 0) {
            EXPECT_EQ(o.error, "this record's own failure") << i;
            EXPECT_FALSE(o.stored) << i;
        } else if (i > 0 && i % 7 == 0) {
            EXPECT_FALSE(o.stored) << i;
            EXPECT_TRUE(o.error.empty()) << i;
        } else {
            ASSERT_TRUE(o.stored) << i;
            EXPECT_EQ(o.stored->actor, "desk-" + std::to_string(i));
            ++stored;
        }
    }
    EXPECT_EQ(stored, 21 - 4 - 2);  // 5, 10, 15, 20 threw; 7, 14 had nothing
    EXPECT_EQ(h.store.auditHead()->seq, stored);
    EXPECT_EQ(auditor.highestSeq(), stored);
}

}  // namespace
}  // namespace lgw::gateway
