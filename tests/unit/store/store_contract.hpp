#pragma once
// The contract every Store implementation must pass. Instantiate it with a factory that returns a
// fresh, empty store (see sqlite_store_test.cpp).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <thread>

#include "adapters/store/store.hpp"
#include "adapters/transient_error.hpp"
#include "security/crypto.hpp"

namespace lgw::store::testing {

/// The audit hash the store tests chain with (a stand-in for the deployment's).
inline std::string chainHash(const AuditEvent& e) {
    return security::sha256Hex(e.prevHash + "|" + std::to_string(e.seq) + "|" + e.actor + "|" + e.action);
}

/// Events 1..n, each linked to the one before and hashed (chainHash) as stored.
inline void expectWholeChain(const std::vector<AuditEvent>& all) {
    std::string prev(64, '0');
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].seq, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(all[i].prevHash, prev);
        EXPECT_EQ(all[i].hash, chainHash(all[i]));
        prev = all[i].hash;
    }
}

using StoreFactory = std::function<std::unique_ptr<Store>()>;

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
protected:
    void SetUp() override { store_ = GetParam()(); }
    Store& s() { return *store_; }

    static Consent pendingConsent(const std::string& id, Millis now) {
        Consent c;
        c.id = id;
        c.applicationId = "YK1";
        c.subjectType = "enterprise";
        c.subjectCode = "91110102MA01C7Q59Y";
        c.licenceTypes = {"business_licence", "property_certificate"};
        c.purpose = "power_connection";
        c.caller = "demo-frontdesk";
        c.phone = "13800001111";
        c.consentTextSha256 = std::string(64, 'c');
        c.codeHmac = security::hmacSha256("secret", "123456");
        c.codeExpiresAt = now + 300000;
        c.resendAfter = now + 60000;
        c.createdAt = now;
        return c;
    }
    static Grant grantFor(const std::string& idHash, Millis expires) {
        Grant g;
        g.idHash = idHash;
        g.expiresAt = expires;
        return g;
    }
    static std::string hasher(const AuditEvent& e) { return chainHash(e); }

    std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, Ping) { EXPECT_TRUE(s().ping()); }

TEST_P(StoreContract, ApplicationInsertNeverOverwrites) {
    EXPECT_TRUE(s().insertApplication({"YK9", "high_voltage", "甲公司", "13800001111", "alice", 10, 10}));
    EXPECT_FALSE(s().insertApplication({"YK9", "low_voltage_residential", "乙", "13900002222", "bob", 20, 20}));
    auto a = s().application("YK9");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->createdBy, "alice");
    EXPECT_EQ(a->customerName, "甲公司");
    EXPECT_EQ(a->phone, "13800001111");
}

TEST_P(StoreContract, ApplicationUpsertKeepsCreator) {
    EXPECT_TRUE(s().upsertApplication({"YK1", "high_voltage", "甲公司", "13800001111", "alice", 10, 10}));
    EXPECT_FALSE(s().upsertApplication({"YK1", "low_voltage_residential", "乙", "13900002222", "bob", 20, 20}));
    auto a = s().application("YK1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->customerCategory, "low_voltage_residential");
    EXPECT_EQ(a->customerName, "乙");
    EXPECT_EQ(a->createdBy, "alice");
    EXPECT_EQ(a->createdAt, 10);
    EXPECT_EQ(a->updatedAt, 20);
    EXPECT_FALSE(s().application("nope"));
}

TEST_P(StoreContract, ConsentRoundTrip) {
    auto c = pendingConsent("c1", 1000);
    c.checksumWarning = true;
    s().insertConsent(c);
    auto got = s().consent("c1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->licenceTypes, c.licenceTypes);
    EXPECT_EQ(got->codeHmac, c.codeHmac);
    EXPECT_TRUE(got->checksumWarning);
    EXPECT_EQ(got->status, ConsentStatus::kPending);
}

TEST_P(StoreContract, VerifyIssuesGrantOnceAndOnlyOnce) {
    s().insertConsent(pendingConsent("c1", 1000));
    auto good = security::hmacSha256("secret", "123456");
    auto r = s().verifyConsentCode("c1", good, 2000, 5, grantFor("g1", 602000));
    EXPECT_EQ(r.outcome, VerifyOutcome::kVerified);
    auto again = s().verifyConsentCode("c1", good, 2001, 5, grantFor("g2", 602000));
    EXPECT_EQ(again.outcome, VerifyOutcome::kUsed);
    auto c = s().consumeGrant("g1", "demo-frontdesk", std::string("YK1"), 3000);
    EXPECT_EQ(c.outcome, ConsumeOutcome::kOk);
    ASSERT_TRUE(c.grant);
    EXPECT_EQ(c.grant->subjectCode, "91110102MA01C7Q59Y");
    EXPECT_EQ(c.grant->licenceTypes.size(), 2u);
    EXPECT_EQ(s().consumeGrant("g1", "demo-frontdesk", std::nullopt, 3001).outcome, ConsumeOutcome::kUsed);
    EXPECT_EQ(s().consumeGrant("g2", "demo-frontdesk", std::nullopt, 3001).outcome, ConsumeOutcome::kNotFound);
}

TEST_P(StoreContract, WrongCodesCountAndLockAndResendDoesNotReset) {
    s().insertConsent(pendingConsent("c1", 1000));
    auto bad = security::hmacSha256("secret", "000000");
    for (int i = 1; i <= 4; ++i) {
        auto r = s().verifyConsentCode("c1", bad, 2000, 5, grantFor("g", 9e6));
        EXPECT_EQ(r.outcome, VerifyOutcome::kMismatch);
        EXPECT_EQ(r.attemptsLeft, 5 - i);
        if (i == 2) {
            EXPECT_EQ(s().replaceConsentCode("c1", security::hmacSha256("secret", "654321"), 400000, 130000, 70000, 3),
                      ResendOutcome::kOk);
        }
    }
    auto locked = s().verifyConsentCode("c1", bad, 2000, 5, grantFor("g", 9e6));
    EXPECT_EQ(locked.outcome, VerifyOutcome::kLocked);
    EXPECT_EQ(locked.attemptsLeft, 0);
    // Locked stays locked, even with the right code.
    EXPECT_EQ(s().verifyConsentCode("c1", security::hmacSha256("secret", "654321"), 2000, 5, grantFor("g", 9e6)).outcome,
              VerifyOutcome::kLocked);
    EXPECT_EQ(s().consent("c1")->status, ConsentStatus::kLocked);
}

TEST_P(StoreContract, ExpiredCodeAndUnknownConsent) {
    s().insertConsent(pendingConsent("c1", 1000));
    EXPECT_EQ(s().verifyConsentCode("c1", security::hmacSha256("secret", "123456"), 301000, 5, grantFor("g", 9e6)).outcome,
              VerifyOutcome::kExpired);
    EXPECT_EQ(s().verifyConsentCode("zz", "x", 0, 5, grantFor("g", 9e6)).outcome, VerifyOutcome::kNotFound);
}

TEST_P(StoreContract, ResendRespectsTheInterval) {
    s().insertConsent(pendingConsent("c1", 1000));
    EXPECT_EQ(s().replaceConsentCode("c1", "h2", 400000, 120000, 30000, 3), ResendOutcome::kTooSoon);
    EXPECT_EQ(s().replaceConsentCode("c1", "h2", 400000, 121000, 61000, 3), ResendOutcome::kOk);
    EXPECT_EQ(s().consent("c1")->codeHmac, "h2");
    EXPECT_EQ(s().consent("c1")->resends, 1);
    EXPECT_EQ(s().replaceConsentCode("zz", "h2", 0, 0, 0, 3), ResendOutcome::kNotFound);
}

TEST_P(StoreContract, ResendsStopAtTheirLimit) {
    s().insertConsent(pendingConsent("c1", 1000));
    for (int i = 1; i <= 3; ++i)
        EXPECT_EQ(s().replaceConsentCode("c1", "h" + std::to_string(i), 400000, 0, 61000, 3), ResendOutcome::kOk) << i;
    EXPECT_EQ(s().replaceConsentCode("c1", "h4", 400000, 0, 61000, 3), ResendOutcome::kTooMany);
    EXPECT_EQ(s().consent("c1")->codeHmac, "h3") << "the refused resend reserved no code";
    EXPECT_EQ(s().consent("c1")->resends, 3);
}

TEST_P(StoreContract, GrantScopeAndExpiry) {
    s().insertConsent(pendingConsent("c1", 1000));
    ASSERT_EQ(s().verifyConsentCode("c1", security::hmacSha256("secret", "123456"), 2000, 5, grantFor("g1", 602000)).outcome,
              VerifyOutcome::kVerified);
    EXPECT_EQ(s().consumeGrant("g1", "mallory", std::nullopt, 3000).outcome, ConsumeOutcome::kWrongCaller);
    EXPECT_EQ(s().consumeGrant("g1", "demo-frontdesk", std::string("YK2"), 3000).outcome,
              ConsumeOutcome::kWrongApplication);
    EXPECT_EQ(s().consumeGrant("g1", "demo-frontdesk", std::nullopt, 602000).outcome, ConsumeOutcome::kExpired);
}

TEST_P(StoreContract, ReleasedGrantCanBeUsedAgainOnce) {
    s().insertConsent(pendingConsent("c1", 1000));
    ASSERT_EQ(s().verifyConsentCode("c1", security::hmacSha256("secret", "123456"), 2000, 5, grantFor("g1", 602000)).outcome,
              VerifyOutcome::kVerified);
    ASSERT_EQ(s().consumeGrant("g1", "demo-frontdesk", std::nullopt, 3000).outcome, ConsumeOutcome::kOk);
    EXPECT_FALSE(s().releaseGrant("g1", 2999));  // not the use we made
    EXPECT_TRUE(s().releaseGrant("g1", 3000));
    EXPECT_EQ(s().consumeGrant("g1", "demo-frontdesk", std::nullopt, 4000).outcome, ConsumeOutcome::kOk);
    EXPECT_EQ(s().consumeGrant("g1", "demo-frontdesk", std::nullopt, 4001).outcome, ConsumeOutcome::kUsed);
}

TEST_P(StoreContract, ConcurrentConsumersGetTheGrantExactlyOnce) {
    s().insertConsent(pendingConsent("c1", 1000));
    ASSERT_EQ(s().verifyConsentCode("c1", security::hmacSha256("secret", "123456"), 2000, 5, grantFor("g1", 602000)).outcome,
              VerifyOutcome::kVerified);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            if (s().consumeGrant("g1", "demo-frontdesk", std::nullopt, 3000).outcome == ConsumeOutcome::kOk) ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
}

TEST_P(StoreContract, DocumentsAndLicences) {
    DocumentMeta d{"d1", "YK1", "e_licence", "business_licence", "image/png", 1234, std::string(64, 'f'), "blob/d1", 1,
                   "wrapped", "{\"a\":1}", "demo-frontdesk", 100, 0};
    LicenceRecord l{"d1", "YK1", "1.2.156.3005.2.X", "business_licence", "N1", "甲公司", "91110102MA01C7Q59Y",
                    "市场监督管理局", "2015-03-18", "2015-03-18", "", "{}", R"({"ok":true,"signatures":[]})"};
    s().insertLicenceDocument(d, l);
    DocumentMeta scan = d;
    scan.id = "d2";
    scan.source = "scan";
    scan.createdAt = 200;
    s().insertDocument(scan);
    auto got = s().document("d1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->wrappedKey, "wrapped");
    EXPECT_EQ(got->keyVersion, 1u);
    EXPECT_EQ(s().documentsOf("YK1").size(), 2u);
    EXPECT_EQ(s().licence("d1")->holder, "甲公司");
    EXPECT_EQ(s().licence("d1")->validTo, "");
    EXPECT_EQ(s().licence("d1")->sealReportJson, R"({"ok":true,"signatures":[]})");  // kept with the licence
    EXPECT_FALSE(s().licence("d2"));
    EXPECT_TRUE(s().updateDocumentFields("d2", "{\"name\":\"x\"}"));
    EXPECT_EQ(s().document("d2")->fieldsJson, "{\"name\":\"x\"}");
    EXPECT_FALSE(s().updateDocumentFields("nope", "{}"));
}

TEST_P(StoreContract, LicenceDocumentIsAllOrNothing) {
    DocumentMeta d{"d1", "YK1", "e_licence", "business_licence", "image/png", 1, "h", "b", 1, "w", "{}", "x", 1, 0};
    LicenceRecord l{"d1", "YK1", "i", "t", "n", "h", "c", "is", "", "", "", "{}"};
    s().insertLicenceDocument(d, l);
    DocumentMeta d2 = d;
    d2.id = "d2";
    // The licence row collides (same document_id d1): the new document must not remain either.
    EXPECT_ANY_THROW(s().insertLicenceDocument(d2, l));
    EXPECT_FALSE(s().document("d2"));
}

TEST_P(StoreContract, RewrapAndCryptoShredding) {
    DocumentMeta d{"d1", "YK1", "scan", "id_card_front", "image/jpeg", 1, "h", "b", 1, "w1", "{}", "x", 100, 0};
    s().insertDocument(d);
    EXPECT_FALSE(s().rewrapDocumentKey("d1", 2, 3, "w3"));
    EXPECT_EQ(s().documentsWrappedBelow(2, 10).size(), 1u);
    EXPECT_TRUE(s().documentsWrappedBelow(1, 10).empty());
    EXPECT_TRUE(s().rewrapDocumentKey("d1", 1, 2, "w2"));
    EXPECT_EQ(s().document("d1")->keyVersion, 2u);
    EXPECT_TRUE(s().documentsWrappedBelow(2, 10).empty());
    auto due = s().documentsCreatedBefore(150, 10);
    ASSERT_EQ(due, std::vector<std::string>{"d1"});
    EXPECT_TRUE(s().documentsCreatedBefore(100, 10).empty()) << "created at 100: not before 100";
    EXPECT_TRUE(s().purgeDocument("d1", 1000));
    auto got = s().document("d1");
    EXPECT_EQ(got->purgedAt, 1000);
    EXPECT_TRUE(got->wrappedKey.empty());
    EXPECT_EQ(got->fieldsJson, "{}") << "the fields read from it go with the key";
    EXPECT_FALSE(s().purgeDocument("d1", 2000)) << "purged once";
    EXPECT_FALSE(s().purgeDocument("no-such-document", 2000));
    EXPECT_TRUE(s().documentsCreatedBefore(150, 10).empty());
}

// The review queue's candidates: scans (not e-licences, not purged) with a needs_review, oldest
// first, each with its application's creator (issue 19 item 7).
TEST_P(StoreContract, ScansAwaitingReviewAreOldestFirstWithTheirApplicationsCreator) {
    Application app{"YK-R", "high_voltage", "合成示例", "13800001111", "desk-a", 1, 1};
    ASSERT_TRUE(s().insertApplication(app));
    const std::string review = R"({"name":{"value":"x","status":"needs_review"}})";
    const std::string fine = R"({"name":{"value":"x","status":"ok"}})";
    s().insertDocument({"r2", "YK-R", "scan", "id_card_front", "image/png", 1, "h", "b", 1, "w", review, "desk-a", 20, 0});
    s().insertDocument({"r1", "YK-R", "scan", "id_card_front", "image/png", 1, "h", "b", 1, "w", review, "desk-a", 10, 0});
    s().insertDocument({"ok", "YK-R", "scan", "id_card_front", "image/png", 1, "h", "b", 1, "w", fine, "desk-a", 5, 0});
    s().insertDocument({"el", "YK-R", "e_licence", "id_card", "image/png", 1, "h", "b", 1, "w", review, "desk-a", 1, 0});
    s().insertDocument({"gone", "YK-R", "scan", "id_card_front", "image/png", 1, "h", "b", 1, "w", review, "desk-a", 2, 0});
    ASSERT_TRUE(s().purgeDocument("gone", 3));
    auto got = s().scansAwaitingReview(10);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].doc.id, "r1");
    EXPECT_EQ(got[1].doc.id, "r2");
    EXPECT_EQ(got[0].applicationCreatedBy, "desk-a");
    EXPECT_EQ(got[0].doc.fieldsJson, review);
    EXPECT_EQ(s().scansAwaitingReview(1).size(), 1u);
    ASSERT_TRUE(s().updateDocumentFields("r1", fine));
    ASSERT_EQ(s().scansAwaitingReview(10).size(), 1u);
    EXPECT_EQ(s().scansAwaitingReview(10)[0].doc.id, "r2");
}

// Retention shreds what was read from an e-licence with its key: the licence record goes too.
TEST_P(StoreContract, PurgingALicenceDeletesItsRecord) {
    DocumentMeta d{"d1", "YK1", "e_licence", "business_licence", "image/png", 1, "h", "b", 1, "w", "{\"name\":\"x\"}", "x", 1, 0};
    LicenceRecord l{"d1", "YK1", "i", "t", "n", "合成示例持有人", "c", "is", "", "", "", "{}"};
    s().insertLicenceDocument(d, l);
    ASSERT_TRUE(s().licence("d1"));
    EXPECT_TRUE(s().purgeDocument("d1", 5));
    EXPECT_FALSE(s().licence("d1"));
    EXPECT_EQ(s().document("d1")->fieldsJson, "{}");
}

// An audited action commits with its event or not at all (issue 18, "atomic audit").
TEST_P(StoreContract, AnAuditedActionCommitsWithItsEventOrNotAtAll) {
    Application app{"YK-AUDITED", "high_voltage", "合成示例", "13800001111", "desk", 1, 1};
    AuditEvent e;
    e.action = "application.write";
    e.outcome = "allowed";
    // The event cannot be written (here its hash cannot be computed): the insert is rolled back.
    auto failing = [](const AuditEvent&) -> std::string { throw std::runtime_error("audit disk full"); };
    EXPECT_THROW(s().appendAuditWith(e, failing, [&](AuditEvent&) { return s().insertApplication(app); }),
                 adapters::AuditUnavailable);
    EXPECT_FALSE(s().application("YK-AUDITED"));
    EXPECT_FALSE(s().auditHead());
    // The action fails: no event.
    EXPECT_THROW(s().appendAuditWith(e, &StoreContract::hasher,
                                     [&](AuditEvent&) -> bool {
                                         s().insertApplication(app);
                                         throw std::runtime_error("the action's own failure");
                                     }),
                 std::runtime_error);
    EXPECT_FALSE(s().application("YK-AUDITED"));
    EXPECT_FALSE(s().auditHead());
    // Nothing to do: nothing recorded.
    EXPECT_FALSE(s().appendAuditWith(e, &StoreContract::hasher, [](AuditEvent&) { return false; }));
    EXPECT_FALSE(s().auditHead());
    // Both: the action may complete its event.
    auto stored = s().appendAuditWith(e, &StoreContract::hasher, [&](AuditEvent& ev) {
        ev.detailJson = R"({"created":true})";
        return s().insertApplication(app);
    });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->seq, 1);
    EXPECT_TRUE(s().application("YK-AUDITED"));
    EXPECT_EQ(s().auditHead()->detailJson, R"({"created":true})");
}

TEST_P(StoreContract, AuditChainIsGapFreeUnderConcurrency) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                AuditEvent e;
                e.at = i;
                e.actor = "actor" + std::to_string(t);
                e.action = "read";
                e.outcome = "allowed";
                e.alert = (i % 10 == 0);
                s().appendAudit(e, &StoreContract::hasher);
            }
        });
    for (auto& t : threads) t.join();
    auto all = s().auditRange(1, 1000);
    ASSERT_EQ(all.size(), 100u);
    expectWholeChain(all);
    EXPECT_EQ(s().auditHead()->seq, 100);
}

// Audited actions committed as groups (appendAuditGroup, the Auditor's path), from several
// threads at once, beside single appends: each entry gets its own outcome — a declined action
// records nothing, a throwing one rolls back only itself and gets its own exception, the others
// commit with their events, one of them appending a second event from inside its action — and
// the chain stays whole.
TEST_P(StoreContract, GroupedAuditedActionsKeepTheirOwnOutcomes) {
    constexpr int kThreads = 6, kGroups = 10, kEach = 4;  // kind = entry index: declines, throws, writes, writes twice
    std::atomic<int> wrong{0};
    auto entry = [&](const std::string& id, int kind) {
        auto a = std::make_unique<AuditAppend>();
        a->event.actor = "desk";
        a->event.action = "application.write";
        a->event.target = id;
        a->event.outcome = "allowed";
        a->hasher = &StoreContract::hasher;
        a->action = [this, id, kind](AuditEvent& ev) -> bool {
            if (kind == 0) return false;
            Application app{id, "high_voltage", "合成示例", "13800001111", ev.actor, 1, 1};
            if (!s().insertApplication(app)) return false;
            if (kind == 1) throw std::invalid_argument("the action's own failure " + id);
            if (kind == 3) {
                AuditEvent inner = ev;
                inner.action = "application.note";
                s().appendAudit(inner, &StoreContract::hasher);
            }
            return true;
        };
        return a;
    };
    auto idOf = [](int t, int g, int k) { return "YK-G" + std::to_string(t) + "-" + std::to_string(g) + "-" + std::to_string(k); };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int g = 0; g < kGroups; ++g) {
                std::vector<std::unique_ptr<AuditAppend>> owned;
                std::vector<AuditAppend*> group;
                for (int k = 0; k < kEach; ++k) {
                    owned.push_back(entry(idOf(t, g, k), k));
                    group.push_back(owned.back().get());
                }
                s().appendAuditGroup(group);
                for (int k = 0; k < kEach; ++k) {
                    const auto& a = *group[static_cast<std::size_t>(k)];
                    const bool ok = k == 0   ? !a.result && !a.error
                                    : k == 1 ? !a.result && a.error
                                             : a.result && !a.error && a.result->target == idOf(t, g, k);
                    if (!ok) ++wrong;
                    if (k == 1 && a.error) {
                        try {
                            std::rethrow_exception(a.error);
                        } catch (const std::invalid_argument& ex) {
                            if (std::string(ex.what()) != "the action's own failure " + idOf(t, g, k)) ++wrong;
                        } catch (...) {
                            ++wrong;
                        }
                    }
                }
                // A single append between the groups.
                AuditEvent single;
                single.action = "document.read";
                single.outcome = "allowed";
                s().appendAudit(single, &StoreContract::hasher);
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0);
    for (int t = 0; t < kThreads; ++t)
        for (int g = 0; g < kGroups; ++g)
            for (int k = 0; k < kEach; ++k) EXPECT_EQ(s().application(idOf(t, g, k)).has_value(), k >= 2) << idOf(t, g, k);
    // Per group: one event for the write, two for the write that appended a second; one single.
    auto all = s().auditRange(1, 100000);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kGroups * 4));
    expectWholeChain(all);
}

// A group whose event cannot be written (the hasher fails for one entry) loses that entry only.
TEST_P(StoreContract, AGroupEntryWhoseEventFailsLeavesTheOthers) {
    std::vector<std::unique_ptr<AuditAppend>> owned;
    std::vector<AuditAppend*> group;
    for (int k = 0; k < 3; ++k) {
        auto a = std::make_unique<AuditAppend>();
        const std::string id = "YK-H" + std::to_string(k);
        a->event.action = "application.write";
        a->event.target = id;
        a->event.outcome = "allowed";
        if (k == 1) a->hasher = [](const AuditEvent&) -> std::string { throw std::runtime_error("audit disk full"); };
        else a->hasher = &StoreContract::hasher;
        a->action = [this, id](AuditEvent&) {
            return s().insertApplication({id, "high_voltage", "合成示例", "13800001111", "desk", 1, 1});
        };
        group.push_back(a.get());
        owned.push_back(std::move(a));
    }
    s().appendAuditGroup(group);
    ASSERT_TRUE(group[0]->result);
    EXPECT_FALSE(group[1]->result);
    ASSERT_TRUE(group[1]->error);
    EXPECT_THROW(std::rethrow_exception(group[1]->error), adapters::AuditUnavailable);
    ASSERT_TRUE(group[2]->result);
    EXPECT_TRUE(s().application("YK-H0"));
    EXPECT_FALSE(s().application("YK-H1"));
    EXPECT_TRUE(s().application("YK-H2"));
    EXPECT_EQ(group[2]->result->seq, 2);
    EXPECT_EQ(group[2]->result->prevHash, group[0]->result->hash);
}

TEST_P(StoreContract, AuditQueriesFilterAndPage) {
    for (int i = 0; i < 30; ++i) {
        AuditEvent e;
        e.at = 1000 + i;
        e.actor = i % 2 ? "alice" : "bob";
        e.action = i % 3 ? "document.read" : "consent.create";
        e.target = "doc" + std::to_string(i % 5);
        e.subject = "S" + std::to_string(i % 4);
        e.outcome = i % 7 ? "allowed" : "denied";
        e.alert = e.outcome == "denied";
        e.detailJson = "{\"download_id\":\"dl" + std::to_string(i) + "\"}";
        s().appendAudit(e, &StoreContract::hasher);
    }
    AuditFilter byDownload;
    byDownload.downloadId = "dl17";
    auto downloads = s().auditEvents(byDownload);
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0].at, 1017);
    AuditFilter f;
    f.actor = "alice";
    f.limit = 5;
    auto page1 = s().auditEvents(f);
    ASSERT_EQ(page1.size(), 5u);
    EXPECT_GT(page1[0].seq, page1[4].seq);  // newest first
    for (auto& e : page1) EXPECT_EQ(e.actor, "alice");
    f.beforeSeq = page1.back().seq;
    auto page2 = s().auditEvents(f);
    ASSERT_FALSE(page2.empty());
    EXPECT_LT(page2[0].seq, page1.back().seq);
    AuditFilter alerts;
    alerts.alertsOnly = true;
    for (auto& e : s().auditEvents(alerts)) EXPECT_EQ(e.outcome, "denied");
    AuditFilter range;
    range.from = 1010;
    range.to = 1012;
    EXPECT_EQ(s().auditEvents(range).size(), 3u);
    AuditFilter byDoc;
    byDoc.document = "doc3";
    byDoc.subject = "S3";
    for (auto& e : s().auditEvents(byDoc)) {
        EXPECT_EQ(e.target, "doc3");
        EXPECT_EQ(e.subject, "S3");
    }
}

TEST_P(StoreContract, Checkpoints) {
    s().insertCheckpoint({10, "h10", 1, "sig"});
    s().insertCheckpoint({20, "h20", 2, "sig2"});
    auto cps = s().checkpoints();
    ASSERT_EQ(cps.size(), 2u);
    EXPECT_EQ(cps[1].headHash, "h20");
}

// Issue 22: a TSA token is kept with the very checkpoint it stamps.
TEST_P(StoreContract, ACheckpointKeepsItsTimeStamp) {
    const AuditCheckpoint cp{10, "h10", 1, "sig"};
    s().insertCheckpoint(cp);
    EXPECT_TRUE(s().setCheckpointTimestamp(cp, "dG9rZW4="));
    EXPECT_EQ(s().checkpoints().at(0).timestamp, "dG9rZW4=");
    AuditCheckpoint resigned = cp;
    resigned.at = 2;
    resigned.signature = "sig-b";
    EXPECT_FALSE(s().setCheckpointTimestamp(resigned, "eA==")) << "not the checkpoint that is stored";
    EXPECT_EQ(s().checkpoints().at(0).timestamp, "dG9rZW4=");
    s().insertCheckpoint(resigned);  // a stamped checkpoint is kept, token and all
    EXPECT_EQ(s().checkpoints().at(0).timestamp, "dG9rZW4=");
    EXPECT_EQ(s().checkpoints().at(0).signature, "sig");
    s().insertCheckpoint({20, "h20", 3, "sig20"});
    s().insertCheckpoint({20, "h20", 4, "sig20-b"});  // an unstamped one is replaced
    EXPECT_EQ(s().checkpoints().at(1).signature, "sig20-b");
    EXPECT_FALSE(s().setCheckpointTimestamp({20, "h20", 3, "sig20"}, "eA==")) << "the replaced one";
    EXPECT_TRUE(s().setCheckpointTimestamp({20, "h20", 4, "sig20-b"}, "eA=="));
    EXPECT_FALSE(s().setCheckpointTimestamp({99, "h99", 3, "s"}, "eA==")) << "no checkpoint at seq 99";
    EXPECT_EQ(s().checkpoints().size(), 2u);
}

TEST_P(StoreContract, PackagesOfAnApplicationNewestFirst) {
    s().insertPackage({"p1", "YK1", "built", false, "{}", 1});
    s().insertPackage({"p2", "YK1", "built", true, "{}", 2});
    s().insertPackage({"p3", "YK2", "built", true, "{}", 3});
    auto ps = s().packagesOf("YK1");
    ASSERT_EQ(ps.size(), 2u);
    EXPECT_EQ(ps[0].id, "p2");
    EXPECT_EQ(ps[1].id, "p1");
    EXPECT_TRUE(s().packagesOf("YK9").empty());
}

TEST_P(StoreContract, OutboxLifecycle) {
    s().insertPackage({"p1", "YK1", "built", true, "{}", 1});
    EXPECT_EQ(s().enqueuePush("p1", 100), EnqueueOutcome::kQueued);
    EXPECT_EQ(s().enqueuePush("p1", 100), EnqueueOutcome::kAlreadyQueued);
    EXPECT_EQ(s().enqueuePush("nope", 100), EnqueueOutcome::kNotFound);
    EXPECT_EQ(s().package("p1")->status, "queued");

    auto claimed = s().claimOutbox("w1", 100, 30000, 10);
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].attempts, 1);
    EXPECT_TRUE(s().claimOutbox("w2", 101, 30000, 10).empty());  // leased

    EXPECT_FALSE(s().markRetry("p1", "w2", "not mine", 200));
    EXPECT_TRUE(s().markRetry("p1", "w1", "503 from receiver", 5000));
    EXPECT_TRUE(s().claimOutbox("w1", 4999, 30000, 10).empty());  // not yet due
    auto again = s().claimOutbox("w1", 5000, 30000, 10);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].attempts, 2);
    EXPECT_TRUE(s().markDelivered("p1", "w1", 5100));
    auto e = s().outboxEntry("p1");
    EXPECT_EQ(e->status, "delivered");
    EXPECT_EQ(e->deliveredAt, 5100);
    EXPECT_EQ(s().package("p1")->status, "delivered");
    EXPECT_TRUE(s().claimOutbox("w1", 999999, 30000, 10).empty());
}

TEST_P(StoreContract, ExpiredLeaseIsTakenOverAndTheOldOwnerCannotSettle) {
    s().insertPackage({"p1", "YK1", "built", true, "{}", 1});
    s().enqueuePush("p1", 0);
    ASSERT_EQ(s().claimOutbox("crashed", 0, 1000, 10).size(), 1u);
    EXPECT_TRUE(s().claimOutbox("w2", 999, 1000, 10).empty());
    ASSERT_EQ(s().claimOutbox("w2", 1000, 1000, 10).size(), 1u);
    EXPECT_FALSE(s().markDelivered("p1", "crashed", 1001));
    EXPECT_TRUE(s().markDelivered("p1", "w2", 1001));
}

TEST_P(StoreContract, DeadLetterAndReplay) {
    s().insertPackage({"p1", "YK1", "built", true, "{}", 1});
    s().enqueuePush("p1", 0);
    s().claimOutbox("w", 0, 1000, 10);
    EXPECT_FALSE(s().requeueDeadLetter("p1", 10));
    EXPECT_TRUE(s().markDeadLetter("p1", "w", "400: missing field"));
    EXPECT_EQ(s().outboxEntry("p1")->lastError, "400: missing field");
    auto st = s().outboxStats(100);
    EXPECT_EQ(st.deadLetters, 1);
    EXPECT_EQ(st.depth, 0);
    EXPECT_TRUE(s().requeueDeadLetter("p1", 50));
    EXPECT_EQ(s().outboxEntry("p1")->attempts, 0);
    st = s().outboxStats(150);
    EXPECT_EQ(st.depth, 1);
    EXPECT_EQ(st.oldestAgeMs, 150);
}

TEST_P(StoreContract, SuspendedPackagesCannotBePushed) {
    s().insertPackage({"p1", "YK1", "suspended", false, "{}", 1});
    EXPECT_EQ(s().enqueuePush("p1", 0), EnqueueOutcome::kNotPushable);
    EXPECT_FALSE(s().outboxEntry("p1"));
}

TEST_P(StoreContract, OutboxClaimsAreExclusiveAcrossWorkers) {
    for (int i = 0; i < 40; ++i) {
        std::string id = "p" + std::to_string(i);
        s().insertPackage({id, "YK1", "built", true, "{}", 1});
        s().enqueuePush(id, 0);
    }
    std::mutex m;
    std::multiset<std::string> seen;
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&, w] {
            for (;;) {
                auto batch = s().claimOutbox("w" + std::to_string(w), 10, 60000, 3);
                if (batch.empty()) break;
                std::lock_guard lock(m);
                for (auto& e : batch) seen.insert(e.packageId);
            }
        });
    for (auto& t : workers) t.join();
    EXPECT_EQ(seen.size(), 40u);
    for (auto& id : seen) EXPECT_EQ(seen.count(id), 1u) << id;
}

TEST_P(StoreContract, RemindersAreScheduledOnceAndTakenOnce) {
    Reminder r{0, "licence:d1:30", "13800001111", "licence_expiring", "{}", 1000, "", 0};
    EXPECT_TRUE(s().scheduleReminder(r));
    EXPECT_FALSE(s().scheduleReminder(r));
    r.dedupeKey = "licence:d1:7";
    r.dueAt = 5000;
    EXPECT_TRUE(s().scheduleReminder(r));
    EXPECT_TRUE(s().takeDueReminders(999, 10).empty());
    auto due = s().takeDueReminders(1000, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].dedupeKey, "licence:d1:30");
    EXPECT_TRUE(s().takeDueReminders(1000, 10).empty());
    EXPECT_EQ(s().cancelReminders("licence:d1:"), 1);
    EXPECT_TRUE(s().takeDueReminders(999999, 10).empty());
}

TEST_P(StoreContract, RateLimitFixedWindow) {
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(s().hitRateLimit("phone:138", 60000, 3, 1000 + i).allowed);
    auto d = s().hitRateLimit("phone:138", 60000, 3, 2000);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retryAfterMs, 59000);
    EXPECT_TRUE(s().hitRateLimit("phone:139", 60000, 3, 2000).allowed);
    EXPECT_TRUE(s().hitRateLimit("phone:138", 60000, 3, 61000).allowed);
}

TEST_P(StoreContract, SessionsExpireWhenIdleOrOld) {
    s().insertSession({"h1", "frontdesk-1", "frontdesk", 1000, 1000, 1000 + 8 * 3600000});
    s().insertSession({"h2", "auditor-1", "auditor", 1000, 1000, 1000 + 5000});
    auto a = s().touchSession("h1", 2000, 60000);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->principalId, "frontdesk-1");
    EXPECT_EQ(a->role, "frontdesk");
    EXPECT_EQ(a->lastSeenAt, 2000);
    // Each use moves the idle clock: 59 s after the last use it is still alive, then idle.
    EXPECT_TRUE(s().touchSession("h1", 61000, 60000));
    EXPECT_FALSE(s().touchSession("h1", 121000, 60000));
    EXPECT_FALSE(s().touchSession("h1", 121001, 60000)) << "an idle session is gone, not revived";
    // Absolute expiry whatever the activity.
    EXPECT_TRUE(s().touchSession("h2", 5999, 60000));
    EXPECT_FALSE(s().touchSession("h2", 6000, 60000));
    EXPECT_FALSE(s().touchSession("unknown", 1000, 60000));
}

TEST_P(StoreContract, SessionSignOutAndPurge) {
    s().insertSession({"h1", "k1", "frontdesk", 1000, 1000, 2000});
    s().insertSession({"h2", "k2", "auditor", 1000, 1000, 900000});
    EXPECT_TRUE(s().deleteSession("h2"));
    EXPECT_FALSE(s().deleteSession("h2"));
    EXPECT_FALSE(s().touchSession("h2", 1500, 60000));
    // A later sign-in sweeps sessions past their absolute expiry.
    s().insertSession({"h3", "k3", "auditor", 3000, 3000, 900000});
    EXPECT_FALSE(s().deleteSession("h1"));
    EXPECT_TRUE(s().touchSession("h3", 3500, 60000));
}

}  // namespace lgw::store::testing
