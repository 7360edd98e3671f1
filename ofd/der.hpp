#pragma once
// A reader of DER (X.690) over OpenSSL's ASN1_get_object: it walks the tag-length-value items of a
// structure and hands out each item's bytes as they are in the file, so that a signature is checked
// over the very bytes that were signed (GB/T 38540's TBS_Sign, SES_SealInfo), never over a
// re-encoding. Indefinite lengths (BER, not DER) and items running past their parent are refused.
// Primitive values are read with OpenSSL's d2i functions (times, object identifiers).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lgw::ofd {

/// One item: its tag (universal class tags as in <openssl/asn1.h>: V_ASN1_SEQUENCE …), whether it
/// is context-specific ([0] …), constructed, its whole encoding and its content.
struct DerItem {
    int tag = 0;
    bool contextSpecific = false;
    bool constructed = false;
    std::string_view whole;
    std::string_view content;
};

class DerReader {
public:
    explicit DerReader(std::string_view bytes) : rest_(bytes) {}
    bool atEnd() const { return rest_.empty(); }
    /// The next item, or nullopt (and failed()) when the bytes are no DER item.
    std::optional<DerItem> next();
    /// The next item when it has this universal tag; nullopt (and failed()) otherwise.
    std::optional<DerItem> expect(int universalTag);
    /// The next item when it is context-specific [n]; nullopt without failing when it is absent.
    std::optional<DerItem> optionalContext(int n);
    bool failed() const { return failed_; }

private:
    std::string_view rest_;
    bool failed_ = false;
};

/// A small non-negative INTEGER's value (the versions and types of a seal); nullopt when it is
/// negative or longer than 4 bytes.
std::optional<std::int64_t> derSmallInteger(const DerItem& item);
/// A BIT STRING's bits as bytes; nullopt unless the count of unused bits is 0.
std::optional<std::string_view> derBitStringBytes(const DerItem& item);
/// An OBJECT IDENTIFIER in dotted form ("1.2.156.10197.1.501").
std::optional<std::string> derObjectId(const DerItem& item);
/// A GeneralizedTime or UTCTime as Unix seconds.
std::optional<std::int64_t> derTime(const DerItem& item);

/// An SM2/ECDSA signature as DER ECDSA-Sig-Value: DER as it is, a 64-byte r‖s (GM/T 0009's raw
/// form, which some seal makers store) encoded as DER. nullopt for anything else.
std::optional<std::string> ecdsaSignatureAsDer(std::string_view signature);

/// One DER item: `tag`, the definite length in its shortest form, `content`.
std::string derTlv(unsigned char tag, std::string_view content);
/// A SEQUENCE around `content` (the v1 seal maker signs SEQUENCE{sealInfo, cert, alg}).
std::string derSequenceOf(std::string_view content);

}  // namespace lgw::ofd
