#pragma once
// Envelope encryption over any place that keeps bytes: each document is sealed with its own data
// key, wrapped by the keyring's current KEK (security/envelope.hpp); subclasses only store and load
// the ciphertext. A file tree for one gateway (EncryptedFileVault), a PostgreSQL table for several
// (PostgresBlobVault): the encryption is the same.
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "adapters/blob/document_vault.hpp"
#include "security/envelope.hpp"
#include "security/keyring.hpp"

namespace lgw::adapters::blob {

class EnvelopeVault : public DocumentVault {
public:
    /// New documents are sealed with `suite`; documents of either suite open.
    EnvelopeVault(security::Keyring ring, security::CipherSuite suite);
    void put(store::DocumentMeta& meta, std::string_view plaintext) final;
    std::optional<std::string> get(const store::DocumentMeta& meta) final;
    void setKeyring(security::Keyring ring);

protected:
    /// Where the ciphertext of document `id` goes (becomes DocumentMeta::blobRef).
    virtual std::string refFor(const std::string& id) = 0;
    /// Durably stores the ciphertext; throws std::runtime_error saying where on failure.
    virtual void writeCiphertext(const std::string& ref, std::string_view ciphertext) = 0;
    /// nullopt when nothing is stored under `ref`.
    virtual std::optional<std::string> readCiphertext(const std::string& ref) = 0;

private:
    std::shared_mutex mutex_;
    security::Keyring ring_;
    security::CipherSuite suite_;
};

}  // namespace lgw::adapters::blob
