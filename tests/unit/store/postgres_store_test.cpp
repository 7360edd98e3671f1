// The store contract against a real PostgreSQL server (started by the test command), plus what is
// particular to PostgreSQL: migrations once under concurrent start-up, two store objects (as two
// gateway instances) sharing one database, the shared blob table and a dropped connection.
#include "adapters/store/postgres_store.hpp"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "adapters/blob/postgres_blob_vault.hpp"
#include "adapters/store/impl/pg.hpp"
#include "adapters/transient_error.hpp"
#include "tests/unit/store/pg_test_url.hpp"
#include "tests/unit/store/store_contract.hpp"

namespace lgw::store::testing {
namespace {

using lgw::testing::freshSchema;
using lgw::testing::testPostgresUrl;

PostgresOptions options(const std::string& schema, int pool = 4) { return {testPostgresUrl(), schema, pool}; }

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract, ::testing::Values(StoreFactory([] {
                             return std::unique_ptr<Store>(new PostgresStore(options(freshSchema("contract"))));
                         })));


TEST(PostgresStore, InstancesStartingTogetherMigrateOnceAndShareData) {
    auto schema = freshSchema("migrate");
    std::vector<std::unique_ptr<PostgresStore>> stores(4);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (auto& s : stores)
        threads.emplace_back([&s, &schema, &failures] {
            try {
                s = std::make_unique<PostgresStore>(options(schema, 2));
            } catch (const std::exception& e) {
                ADD_FAILURE() << e.what();
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    ASSERT_EQ(failures, 0);
    EXPECT_TRUE(stores[0]->upsertApplication({"YK1", "high_voltage", "n", "13800001111", "a", 1, 1}));
    EXPECT_TRUE(stores[3]->application("YK1"));
    pg::Pool pool(testPostgresUrl(), schema, 1);
    auto c = pool.acquire();
    auto v = c->exec("SELECT count(*), max(version) FROM lgw_schema");
    EXPECT_EQ(v.i64(0, 0), 1);
    EXPECT_EQ(v.i64(0, 1), PostgresStore::schemaVersion());
}

TEST(PostgresStore, RefusesADatabaseFromANewerVersion) {
    auto schema = freshSchema("newer");
    { PostgresStore s(options(schema)); }
    {
        pg::Pool pool(testPostgresUrl(), schema, 1);
        auto c = pool.acquire();
        c->run("UPDATE lgw_schema SET version = 999");
    }
    try {
        PostgresStore s(options(schema));
        FAIL() << "opened a newer schema";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this binary"), std::string::npos) << e.what();
    }
}

TEST(PostgresStore, AnUnreachableServerIsAClearErrorWithoutTheConnectionString) {
    try {
        PostgresStore s({"host=127.0.0.1 port=1 user=lgw password=s3cret-word connect_timeout=2", "public", 1});
        FAIL();
    } catch (const adapters::TransientError& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("cannot connect to PostgreSQL"), std::string::npos) << m;
        EXPECT_EQ(m.find("s3cret-word"), std::string::npos) << m;
    }
}

// Two instances appending at once: the advisory lock makes them take turns, so the chain has no
// gap, no fork, and verifies.
TEST(PostgresStore, AuditAppendsFromTwoInstancesFormOneChain) {
    auto schema = freshSchema("chain");
    PostgresStore a(options(schema)), b(options(schema));
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            Store& s = t % 2 ? static_cast<Store&>(a) : static_cast<Store&>(b);
            for (int i = 0; i < 50; ++i) {
                AuditEvent e;
                e.actor = "instance-" + std::to_string(t % 2);
                e.action = "test.append";
                s.appendAudit(e, chainHash);
            }
        });
    for (auto& t : threads) t.join();
    auto events = a.auditRange(1, 1000);
    ASSERT_EQ(events.size(), 400u);
    expectWholeChain(events);
}

// The same grant presented to two instances at the same moment: one wins.
TEST(PostgresStore, AGrantIsConsumedOnceAcrossInstances) {
    auto schema = freshSchema("grant");
    PostgresStore a(options(schema)), b(options(schema));
    for (int g = 0; g < 40; ++g) {
        Consent c;
        c.id = "c" + std::to_string(g);
        c.applicationId = "YK1";
        c.subjectType = "enterprise";
        c.subjectCode = "91110102MA01C7Q59Y";
        c.licenceTypes = {"business_licence"};
        c.purpose = "power_connection";
        c.caller = "demo-frontdesk";
        c.phone = "13800001111";
        c.consentTextSha256 = std::string(64, 'c');
        c.codeHmac = security::hmacSha256("secret", "123456");
        c.codeExpiresAt = 1000000;
        c.resendAfter = 0;
        c.createdAt = 1;
        a.insertConsent(c);
        Grant grant;
        grant.idHash = "g" + std::to_string(g);
        grant.expiresAt = 1000000;
        ASSERT_EQ(b.verifyConsentCode(c.id, c.codeHmac, 10, 5, grant).outcome, VerifyOutcome::kVerified);
        // A second verification elsewhere does not issue a second grant.
        EXPECT_EQ(a.verifyConsentCode(c.id, c.codeHmac, 10, 5, grant).outcome, VerifyOutcome::kUsed);
        std::atomic<int> ok{0};
        std::thread t1([&] { ok += a.consumeGrant(grant.idHash, "demo-frontdesk", std::nullopt, 20).outcome == ConsumeOutcome::kOk; });
        std::thread t2([&] { ok += b.consumeGrant(grant.idHash, "demo-frontdesk", std::nullopt, 20).outcome == ConsumeOutcome::kOk; });
        t1.join();
        t2.join();
        EXPECT_EQ(ok, 1) << "grant " << g;
    }
}

TEST(PostgresStore, RateLimitsAreSharedByInstances) {
    auto schema = freshSchema("rate");
    PostgresStore a(options(schema)), b(options(schema));
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            Store& s = t % 2 ? static_cast<Store&>(a) : static_cast<Store&>(b);
            for (int i = 0; i < 10; ++i) allowed += s.hitRateLimit("phone:13800001111", 60000, 5, 1000).allowed;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(allowed, 5);
}

TEST(PostgresStore, DueRemindersAreTakenOnceAcrossInstances) {
    auto schema = freshSchema("remind");
    PostgresStore a(options(schema)), b(options(schema));
    for (int i = 0; i < 200; ++i)
        ASSERT_TRUE(a.scheduleReminder({0, "r" + std::to_string(i), "13800001111", "materials_due", "{}", 10, "", 0}));
    std::mutex m;
    std::multiset<std::string> taken;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            Store& s = t % 2 ? static_cast<Store&>(a) : static_cast<Store&>(b);
            for (;;) {
                auto batch = s.takeDueReminders(100, 7);
                if (batch.empty()) break;
                std::lock_guard lock(m);
                for (auto& r : batch) taken.insert(r.dedupeKey);
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(taken.size(), 200u);
    EXPECT_EQ(std::set<std::string>(taken.begin(), taken.end()).size(), 200u);
}

TEST(PostgresStore, DocumentBlobsAreSharedAndEncrypted) {
    auto schema = freshSchema("blob");
    PostgresStore a(options(schema)), b(options(schema));
    security::Keyring ring;
    ring.keys[1] = std::string(32, '\x11');
    adapters::blob::PostgresBlobVault va(a.pool(), ring), vb(b.pool(), ring);
    DocumentMeta d;
    d.id = "doc-1";
    d.applicationId = "YK1";
    d.source = "scan";
    d.docType = "id_card_front";
    d.contentType = "image/png";
    d.createdBy = "frontdesk";
    const std::string plain = "\x89PNG synthetic bytes with a NUL \0 inside" + std::string(1 << 20, 'x');
    va.put(d, plain);
    a.insertDocument(d);
    auto meta = b.document("doc-1");
    ASSERT_TRUE(meta);
    EXPECT_EQ(vb.get(*meta), plain);
    // At rest only ciphertext: the plaintext's marker is nowhere in the row.
    auto c = a.pool().acquire();
    auto raw = c->exec("SELECT data FROM blobs WHERE ref=$1", {meta->blobRef}).bytes(0, 0);
    EXPECT_EQ(raw.find("synthetic bytes"), std::string::npos);
    EXPECT_GT(raw.size(), plain.size());
    // Crypto-shredding works the same: the key goes, the blob no longer opens.
    ASSERT_TRUE(a.purgeDocument("doc-1", 2));
    EXPECT_FALSE(vb.get(*b.document("doc-1")));
}

TEST(PostgresStore, RecoversWhenItsConnectionIsKilled) {
    auto schema = freshSchema("reconnect");
    PostgresStore s(options(schema, 1));
    ASSERT_TRUE(s.upsertApplication({"YK1", "high_voltage", "n", "13800001111", "a", 1, 1}));
    {
        pg::Pool admin(testPostgresUrl(), "public", 1);
        auto c = admin.acquire();
        auto killed = c->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name=$1",
                              {"licence-gateway/" + schema});
        ASSERT_EQ(killed.rows(), 1);
    }
    // The call that meets the dead connection fails as transient (the dispatcher answers 503 with
    // Retry-After); the next one reconnects.
    try {
        s.application("YK1");
    } catch (const adapters::TransientError&) {
    }
    EXPECT_TRUE(s.application("YK1"));
    EXPECT_TRUE(s.ping());
}

}  // namespace
}  // namespace lgw::store::testing

namespace lgw::store::testing {
namespace {

// Issue 23: a statement the server could not run *now* is a 503 store_unavailable (TransientError),
// a statement it refuses is a bug (500). Each SQLSTATE made for real on the test server.
TEST(PostgresStore, WhatTheServerCannotDoNowIsTransientAndWhatItRefusesIsNot) {
    auto schema = freshSchema("transient");
    { PostgresStore s(options(schema)); }
    pg::Pool pool(testPostgresUrl(), schema, 2);
    auto holder = pool.acquire();
    auto waiter = pool.acquire();
    holder->run("BEGIN; LOCK TABLE applications IN ACCESS EXCLUSIVE MODE");
    waiter->run("SET lock_timeout = '100ms'");
    EXPECT_THROW(waiter->exec("SELECT count(*) FROM applications"), adapters::TransientError) << "55P03 lock_not_available";
    holder->run("ROLLBACK");
    waiter->run("SET lock_timeout = 0; SET statement_timeout = '100ms'");
    EXPECT_THROW(waiter->exec("SELECT pg_sleep(2)"), adapters::TransientError) << "57014 query_canceled";
    waiter->run("SET statement_timeout = 0");
    try {
        waiter->exec("SELECT no_such_column FROM applications");
        ADD_FAILURE() << "a bad statement ran";
    } catch (const adapters::TransientError& e) {
        ADD_FAILURE() << "a refused statement is no reason to retry: " << e.what();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("no_such_column"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(waiter->exec("SELECT 1")) << "the connection is fine after each";
}

}  // namespace
}  // namespace lgw::store::testing

namespace lgw::store::testing {
namespace {

// Issue 23: "no statement_timeout, lock_timeout or pool-acquire timeout". Each wait now has its
// bound and answers TransientError (503 store_unavailable) when it passes, also after a reconnect.
TEST(PostgresStore, EveryWaitHasItsBoundAndItHoldsAfterAReconnect) {
    auto schema = freshSchema("bounded");
    { PostgresStore s(options(schema)); }
    using Clock = std::chrono::steady_clock;
    pg::Pool pool(testPostgresUrl(), schema, 2);
    pool.bound({300, 200, 250});
    auto a = pool.acquire();
    auto b = pool.acquire();
    // No connection free: the third caller hears so within the acquire bound.
    auto t0 = Clock::now();
    EXPECT_THROW(pool.acquire(), adapters::TransientError);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
    // A statement past statement_timeout; a lock held past lock_timeout.
    t0 = Clock::now();
    EXPECT_THROW(a->exec("SELECT pg_sleep(3)"), adapters::TransientError);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
    a->run("BEGIN; LOCK TABLE applications IN ACCESS EXCLUSIVE MODE");
    t0 = Clock::now();
    EXPECT_THROW(b->exec("SELECT count(*) FROM applications"), adapters::TransientError);
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
    a->run("ROLLBACK");
    // A connection that was replaced keeps the bounds.
    b->reconnect();
    EXPECT_EQ(b->exec("SHOW statement_timeout").text(0, 0), "300ms");
    EXPECT_EQ(b->exec("SHOW lock_timeout").text(0, 0), "200ms");
}

// The store as the gateway opens it: a table locked by someone else (an operator's LOCK TABLE, a
// long migration) costs a request lock_timeout, not the lock's duration.
TEST(PostgresStore, ALockedTableCostsARequestItsLockTimeoutNotTheLocksDuration) {
    auto schema = freshSchema("locked");
    PostgresOptions o = options(schema, 2);
    o.lockTimeoutMs = 200;
    PostgresStore store(o);
    ASSERT_TRUE(store.upsertApplication({"YK-LOCK", "high_voltage", "n", "13800001111", "a", 1, 1}));
    pg::Pool other(testPostgresUrl(), schema, 1);
    auto locker = other.acquire();
    locker->run("BEGIN; LOCK TABLE applications IN ACCESS EXCLUSIVE MODE");
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(store.application("YK-LOCK"), adapters::TransientError);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
    locker->run("ROLLBACK");
    EXPECT_TRUE(store.application("YK-LOCK")) << "and the next call, the lock gone, is answered";
}

}  // namespace
}  // namespace lgw::store::testing

namespace lgw::store::testing {
namespace {

// Every backend of a store's pool terminated at once, as a database restart does to them.
int terminateBackendsOf(const std::string& url, const std::string& schema) {
    pg::Pool admin(url, "public", 1);
    auto c = admin.acquire();
    return c->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name=$1",
                   {"licence-gateway/" + schema})
        .rows();
}

// All of the pool's connections taken at once and used, as a burst of requests does: how many fail.
int burstFailures(PostgresStore& s, int poolSize) {
    std::vector<pg::Pool::Lease> leases;
    int failures = 0;
    for (int i = 0; i < poolSize; ++i) {
        try {
            leases.push_back(s.pool().acquire());
        } catch (const adapters::TransientError&) {
            ++failures;
        }
    }
    for (auto& lease : leases) {
        try {
            lease->exec("SELECT count(*) FROM applications");
        } catch (const adapters::TransientError&) {
            ++failures;
        }
    }
    return failures;
}

int transientFailures(PostgresStore& s, int calls) {
    int failures = 0;
    for (int i = 0; i < calls; ++i) {
        try {
            if (!s.application("YK-HEAL")) ADD_FAILURE() << "the application went missing";
        } catch (const adapters::TransientError&) {
            ++failures;
        }
    }
    return failures;
}

// Issue 23: "14 of the pool's 16 connections were dead but still handed out, one request each".
// A lost connection now marks its idle siblings to be checked before reuse.
TEST(PostgresStore, AfterOneCallMeetsADeadConnectionItsDeadSiblingsCostNoOther) {
    auto schema = freshSchema("heal-siblings");
    auto o = options(schema, 4);
    o.idleCheckMs = 0;  // the sibling rule alone
    PostgresStore s(o);
    ASSERT_TRUE(s.upsertApplication({"YK-HEAL", "high_voltage", "n", "13800001111", "a", 1, 1}));
    ASSERT_EQ(terminateBackendsOf(testPostgresUrl(), schema), 4);
    EXPECT_EQ(transientFailures(s, 1), 1) << "the first call meets a dead connection";
    EXPECT_EQ(burstFailures(s, 4), 0) << "its three dead siblings are checked before use (before: each failed a call)";
}

TEST(PostgresStore, AConnectionIdleLongerThanTheCheckIsCheckedSoNoCallMeetsItDead) {
    auto schema = freshSchema("heal-idle");
    auto o = options(schema, 4);
    o.idleCheckMs = 50;
    PostgresStore s(o);
    ASSERT_TRUE(s.upsertApplication({"YK-HEAL", "high_voltage", "n", "13800001111", "a", 1, 1}));
    ASSERT_EQ(terminateBackendsOf(testPostgresUrl(), schema), 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(burstFailures(s, 4), 0) << "no call meets a dead connection (before: all four did)";
    EXPECT_EQ(transientFailures(s, 4), 0);
}

// A server of its own, restarted for real (pg_ctl restart) while four threads keep calling: calls
// fail only while it is down; every call that starts once it is back succeeds.
TEST(PostgresStore, RestartedUnderLoadEveryCallAfterItIsBackSucceeds) {
    lgw::testing::OwnPostgres server("store-restart");
    PostgresOptions o{server.url(), "heal", 4};
    PostgresStore s(o);
    ASSERT_TRUE(s.upsertApplication({"YK-HEAL", "high_voltage", "n", "13800001111", "a", 1, 1}));

    using Clock = std::chrono::steady_clock;
    std::atomic<bool> running{true};
    std::atomic<Clock::rep> backAt{Clock::time_point::max().time_since_epoch().count()};
    std::atomic<int> ok{0}, failedWhileDown{0}, failedAfterBack{0}, okAfterBack{0};
    std::vector<std::thread> load;
    for (int t = 0; t < 4; ++t)
        load.emplace_back([&] {
            while (running) {
                const auto started = Clock::now().time_since_epoch().count();
                const bool after = started >= backAt.load();
                try {
                    s.application("YK-HEAL");
                    ++ok;
                    if (after) ++okAfterBack;
                } catch (const adapters::TransientError&) {
                    ++(after ? failedAfterBack : failedWhileDown);
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            }
        });
    while (ok < 100) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(server.restart());
    backAt = Clock::now().time_since_epoch().count();
    const int before = okAfterBack;
    while (okAfterBack < before + 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    running = false;
    for (auto& t : load) t.join();
    EXPECT_GT(failedWhileDown, 0) << "the restart was not seen at all: the test proves nothing";
    EXPECT_EQ(failedAfterBack, 0) << okAfterBack << " calls after the restart succeeded";

    // The case: a restart while the gateway is quiet, more quiet, then a burst. Every
    // pooled socket is dead and looks alive; each is checked, having idled past idle_check_ms.
    ASSERT_TRUE(server.restart());
    std::this_thread::sleep_for(std::chrono::milliseconds(o.idleCheckMs + 200));
    EXPECT_EQ(burstFailures(s, 4), 0);
}

}  // namespace
}  // namespace lgw::store::testing
