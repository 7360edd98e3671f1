#include "security/envelope.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "security/crypto.hpp"

namespace lgw::security {
namespace {

constexpr std::string_view kMagic = "LGW1", kMagicSm = "LGW2";
constexpr std::size_t kNonce = 12, kTag = 16;
constexpr std::size_t kSmIv = 16, kSmMac = 32;

struct CipherCtx {
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    ~CipherCtx() { EVP_CIPHER_CTX_free(c); }
};

// Large buffers are processed in cache-sized chunks through a small scratch buffer and appended to
// an output whose capacity was reserved: the output is written once, never zero-filled first (for
// a 10 MB document that fill was a third of the memory traffic).
constexpr std::size_t kChunk = 64 * 1024;

// prefix | nonce | tag | ciphertext, in one buffer: no second copy of a large document.
std::string gcmEncrypt(std::string_view key, std::string_view aad, std::string_view plain, std::string_view prefix = {}) {
    std::string nonce = randomBytes(kNonce);
    std::string out;
    out.reserve(prefix.size() + kNonce + kTag + plain.size());
    out.append(prefix);
    out.append(nonce);
    out.append(kTag, '\0');  // the tag, filled in at the end
    CipherCtx ctx;
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.c, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                           reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
        EVP_EncryptUpdate(ctx.c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1)
        throw std::runtime_error("AES-GCM init failed");
    unsigned char scratch[kChunk];
    for (std::size_t done = 0; done < plain.size();) {
        int n = static_cast<int>(std::min(plain.size() - done, kChunk));
        if (EVP_EncryptUpdate(ctx.c, scratch, &len, reinterpret_cast<const unsigned char*>(plain.data()) + done, n) != 1)
            throw std::runtime_error("AES-GCM encrypt failed");
        out.append(reinterpret_cast<const char*>(scratch), static_cast<std::size_t>(len));
        done += static_cast<std::size_t>(n);
    }
    unsigned char tag[kTag];
    if (EVP_EncryptFinal_ex(ctx.c, scratch, &len) != 1 || EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_GET_TAG, kTag, tag) != 1)
        throw std::runtime_error("AES-GCM final failed");
    std::copy(tag, tag + kTag, out.begin() + static_cast<std::ptrdiff_t>(prefix.size() + kNonce));
    return out;
}

std::optional<std::string> gcmDecrypt(std::string_view key, std::string_view aad, std::string_view sealed) {
    if (sealed.size() < kNonce + kTag || key.size() != 32) return std::nullopt;
    const std::size_t size = sealed.size() - kNonce - kTag;
    std::string out;
    out.reserve(size);
    CipherCtx ctx;
    int len = 0;
    auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
    if (EVP_DecryptInit_ex(ctx.c, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()), in) != 1 ||
        EVP_DecryptUpdate(ctx.c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1)
        return std::nullopt;
    unsigned char scratch[kChunk];
    for (std::size_t done = 0; done < size;) {
        int n = static_cast<int>(std::min(size - done, kChunk));
        if (EVP_DecryptUpdate(ctx.c, scratch, &len, in + kNonce + kTag + done, n) != 1) return std::nullopt;
        out.append(reinterpret_cast<const char*>(scratch), static_cast<std::size_t>(len));
        done += static_cast<std::size_t>(n);
    }
    std::string tag(sealed.substr(kNonce, kTag));
    if (EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.c, scratch, &len) != 1) {
        OPENSSL_cleanse(out.data(), out.size());  // unauthenticated plaintext never leaves
        OPENSSL_cleanse(scratch, sizeof scratch);
        return std::nullopt;
    }
    OPENSSL_cleanse(scratch, sizeof scratch);
    return out;
}

// ---- SM4-CTR + HMAC-SM3, encrypt-then-MAC ---------------------------------------------------------
struct SmKeys {
    std::string enc, mac;
    explicit SmKeys(std::string_view key) : enc(hmacSm3(key, "LGW2 sm4-ctr key").substr(0, 16)), mac(hmacSm3(key, "LGW2 hmac-sm3 key")) {}
    ~SmKeys() {
        OPENSSL_cleanse(enc.data(), enc.size());
        OPENSSL_cleanse(mac.data(), mac.size());
    }
};

// HMAC-SM3 over len(aad) | aad | data.
std::string smMac(std::string_view macKey, std::string_view aad, std::string_view data) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    char digest[] = "SM3";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(aad.size()) >> (56 - 8 * i));
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t outLen = 0;
    bool ok = ctx && EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(macKey.data()), macKey.size(), params) == 1 &&
              EVP_MAC_update(ctx, len, sizeof len) == 1 &&
              EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(aad.data()), aad.size()) == 1 &&
              EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
              EVP_MAC_final(ctx, out, &outLen, sizeof out) == 1;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    if (!ok || outLen != kSmMac) throw std::runtime_error("HMAC-SM3 failed");
    return std::string(reinterpret_cast<char*>(out), outLen);
}

bool sm4Ctr(std::string_view key, const unsigned char* iv, const unsigned char* in, unsigned char* out, std::size_t n) {
    CipherCtx ctx;
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.c, EVP_sm4_ctr(), nullptr, reinterpret_cast<const unsigned char*>(key.data()), iv) != 1)
        return false;
    for (std::size_t done = 0; done < n;) {
        int chunk = static_cast<int>(std::min<std::size_t>(n - done, 1 << 30));
        if (EVP_EncryptUpdate(ctx.c, out + done, &len, in + done, chunk) != 1) return false;
        done += static_cast<std::size_t>(len);
    }
    return EVP_EncryptFinal_ex(ctx.c, out + n, &len) == 1;
}

// prefix | iv | ciphertext | mac; the MAC covers the associated data and everything before it.
std::string smEncrypt(std::string_view key, std::string_view aad, std::string_view plain, std::string_view prefix = {}) {
    SmKeys k(key);
    std::string iv = randomBytes(kSmIv);
    std::string out(prefix.size() + kSmIv + plain.size() + kSmMac, '\0');  // one buffer, the MAC last
    std::copy(prefix.begin(), prefix.end(), out.begin());
    std::copy(iv.begin(), iv.end(), out.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
    auto* o = reinterpret_cast<unsigned char*>(out.data()) + prefix.size() + kSmIv;
    if (!sm4Ctr(k.enc, reinterpret_cast<const unsigned char*>(iv.data()),
                reinterpret_cast<const unsigned char*>(plain.data()), o, plain.size()))
        throw std::runtime_error("SM4-CTR encrypt failed");
    std::string mac = smMac(k.mac, aad, std::string_view(out).substr(0, out.size() - kSmMac));
    std::copy(mac.begin(), mac.end(), out.end() - kSmMac);
    return out;
}

// `sealed` is prefix | iv | ciphertext | mac; the MAC is checked before anything is decrypted.
std::optional<std::string> smDecrypt(std::string_view key, std::string_view aad, std::string_view sealed,
                                     std::size_t prefixLen = 0) {
    if (key.size() != 32 || sealed.size() < prefixLen + kSmIv + kSmMac) return std::nullopt;
    SmKeys k(key);
    std::string_view body = sealed.substr(0, sealed.size() - kSmMac);
    std::string expected = smMac(k.mac, aad, body);
    if (!constantTimeEquals(expected, sealed.substr(body.size()))) return std::nullopt;
    std::string out(body.size() - prefixLen - kSmIv, '\0');
    auto* in = reinterpret_cast<const unsigned char*>(body.data()) + prefixLen;
    if (!sm4Ctr(k.enc, in, in + kSmIv, reinterpret_cast<unsigned char*>(out.data()), out.size())) return std::nullopt;
    return out;
}

// A data key is wrapped with the suite of its document; the two wrappings differ in length.
std::string wrapKey(CipherSuite suite, std::string_view kek, std::string_view aad, std::string_view dataKey);

std::string documentAad(std::string_view documentId, std::string_view magic) {
    return std::string(documentId) + "|" + std::string(magic);
}
std::string keyAad(std::string_view documentId, std::uint32_t version) {
    return "data-key|" + std::string(documentId) + "|" + std::to_string(version);
}

std::string wrapKey(CipherSuite suite, std::string_view kek, std::string_view aad, std::string_view dataKey) {
    return suite == CipherSuite::kSm4CtrHmacSm3 ? smEncrypt(kek, aad, dataKey) : gcmEncrypt(kek, aad, dataKey);
}

constexpr std::size_t kWrappedSm = kSmIv + 32 + kSmMac;

std::optional<std::string> unwrap(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                  std::string_view wrappedKey) {
    auto kek = ring.keys.find(keyVersion);
    if (kek == ring.keys.end()) return std::nullopt;
    if (wrappedKey.size() == kWrappedSm) return smDecrypt(kek->second, keyAad(documentId, keyVersion), wrappedKey);
    return gcmDecrypt(kek->second, keyAad(documentId, keyVersion), wrappedKey);
}

}  // namespace

std::optional<CipherSuite> cipherSuiteFromName(std::string_view name) {
    if (name == "aes-256-gcm") return CipherSuite::kAes256Gcm;
    if (name == "sm4-ctr-hmac-sm3") return CipherSuite::kSm4CtrHmacSm3;
    return std::nullopt;
}

const char* cipherSuiteName(CipherSuite suite) {
    return suite == CipherSuite::kSm4CtrHmacSm3 ? "sm4-ctr-hmac-sm3" : "aes-256-gcm";
}

Sealed seal(const Keyring& ring, std::string_view documentId, std::string_view plaintext, CipherSuite suite) {
    if (ring.keys.empty()) throw std::runtime_error("the keyring is empty");
    Sealed s;
    s.keyVersion = ring.newest();
    std::string dataKey = randomBytes(32);
    s.ciphertext = suite == CipherSuite::kSm4CtrHmacSm3 ? smEncrypt(dataKey, documentAad(documentId, kMagicSm), plaintext, kMagicSm)
                                                          : gcmEncrypt(dataKey, documentAad(documentId, kMagic), plaintext, kMagic);
    s.wrappedKey = wrapKey(suite, ring.keys.at(s.keyVersion), keyAad(documentId, s.keyVersion), dataKey);
    OPENSSL_cleanse(dataKey.data(), dataKey.size());
    return s;
}

std::optional<std::string> open(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                std::string_view wrappedKey, std::string_view ciphertext) {
    std::string_view magic = ciphertext.substr(0, kMagic.size());
    if (magic != kMagic && magic != kMagicSm) return std::nullopt;
    auto dataKey = unwrap(ring, documentId, keyVersion, wrappedKey);
    if (!dataKey) return std::nullopt;
    auto plain = magic == kMagicSm ? smDecrypt(*dataKey, documentAad(documentId, kMagicSm), ciphertext, kMagicSm.size())
                                   : gcmDecrypt(*dataKey, documentAad(documentId, kMagic), ciphertext.substr(kMagic.size()));
    OPENSSL_cleanse(dataKey->data(), dataKey->size());
    return plain;
}

std::optional<std::string> rewrap(const Keyring& ring, std::string_view documentId, std::uint32_t keyVersion,
                                  std::string_view wrappedKey) {
    auto dataKey = unwrap(ring, documentId, keyVersion, wrappedKey);
    if (!dataKey) return std::nullopt;
    auto suite = wrappedKey.size() == kWrappedSm ? CipherSuite::kSm4CtrHmacSm3 : CipherSuite::kAes256Gcm;
    auto out = wrapKey(suite, ring.keys.at(ring.newest()), keyAad(documentId, ring.newest()), *dataKey);
    OPENSSL_cleanse(dataKey->data(), dataKey->size());
    return out;
}

}  // namespace lgw::security
