#pragma once
#include <memory>
#include <shared_mutex>

#include "adapters/blob/document_vault.hpp"
#include "security/envelope.hpp"
#include "security/keyring.hpp"

namespace lgw::adapters::blob {

/// Files under `root` (two levels of fan-out), each written to a temporary file, fsynced, renamed
/// into place and the directory fsynced: a crash leaves the old state or the new one.
class EncryptedFileVault final : public DocumentVault {
public:
    /// New documents are sealed with `suite`; documents of either suite open.
    EncryptedFileVault(std::string root, security::Keyring ring,
                       security::CipherSuite suite = security::CipherSuite::kAes256Gcm);
    void put(store::DocumentMeta& meta, std::string_view plaintext) override;
    std::optional<std::string> get(const store::DocumentMeta& meta) override;
    void setKeyring(security::Keyring ring);
    /// Removes temporary files a crash left behind (older than an hour); returns how many.
    int sweepTemporaryFiles();

private:
    std::string root_;
    std::shared_mutex mutex_;
    security::Keyring ring_;
    security::CipherSuite suite_;
};

}  // namespace lgw::adapters::blob
