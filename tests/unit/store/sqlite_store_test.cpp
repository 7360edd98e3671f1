#include "adapters/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <thread>

#include <unistd.h>

#include "adapters/store/impl/sqlite_util.hpp"
#include "adapters/transient_error.hpp"
#include "tests/unit/store/store_contract.hpp"

namespace lgw::store::testing {
namespace {

std::filesystem::path tempDb() {
    static int n = 0;
    auto dir = std::filesystem::temp_directory_path() / ("lgw-store-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto p = dir / ("t" + std::to_string(n++) + ".db");
    std::filesystem::remove(p);
    return p;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(StoreFactory([] {
                             return std::unique_ptr<Store>(new SqliteStore({tempDb().string(), 5000}));
                         })));

TEST(SqliteStore, MigratesOnceAndKeepsData) {
    auto path = tempDb().string();
    {
        SqliteStore s({path, 1000});
        s.upsertApplication({"YK1", "high_voltage", "n", "13800001111", "a", 1, 1});
    }
    SqliteStore again({path, 1000});
    EXPECT_TRUE(again.application("YK1"));
}

TEST(SqliteStore, RefusesADatabaseFromANewerVersion) {
    auto path = tempDb().string();
    { SqliteStore s({path, 1000}); }
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        sqlite3_exec(db, "PRAGMA user_version=999", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
    try {
        SqliteStore s({path, 1000});
        FAIL() << "opened a newer schema";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this binary"), std::string::npos) << e.what();
    }
}

TEST(SqliteStore, UnopenableFileNamesThePath) {
    try {
        SqliteStore s({"/nonexistent-dir/x/y.db", 1000});
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x/y.db"), std::string::npos);
    }
}

}  // namespace
}  // namespace lgw::store::testing

// Issue 23: a database locked past busy_timeout, a full disk or an I/O error is a 503
// store_unavailable (TransientError); a constraint or a bad statement is a bug (500).
TEST(SqliteStore, WhatTheDatabaseCannotDoNowIsTransientAndWhatItRefusesIsNot) {
    using lgw::store::impl::sqliteThrow;
    for (int rc : {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_FULL, SQLITE_CANTOPEN,
                   SQLITE_READONLY_DBMOVED, SQLITE_NOMEM})
        EXPECT_THROW(sqliteThrow(rc, "step: " + std::to_string(rc)), lgw::adapters::TransientError) << rc;
    for (int rc : {SQLITE_CONSTRAINT_UNIQUE, SQLITE_ERROR, SQLITE_MISUSE, SQLITE_CORRUPT, SQLITE_MISMATCH}) {
        try {
            sqliteThrow(rc, "step");
        } catch (const lgw::adapters::TransientError&) {
            ADD_FAILURE() << rc << " is no reason to retry";
        } catch (const std::runtime_error&) {
        }
    }
    // For real: a second connection that finds the database locked past its busy timeout.
    auto dir = std::filesystem::temp_directory_path() / ("lgw-busy-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "busy.db").string();
    sqlite3 *a = nullptr, *b = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &a), SQLITE_OK);
    ASSERT_EQ(sqlite3_open(path.c_str(), &b), SQLITE_OK);
    lgw::store::impl::exec(a, "CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)");
    sqlite3_busy_timeout(b, 50);
    EXPECT_THROW(lgw::store::impl::exec(b, "INSERT INTO t VALUES (2)"), lgw::adapters::TransientError);
    lgw::store::impl::exec(a, "COMMIT");
    EXPECT_NO_THROW(lgw::store::impl::exec(b, "INSERT INTO t VALUES (2)"));
    sqlite3_close(a);
    sqlite3_close(b);
    std::filesystem::remove_all(dir);
}

namespace lgw::store::testing {
namespace {

// Plain reads have a connection of their own: they answer from the last commit while a write
// transaction is open (here held inside its audited action), instead of waiting for the writer;
// a read inside that action sees the transaction's own insert.
TEST(SqliteStore, ReadsDoNotWaitForAnOpenWriteAndAWriteReadsItsOwnChanges) {
    SqliteStore s({tempDb().string(), 5000});
    s.insertApplication({"YK-COMMITTED", "high_voltage", "合成示例", "13800001111", "desk", 1, 1});
    std::promise<void> inside, letGo;
    std::shared_future<void> release = letGo.get_future().share();
    bool sawOwnInsert = false;
    std::thread writer([&] {
        AuditEvent e;
        e.action = "application.write";
        e.outcome = "allowed";
        s.appendAuditWith(e, [](const AuditEvent&) { return std::string(64, 'a'); }, [&](AuditEvent&) {
            s.insertApplication({"YK-OPEN", "high_voltage", "合成示例", "13800001111", "desk", 2, 2});
            sawOwnInsert = s.application("YK-OPEN").has_value();
            inside.set_value();
            release.wait();  // the write transaction stays open
            return true;
        });
    });
    inside.get_future().wait();
    // On the reads' connection, while the writer is held: the committed row, not the open one.
    auto reading = std::async(std::launch::async, [&] {
        return std::make_pair(s.application("YK-COMMITTED").has_value(), s.application("YK-OPEN").has_value());
    });
    const bool answered = reading.wait_for(std::chrono::seconds(3)) == std::future_status::ready;
    letGo.set_value();
    writer.join();
    ASSERT_TRUE(answered) << "a read waited for the open write transaction";
    auto [committed, open] = reading.get();
    EXPECT_TRUE(committed);
    EXPECT_FALSE(open) << "a read saw a row its transaction had not committed";
    EXPECT_TRUE(sawOwnInsert);
    EXPECT_TRUE(s.application("YK-OPEN")) << "committed now";
}

}  // namespace
}  // namespace lgw::store::testing
