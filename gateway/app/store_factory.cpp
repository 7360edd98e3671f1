#include "gateway/app/store_factory.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "adapters/blob/encrypted_file_vault.hpp"
#include "adapters/blob/postgres_blob_vault.hpp"
#include "adapters/store/postgres_store.hpp"
#include "adapters/store/sqlite_store.hpp"

namespace lgw::gateway {
namespace {

std::string postgresConninfo(const config::Config& cfg) {
    auto& s = cfg.store;
    if (!s.postgresUrlEnv.empty()) {
        const char* v = std::getenv(s.postgresUrlEnv.c_str());
        if (!v || !*v)
            throw std::runtime_error("store.postgres_url_env: the environment variable " + s.postgresUrlEnv +
                                     " is not set (put the PostgreSQL connection string in it)");
        return v;
    }
    auto path = cfg.dataPath(s.postgresUrlFile);
    std::ifstream f(path);
    std::string line;
    if (!f || !std::getline(f, line) || line.empty())
        throw std::runtime_error("store.postgres_url_file: cannot read a connection string from " + path);
    return line;
}

}  // namespace

OpenedStore openStore(const config::Config& cfg) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.dataDir, ec);
    if (ec) throw std::runtime_error("data_dir: cannot create \"" + cfg.dataDir + "\": " + ec.message());
    // Personal data lives here (phones, documents): owner only.
    std::filesystem::permissions(cfg.dataDir, std::filesystem::perms::owner_all, ec);
    OpenedStore out;
    if (cfg.store.kind == "postgres") {
        store::PostgresOptions o{postgresConninfo(cfg), cfg.store.postgresSchema, cfg.store.poolSize,
                                 cfg.store.statementTimeoutMs, cfg.store.lockTimeoutMs, cfg.store.poolAcquireTimeoutMs,
                                 cfg.store.idleCheckMs};
        auto pg = std::make_unique<store::PostgresStore>(std::move(o));
        out.postgres = pg.get();
        out.store = std::move(pg);
        out.description = "postgres (schema " + cfg.store.postgresSchema + ")";
    } else {
        store::SqliteOptions o{cfg.dataPath(cfg.store.sqlitePath), cfg.store.busyTimeoutMs};
        out.store = std::make_unique<store::SqliteStore>(o);
        out.description = "sqlite:" + o.path;
    }
    return out;
}

std::unique_ptr<adapters::blob::EnvelopeVault> openVault(const config::Config& cfg, OpenedStore& store,
                                                         security::Keyring ring) {
    auto suite = cfg.crypto.national() ? security::CipherSuite::kSm4CtrHmacSm3 : security::CipherSuite::kAes256Gcm;
    if (store.postgres)
        return std::make_unique<adapters::blob::PostgresBlobVault>(store.postgres->pool(), std::move(ring), suite);
    return std::make_unique<adapters::blob::EncryptedFileVault>(cfg.dataPath("blobs"), std::move(ring), suite);
}

}  // namespace lgw::gateway
