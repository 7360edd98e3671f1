#include "security/envelope.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "security/crypto.hpp"

namespace lgw::security {
namespace {

constexpr std::string_view kMagic = "LGW1";
constexpr std::size_t kNonce = 12, kTag = 16;

struct CipherCtx {
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    ~CipherCtx() { EVP_CIPHER_CTX_free(c); }
};

// prefix | nonce | tag | ciphertext, in one buffer: no second copy of a large document.
std::string gcmEncrypt(std::string_view key, std::string_view aad, std::string_view plain, std::string_view prefix = {}) {
    std::string nonce = randomBytes(kNonce);
    std::string out(prefix.size() + kNonce + kTag + plain.size(), '\0');
    std::copy(prefix.begin(), prefix.end(), out.begin());
    CipherCtx ctx;
    int len = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data()) + prefix.size();
    if (EVP_EncryptInit_ex(ctx.c, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                           reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
        EVP_EncryptUpdate(ctx.c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1)
        throw std::runtime_error("AES-GCM init failed");
    // Large documents go through in chunks that fit an int.
    std::size_t done = 0;
    while (done < plain.size()) {
        int n = static_cast<int>(std::min<std::size_t>(plain.size() - done, 1 << 30));
        if (EVP_EncryptUpdate(ctx.c, o + kNonce + kTag + done, &len,
                              reinterpret_cast<const unsigned char*>(plain.data()) + done, n) != 1)
            throw std::runtime_error("AES-GCM encrypt failed");
        done += static_cast<std::size_t>(len);
    }
    if (EVP_EncryptFinal_ex(ctx.c, o + kNonce + kTag + done, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce) != 1)
        throw std::runtime_error("AES-GCM final failed");
    std::copy(nonce.begin(), nonce.end(), out.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
    return out;
}

std::optional<std::string> gcmDecrypt(std::string_view key, std::string_view aad, std::string_view sealed) {
    if (sealed.size() < kNonce + kTag || key.size() != 32) return std::nullopt;
    std::string out(sealed.size() - kNonce - kTag, '\0');
    CipherCtx ctx;
    int len = 0;
    auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
    if (EVP_DecryptInit_ex(ctx.c, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()), in) != 1 ||
        EVP_DecryptUpdate(ctx.c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1)
        return std::nullopt;
    std::size_t done = 0;
    while (done < out.size()) {
        int n = static_cast<int>(std::min<std::size_t>(out.size() - done, 1 << 30));
        if (EVP_DecryptUpdate(ctx.c, reinterpret_cast<unsigned char*>(out.data()) + done, &len,
                              in + kNonce + kTag + done, n) != 1)
            return std::nullopt;
        done += static_cast<std::size_t>(len);
    }
    std::string tag(sealed.substr(kNonce, kTag));
    if (EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.c, reinterpret_cast<unsigned char*>(out.data()) + done, &len) != 1)
        return std::nullopt;
    return out;
}

std::string documentAad(std::string_view documentId) { return std::string(documentId) + "|" + std::string(kMagic); }
std::string keyAad(std::string_view documentId, std::uint32_t version) {
    return "data-key|" + std::string(documentId) + "|" + std::to_string(version);
}

std::optional<std::string> unwrap(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                  std::string_view wrappedKey) {
    auto kek = ring.keys.find(keyVersion);
    if (kek == ring.keys.end()) return std::nullopt;
    return gcmDecrypt(kek->second, keyAad(documentId, keyVersion), wrappedKey);
}

}  // namespace

Sealed seal(const Keyring& ring, std::string_view documentId, std::string_view plaintext) {
    if (ring.keys.empty()) throw std::runtime_error("the keyring is empty");
    Sealed s;
    s.keyVersion = ring.newest();
    std::string dataKey = randomBytes(32);
    s.ciphertext = gcmEncrypt(dataKey, documentAad(documentId), plaintext, kMagic);
    s.wrappedKey = gcmEncrypt(ring.keys.at(s.keyVersion), keyAad(documentId, s.keyVersion), dataKey);
    OPENSSL_cleanse(dataKey.data(), dataKey.size());
    return s;
}

std::optional<std::string> open(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                std::string_view wrappedKey, std::string_view ciphertext) {
    if (ciphertext.substr(0, kMagic.size()) != kMagic) return std::nullopt;
    auto dataKey = unwrap(ring, documentId, keyVersion, wrappedKey);
    if (!dataKey) return std::nullopt;
    auto plain = gcmDecrypt(*dataKey, documentAad(documentId), ciphertext.substr(kMagic.size()));
    OPENSSL_cleanse(dataKey->data(), dataKey->size());
    return plain;
}

std::optional<std::string> rewrap(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                  std::string_view wrappedKey) {
    auto dataKey = unwrap(ring, documentId, keyVersion, wrappedKey);
    if (!dataKey) return std::nullopt;
    auto out = gcmEncrypt(ring.keys.at(ring.newest()), keyAad(documentId, ring.newest()), *dataKey);
    OPENSSL_cleanse(dataKey->data(), dataKey->size());
    return out;
}

}  // namespace lgw::security
