#pragma once
// The PostgreSQL store's schema, as the migrations that build it (postgres_schema.cpp): the store applies
// those a database has not seen, in order, and records the version.
#include <cstddef>

namespace lgw::store::impl {

extern const char* const kPostgresMigrations[];
extern const std::size_t kPostgresMigrationCount;

}  // namespace lgw::store::impl
