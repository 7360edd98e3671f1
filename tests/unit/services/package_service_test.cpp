// The package domain without HTTP: the shipped checklists (config/materials.toml) judged against
// documents put straight into an in-memory store, on a frozen clock that the test moves. The same
// flows over HTTP, with the push to the marketing simulator, are tests/integration/package_test.cpp.
#include <gtest/gtest.h>

#include "adapters/store/package_body.hpp"
#include "gateway/api/error_mapping.hpp"
#include "gateway/services/packages.hpp"
#include "tests/common/service_harness.hpp"
#include "tests/common/run_coroutine.hpp"

namespace lgw::gateway {
namespace {

using testing::runCoroutine;
constexpr std::int64_t kDay = 86400000;

const Actor kDesk{"desk-a", "front_desk", "req-1"};

class PackageServiceTest : public ::testing::Test, protected testing::ServiceHarness {
protected:
    PackageServiceTest() {
        store::Application app;
        app.id = "APP-R";
        app.customerCategory = "low_voltage_residential";
        app.customerName = "模拟居民";
        app.phone = "16000000003";
        app.createdBy = "desk-a";
        app.createdAt = clock->nowMs();
        store.insertApplication(app);
    }

    // A document of the application as the scan route or the licence fetch would have stored it.
    void addDocument(const std::string& id, const std::string& source, const std::string& type,
                     const std::string& fieldsJson = "{}", const std::string& validTo = "") {
        store::DocumentMeta d;
        d.id = id;
        d.applicationId = "APP-R";
        d.source = source;
        d.docType = type;
        d.contentType = "image/png";
        d.createdBy = "desk-a";
        d.createdAt = clock->nowMs();
        d.fieldsJson = fieldsJson;
        if (source == "e_licence") {
            store::LicenceRecord rec{id, "APP-R", "1.2.156.3005.2.X", type, "110105194912310021", "模拟居民",
                                     "110105194912310021", "公安局", "2020-01-01", "2020-01-01", validTo, fieldsJson};
            store.insertLicenceDocument(d, rec);
        } else {
            store.insertDocument(d);
        }
    }
    const store::PackageItem& item(const store::PackageBody& b, const std::string& material) {
        for (auto& i : b.items)
            if (i.material == material) return i;
        throw std::runtime_error("no item " + material);
    }

    config::Materials materials = testing::shippedMaterials();
    int wakes = 0;
    PackageService packages{{services, auditor, materials, [this] { ++wakes; }}};
};

TEST_F(PackageServiceTest, NoIdentityProofBuildsNothing) {
    addDocument("D-PROP", "scan", "property_certificate");
    auto r = runCoroutine(packages.build(kDesk, "APP-R"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, PackageErrc::kIdentityProofMissing);
    EXPECT_EQ(r.error().items.size(), 3u) << "the checklist as judged comes back";
    EXPECT_EQ(packageProblem(r.error()).status, 422);
    EXPECT_TRUE(packageProblem(r.error()).extra.contains("items"));
}

TEST_F(PackageServiceTest, OneIdentityProofStartsItAndTheRestIsDeferredWithDueDates) {
    addDocument("D-ID", "scan", "id_card_front", R"({"id_number":{"value":"110105194912310021"}})");
    auto r = runCoroutine(packages.build(kDesk, "APP-R"));
    ASSERT_TRUE(r) << r.error().detail;
    const auto& b = r->package;
    EXPECT_FALSE(b.complete);
    EXPECT_EQ(b.status, "built");
    EXPECT_EQ(item(b, "identity_proof").status, "present");
    EXPECT_EQ(item(b, "identity_proof").documentId, "D-ID");
    EXPECT_EQ(item(b, "property_proof").status, "deferred");
    EXPECT_EQ(item(b, "property_proof").due, "2026-12-31");
    EXPECT_EQ(b.deficiencies.size(), 2u);
    // Stored as built, in the one format the push reads back.
    auto stored = store.package(b.packageId);
    ASSERT_TRUE(stored);
    auto decoded = store::decodePackageBody(stored->bodyJson);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->items.size(), b.items.size());
    EXPECT_EQ(store::encodePackageBody(*decoded), stored->bodyJson);
    // 容缺 reminders: 7 and 1 days before each due date, and the suspension notice after it.
    auto due = store.takeDueReminders(clock->nowMs() + 40 * kDay, 20);
    EXPECT_EQ(due.size(), 6u);
}

TEST_F(PackageServiceTest, AScanThatStatesAnotherNumberThanTheELicenceIsAMismatch) {
    addDocument("D-EL", "e_licence", "id_card");
    addDocument("D-SCAN", "scan", "id_card_front", R"({"id_number":{"value":"110105194912310099"}})");
    auto r = runCoroutine(packages.build(kDesk, "APP-R"));
    ASSERT_TRUE(r) << r.error().detail;
    const auto& id = item(r->package, "identity_proof");
    EXPECT_EQ(id.status, "mismatch");
    EXPECT_EQ(id.documentId, "D-EL") << "the e-licence is the one that goes";
    ASSERT_TRUE(id.mismatch);
    EXPECT_EQ(id.mismatch->eLicence, "110105194912310021");
    EXPECT_EQ(id.mismatch->scan, "110105194912310099");
    EXPECT_EQ(id.mismatch->scanDocumentId, "D-SCAN");
}

TEST_F(PackageServiceTest, AnExpiredELicenceDoesNotCount) {
    addDocument("D-OLD", "e_licence", "id_card", "{}", "2026-11-30");
    auto r = runCoroutine(packages.checklist("APP-R"));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->judgement.identityPresent);
    EXPECT_EQ(item(r->judgement.package, "identity_proof").status, "expired");
    EXPECT_EQ(item(r->judgement.package, "identity_proof").validTo, "2026-11-30");
}

TEST_F(PackageServiceTest, APackagePushedAfterADueDateIsSuspendedNotSent) {
    addDocument("D-ID", "scan", "id_card_front");
    auto built = runCoroutine(packages.build(kDesk, "APP-R"));
    ASSERT_TRUE(built);
    clock->advance(std::chrono::hours(24 * 17));  // the application form was due after 15 days
    auto r = runCoroutine(packages.push(kDesk, built->package.packageId));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, PackageErrc::kPackageSuspended);
    EXPECT_EQ(wakes, 0);
    EXPECT_EQ(store.package(built->package.packageId)->status, "suspended");
}

TEST_F(PackageServiceTest, APushQueuesOnceAndWakesTheWorker) {
    addDocument("D-ID", "scan", "id_card_front");
    auto built = runCoroutine(packages.build(kDesk, "APP-R"));
    ASSERT_TRUE(built);
    auto first = runCoroutine(packages.push(kDesk, built->package.packageId));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, "queued");
    auto second = runCoroutine(packages.push(kDesk, built->package.packageId));
    ASSERT_TRUE(second);
    EXPECT_EQ(wakes, 1) << "the second push reports the state and queues nothing";
    auto replay = runCoroutine(packages.replay(kDesk, built->package.packageId));
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error().code, PackageErrc::kNotDeadLetter);
    EXPECT_EQ(runCoroutine(packages.push(kDesk, "PKG-NONE")).error().code, PackageErrc::kPackageNotFound);
}

TEST_F(PackageServiceTest, AnUnknownApplicationOrCategorySaysSo) {
    EXPECT_EQ(runCoroutine(packages.checklist("APP-NONE")).error().code, PackageErrc::kApplicationNotFound);
    store::Application odd;
    odd.id = "APP-ODD";
    odd.customerCategory = "no_such_category";
    odd.createdBy = "desk-a";
    store.insertApplication(odd);
    auto r = runCoroutine(packages.build(kDesk, "APP-ODD"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, PackageErrc::kUnknownCategory);
    EXPECT_EQ(packageProblem(r.error()).code, "unknown_customer_category");
}

}  // namespace
}  // namespace lgw::gateway
