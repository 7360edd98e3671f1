#pragma once
#include <string>

#include "adapters/blob/envelope_vault.hpp"

namespace lgw::adapters::blob {

/// Files under `root` (two levels of fan-out), each written to a temporary file, fsynced, renamed
/// into place and the directory fsynced: a crash leaves the old state or the new one.
class EncryptedFileVault final : public EnvelopeVault {
public:
    /// New documents are sealed with `suite`; documents of either suite open.
    EncryptedFileVault(std::string root, security::Keyring ring,
                       security::CipherSuite suite = security::CipherSuite::kAes256Gcm);
    /// Removes temporary files a crash left behind (older than an hour); returns how many.
    int sweepTemporaryFiles();

protected:
    std::string refFor(const std::string& id) override;
    void writeCiphertext(const std::string& ref, std::string_view ciphertext) override;
    std::optional<std::string> readCiphertext(const std::string& ref) override;

private:
    std::string root_;
};

}  // namespace lgw::adapters::blob
