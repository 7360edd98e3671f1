#pragma once
// Opens the store and the document vault the configuration names: SQLite and files under data_dir
// for one gateway, or PostgreSQL (tables and document blobs) for several sharing one database.
#include <memory>

#include "adapters/blob/envelope_vault.hpp"
#include "adapters/store/store.hpp"
#include "config/config.hpp"
#include "security/keyring.hpp"

namespace lgw::store {
class PostgresStore;
}

namespace lgw::gateway {

struct OpenedStore {
    std::unique_ptr<store::Store> store;
    store::PostgresStore* postgres = nullptr;  ///< set when store.kind = "postgres"
    /// What /readyz and the start-up line say about it (never the connection string).
    std::string description;
};

/// Opens and migrates. Throws std::runtime_error saying what to fix (a missing variable or file is
/// named; the connection string is never repeated).
OpenedStore openStore(const config::Config& cfg);

/// The vault beside the store: PostgreSQL's blobs table, or encrypted files under data_dir/blobs.
std::unique_ptr<adapters::blob::EnvelopeVault> openVault(const config::Config& cfg, OpenedStore& store,
                                                         security::Keyring ring);

}  // namespace lgw::gateway
