#pragma once
#include <string>

#include "adapters/blob/envelope_vault.hpp"

namespace lgw::store::pg {
class Pool;
}

namespace lgw::adapters::blob {

/// Ciphertext in the `blobs` table of the PostgreSQL store (bytea), so that every gateway instance
/// sharing the database reads every document. The encryption is EnvelopeVault's, unchanged. The
/// row is committed before the caller commits the document's metadata: a crash between the two
/// leaves an unreferenced blob, never a document without its bytes.
class PostgresBlobVault final : public EnvelopeVault {
public:
    PostgresBlobVault(store::pg::Pool& pool, security::Keyring ring,
                      security::CipherSuite suite = security::CipherSuite::kAes256Gcm);

protected:
    std::string refFor(const std::string& id) override;
    void writeCiphertext(const std::string& ref, std::string_view ciphertext) override;
    std::optional<std::string> readCiphertext(const std::string& ref) override;

private:
    store::pg::Pool& pool_;
};

}  // namespace lgw::adapters::blob
