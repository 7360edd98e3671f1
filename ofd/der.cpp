#include "ofd/der.hpp"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

#include <ctime>
#include <memory>

namespace lgw::ofd {

namespace {

const unsigned char* bytesOf(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::optional<DerItem> DerReader::next() {
    if (failed_ || rest_.empty()) {
        failed_ = true;
        return std::nullopt;
    }
    const unsigned char* p = bytesOf(rest_);
    long length = 0;
    int tag = 0;
    int cls = 0;
    const int ret = ASN1_get_object(&p, &length, &tag, &cls, static_cast<long>(rest_.size()));
    // 0x80: a malformed header or a length past the end; bit 0: indefinite length (not DER).
    if ((ret & 0x80) || (ret & 0x01) || length < 0) {
        failed_ = true;
        return std::nullopt;
    }
    const auto header = static_cast<std::size_t>(p - bytesOf(rest_));
    const auto len = static_cast<std::size_t>(length);
    if (header + len > rest_.size()) {
        failed_ = true;
        return std::nullopt;
    }
    DerItem item;
    item.tag = tag;
    item.contextSpecific = cls == V_ASN1_CONTEXT_SPECIFIC;
    item.constructed = (ret & V_ASN1_CONSTRUCTED) != 0;
    item.whole = rest_.substr(0, header + len);
    item.content = rest_.substr(header, len);
    if (cls != V_ASN1_UNIVERSAL && cls != V_ASN1_CONTEXT_SPECIFIC) {
        failed_ = true;
        return std::nullopt;
    }
    rest_.remove_prefix(header + len);
    return item;
}

std::optional<DerItem> DerReader::expect(int universalTag) {
    auto item = next();
    if (!item || item->contextSpecific || item->tag != universalTag) {
        failed_ = true;
        return std::nullopt;
    }
    return item;
}

std::optional<DerItem> DerReader::optionalContext(int n) {
    if (failed_ || rest_.empty()) return std::nullopt;
    DerReader peek(rest_);
    auto item = peek.next();
    if (!item || !item->contextSpecific || item->tag != n) return std::nullopt;
    rest_.remove_prefix(item->whole.size());
    return item;
}

std::optional<std::int64_t> derSmallInteger(const DerItem& item) {
    if (item.contextSpecific || item.tag != V_ASN1_INTEGER || item.content.empty() || item.content.size() > 4) return std::nullopt;
    if (static_cast<unsigned char>(item.content[0]) & 0x80) return std::nullopt;
    std::int64_t v = 0;
    for (char c : item.content) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
}

std::optional<std::string_view> derBitStringBytes(const DerItem& item) {
    if (item.contextSpecific || item.tag != V_ASN1_BIT_STRING || item.content.empty() || item.content[0] != 0) return std::nullopt;
    return item.content.substr(1);
}

std::optional<std::string> derObjectId(const DerItem& item) {
    if (item.contextSpecific || item.tag != V_ASN1_OBJECT) return std::nullopt;
    const unsigned char* p = bytesOf(item.whole);
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(
        d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(item.whole.size())), ASN1_OBJECT_free);
    if (!obj) return std::nullopt;
    char text[128];
    const int n = OBJ_obj2txt(text, sizeof text, obj.get(), 1);
    if (n <= 0 || n >= static_cast<int>(sizeof text)) return std::nullopt;
    return std::string(text, static_cast<std::size_t>(n));
}

std::optional<std::int64_t> derTime(const DerItem& item) {
    if (item.contextSpecific || (item.tag != V_ASN1_GENERALIZEDTIME && item.tag != V_ASN1_UTCTIME)) return std::nullopt;
    const unsigned char* p = bytesOf(item.whole);
    std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> t(
        d2i_ASN1_TIME(nullptr, &p, static_cast<long>(item.whole.size())), ASN1_TIME_free);
    if (!t) return std::nullopt;
    std::tm tm{};
    if (ASN1_TIME_to_tm(t.get(), &tm) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<std::string> ecdsaSignatureAsDer(std::string_view signature) {
    if (signature.size() == 64) {
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
        BIGNUM* r = BN_bin2bn(bytesOf(signature), 32, nullptr);
        BIGNUM* s = BN_bin2bn(bytesOf(signature) + 32, 32, nullptr);
        if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            return std::nullopt;
        }
        unsigned char* out = nullptr;
        const int n = i2d_ECDSA_SIG(sig.get(), &out);
        if (n <= 0) return std::nullopt;
        std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
        OPENSSL_free(out);
        return der;
    }
    // DER as it is, when it is one ECDSA-Sig-Value and nothing after it.
    const unsigned char* p = bytesOf(signature);
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
        d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(signature.size())), ECDSA_SIG_free);
    if (!sig || p != bytesOf(signature) + signature.size()) return std::nullopt;
    return std::string(signature);
}

std::string derTlv(unsigned char tag, std::string_view content) {
    std::string out(1, static_cast<char>(tag));
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<char>(n));
    } else {
        std::string len;
        for (std::size_t v = n; v; v >>= 8) len.insert(len.begin(), static_cast<char>(v & 0xff));
        out.push_back(static_cast<char>(0x80 | len.size()));
        out += len;
    }
    out += content;
    return out;
}

std::string derSequenceOf(std::string_view content) { return derTlv(0x30, content); }

}  // namespace lgw::ofd
