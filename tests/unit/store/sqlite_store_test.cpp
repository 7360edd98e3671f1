#include "adapters/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <filesystem>

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
