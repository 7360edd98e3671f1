#include "adapters/blob/postgres_blob_vault.hpp"

#include "adapters/crash_point.hpp"
#include "adapters/transient_error.hpp"
#include "adapters/store/impl/pg.hpp"

namespace lgw::adapters::blob {

PostgresBlobVault::PostgresBlobVault(store::pg::Pool& pool, security::Keyring ring, security::CipherSuite suite)
    : EnvelopeVault(std::move(ring), suite), pool_(pool) {}

std::string PostgresBlobVault::refFor(const std::string& id) { return "pg:" + id; }

void PostgresBlobVault::writeCiphertext(const std::string& ref, std::string_view ciphertext) {
    auto c = pool_.acquire();
    try {
        c->exec("INSERT INTO blobs (ref, data) VALUES ($1, $2) ON CONFLICT (ref) DO UPDATE SET data=excluded.data",
                {ref, store::pg::bytea(std::string(ciphertext))});
    } catch (const TransientError& e) {
        throw TransientError("document blob " + ref + ": " + e.what());  // still worth a retry: 503
    } catch (const std::exception& e) {
        throw std::runtime_error("document blob " + ref + ": " + e.what());
    }
    crashPoint("blob.durable");
}

std::optional<std::string> PostgresBlobVault::readCiphertext(const std::string& ref) {
    auto c = pool_.acquire();
    auto r = c->exec("SELECT data FROM blobs WHERE ref=$1", {ref});
    if (!r.rows()) return std::nullopt;
    return r.bytes(0, 0);
}

}  // namespace lgw::adapters::blob
