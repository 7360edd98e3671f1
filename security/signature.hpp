#pragma once
// Digital signatures of e-licences: SM2 with SM3 and the user id 1234567812345678 (GM/T 0009, the
// default of Chinese implementations), and ECDSA P-256 with SHA-256. Keys are PEM. Thread-safe.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace lgw::security {

enum class SignatureAlg { kSm2Sm3, kEcdsaP256Sha256 };

/// "SM2-SM3" / "ECDSA-P256-SHA256" as on the wire; nullopt for anything else.
std::optional<SignatureAlg> signatureAlgFromName(std::string_view name);
const char* signatureAlgName(SignatureAlg alg);

inline constexpr std::string_view kSm2DefaultUserId = "1234567812345678";

class PublicKey {
public:
    /// Parses a PEM SubjectPublicKeyInfo; nullopt if it is not an SM2 or P-256 key.
    static std::optional<PublicKey> fromPem(std::string_view pem);
    /// An OpenSSL key already parsed (a certificate's), shared: its reference count is taken, it
    /// is not decoded again. nullopt if it is not an SM2 or P-256 key. (A PEM round trip through
    /// OpenSSL 3's decoders cost more than the verification it served.)
    static std::optional<PublicKey> shared(evp_pkey_st* key);
    /// True when `signature` (DER) is valid for `message` under `alg`, and the key fits the alg.
    bool verify(SignatureAlg alg, std::string_view message, std::string_view signature) const;
    std::string pem() const;
    /// The algorithm this key signs with: SM2-SM3 for an SM2 key, else ECDSA-P256-SHA256.
    SignatureAlg alg() const;

    struct Impl;
    std::shared_ptr<Impl> impl;
};

class PrivateKey {
public:
    static PrivateKey generate(SignatureAlg alg);
    static std::optional<PrivateKey> fromPem(std::string_view pem);
    /// DER signature; throws std::runtime_error only if OpenSSL fails.
    std::string sign(SignatureAlg alg, std::string_view message) const;
    std::string pem() const;
    PublicKey publicKey() const;
    SignatureAlg alg() const;

    struct Impl;
    std::shared_ptr<Impl> impl;
};

}  // namespace lgw::security
