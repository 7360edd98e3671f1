// The background services on a frozen clock, one pass at a time: the push worker against a
// scripted marketing system, the reminder scheduler against a scripted SMS provider. Each pass
// is called directly (tick()), so the test moves time instead of waiting for a timer.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "adapters/store/sqlite_store.hpp"
#include "gateway/services/packages.hpp"
#include "gateway/services/push_worker.hpp"
#include "gateway/services/reminder_scheduler.hpp"
#include "imaging/canvas.hpp"
#include "tests/common/fake_clock.hpp"
#include "tests/common/fake_marketing.hpp"
#include "tests/common/fake_sms.hpp"
#include "tests/common/memory_vault.hpp"
#include "tests/common/run_coroutine.hpp"

namespace lgw::gateway {
namespace {

using adapters::marketing::Delivery;
using adapters::marketing::DeliveryOutcome;
using testing::FakeClock;
using testing::runCoroutine;
using namespace std::chrono_literals;

const Actor kDesk{"desk-a", "front_desk", "req-1"};

config::Materials shippedMaterials() {
    auto loaded = config::loadMaterialsFile(std::string(std::getenv("LGW_SOURCE_DIR")) + "/config/materials.toml");
    if (!loaded.materials) throw std::runtime_error("config/materials.toml does not load");
    return *loaded.materials;
}

class BackgroundTest : public ::testing::Test {
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

    config::Config cfg;
    config::Materials materials = shippedMaterials();
    std::shared_ptr<FakeClock> clock = FakeClock::frozenAt(1796083200000);  // 2026-12-01T00:00:00Z
    store::SqliteStore store{store::SqliteOptions{":memory:"}};
    BlockingPool pool{1};
    Metrics metrics{"test"};
    Services services{cfg, store, pool, metrics, [] { return std::string(); }, clock};
    Auditor auditor{store, pool, metrics, clock};
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

}  // namespace
}  // namespace lgw::gateway
