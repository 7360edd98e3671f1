#pragma once
// The SQLite store's schema, as the migrations that build it (sqlite_schema.cpp): the store applies
// those a database has not seen, in order, and records the version.
#include <cstddef>

namespace lgw::store::impl {

extern const char* const kSqliteMigrations[];
extern const std::size_t kSqliteMigrationCount;

}  // namespace lgw::store::impl
