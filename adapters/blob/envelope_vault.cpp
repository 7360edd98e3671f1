#include "adapters/blob/envelope_vault.hpp"

#include <mutex>

#include "security/crypto.hpp"

namespace lgw::adapters::blob {

EnvelopeVault::EnvelopeVault(security::Keyring ring, security::CipherSuite suite)
    : ring_(std::move(ring)), suite_(suite) {}

void EnvelopeVault::setKeyring(security::Keyring ring) {
    std::unique_lock lock(mutex_);
    ring_ = std::move(ring);
}

void EnvelopeVault::put(store::DocumentMeta& meta, std::string_view plaintext) {
    security::Sealed sealed;
    {
        std::shared_lock lock(mutex_);
        sealed = security::seal(ring_, meta.id, plaintext, suite_);
    }
    std::string ref = refFor(meta.id);
    writeCiphertext(ref, sealed.ciphertext);
    meta.blobRef = ref;
    meta.keyVersion = sealed.keyVersion;
    meta.wrappedKey = sealed.wrappedKey;
    meta.size = static_cast<std::int64_t>(plaintext.size());
    meta.sha256 = security::sha256Hex(plaintext);
}

std::optional<std::string> EnvelopeVault::get(const store::DocumentMeta& meta) {
    if (meta.purgedAt != 0 || meta.wrappedKey.empty()) return std::nullopt;
    auto ciphertext = readCiphertext(meta.blobRef);
    if (!ciphertext) return std::nullopt;
    std::shared_lock lock(mutex_);
    return security::open(ring_, meta.id, meta.keyVersion, meta.wrappedKey, *ciphertext);
}

}  // namespace lgw::adapters::blob
