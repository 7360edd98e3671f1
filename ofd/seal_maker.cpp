#include "ofd/seal_maker.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <zip.h>

#include <ctime>
#include <memory>
#include <stdexcept>

#include "ofd/der.hpp"
#include "security/crypto.hpp"
#include "text/markup.hpp"

namespace lgw::ofd {

namespace {

constexpr const char* kSm2WithSm3 = "1.2.156.10197.1.501";
constexpr const char* kNs = "http://www.ofdspec.org/2016";
constexpr const char* kSignsDir = "Doc_0/Signs";

std::string seq(std::string_view content) { return derSequenceOf(content); }
std::string ia5(std::string_view s) { return derTlv(0x16, s); }
std::string utf8(std::string_view s) { return derTlv(0x0c, s); }
std::string octets(std::string_view s) { return derTlv(0x04, s); }
std::string bits(std::string_view s) { return derTlv(0x03, std::string(1, '\0') + std::string(s)); }

std::string integer(std::int64_t v) {
    std::string b;
    do {
        b.insert(b.begin(), static_cast<char>(v & 0xff));
        v >>= 8;
    } while (v > 0);
    if (static_cast<unsigned char>(b[0]) & 0x80) b.insert(b.begin(), '\0');
    return derTlv(0x02, b);
}

std::string oid(const char* dotted) {
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> o(OBJ_txt2obj(dotted, 1), ASN1_OBJECT_free);
    unsigned char* out = nullptr;
    const int n = o ? i2d_ASN1_OBJECT(o.get(), &out) : -1;
    if (n <= 0) throw std::runtime_error(std::string("cannot encode the OID ") + dotted);
    std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    return der;
}

std::string timeText(std::int64_t s, const char* format) {
    const auto t = static_cast<time_t>(s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

std::string generalizedTime(std::int64_t s) { return derTlv(0x18, timeText(s, "%Y%m%d%H%M%SZ")); }
std::string utcTime(std::int64_t s) { return derTlv(0x17, timeText(s, "%y%m%d%H%M%SZ")); }


// The seal's picture: a 1×1 transparent PNG (the appearance is not what the tests are about).
std::string sealPicture() {
    return *security::base64Decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}

}  // namespace

std::string makeSeal(const SealSpec& spec) {
    const bool v1 = spec.format == SealFormat::kGmt0031V1;
    const std::string header = seq(ia5("ES") + integer(v1 ? 1 : 4) + ia5("LGWSIM"));
    // v4: type, name, certListType, certList, GeneralizedTimes; v1: no certListType, UTCTimes.
    auto when = [&](std::int64_t s) { return v1 ? utcTime(s) : generalizedTime(s); };
    const std::string property = seq(integer(1) + utf8(spec.sealName) + (v1 ? std::string() : integer(1)) +
                                     seq(octets(spec.signer.certDer)) + when(spec.sealValidFrom) +
                                     when(spec.sealValidFrom) + when(spec.sealValidTo));
    const std::string picture = seq(ia5("PNG") + octets(sealPicture()) + integer(40) + integer(40));
    const std::string sealInfo = seq(header + ia5(spec.sealId) + property + picture);
    if (v1) {
        // GM/T 0031: the maker signs SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}, in SES_SignInfo.
        const std::string cert = octets(spec.maker.certDer), alg = oid(kSm2WithSm3);
        const std::string makerSignature = spec.maker.key.sign(security::SignatureAlg::kSm2Sm3, seq(sealInfo + cert + alg));
        return seq(sealInfo + seq(cert + alg + bits(makerSignature)));
    }
    const std::string makerSignature = spec.maker.key.sign(security::SignatureAlg::kSm2Sm3, sealInfo);
    return seq(sealInfo + octets(spec.maker.certDer) + oid(kSm2WithSm3) + bits(makerSignature));
}

void sealPackage(OfdFiles& files, const SealSpec& spec) {
    auto ofd = files.find("OFD.xml");
    if (ofd == files.end()) throw std::runtime_error("sealPackage: no OFD.xml");
    const std::string signs = std::string(kSignsDir);
    const std::string listPath = signs + "/Signatures.xml";
    const std::string sigDir = signs + "/Sign_0";
    const std::string close = "</ofd:DocBody>";
    const std::size_t at = ofd->second.find(close);
    if (at == std::string::npos || ofd->second.find("<ofd:Signatures>") != std::string::npos)
        throw std::runtime_error("sealPackage: OFD.xml has no DocBody, or is signed already");
    ofd->second.insert(at, "<ofd:Signatures>/" + listPath + "</ofd:Signatures>");

    files[listPath] = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Signatures xmlns:ofd=\"") + kNs +
                      "\"><ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID=\"1\" Type=\"Seal\" BaseLoc=\"/" + sigDir +
                      "/Signature.xml\"/></ofd:Signatures>";
    const std::string seal = makeSeal(spec);
    files[sigDir + "/Seal.esl"] = seal;

    std::string references;
    for (const auto& [path, bytes] : files)
        references += "<ofd:Reference FileRef=\"/" + text::escapeMarkup(path) + "\"><ofd:CheckValue>" +
                      security::base64Encode(security::sm3(bytes)) + "</ofd:CheckValue></ofd:Reference>";
    const std::string signatureXml =
        std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Signature xmlns:ofd=\"") + kNs +
        "\"><ofd:SignedInfo><ofd:Provider ProviderName=\"licence-gateway govsim\" Company=\"licence-gateway\" Version=\"1\"/>"
        "<ofd:SignatureMethod>" + kSm2WithSm3 + "</ofd:SignatureMethod><ofd:SignatureDateTime>" +
        timeText(spec.signedAt, "%Y-%m-%d %H:%M:%S") + "</ofd:SignatureDateTime><ofd:References CheckMethod=\"SM3\">" +
        references + "</ofd:References><ofd:Seal><ofd:BaseLoc>/" + sigDir +
        "/Seal.esl</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo><ofd:SignedValue>/" + sigDir +
        "/SignedValue.dat</ofd:SignedValue></ofd:Signature>";
    files[sigDir + "/Signature.xml"] = signatureXml;

    if (spec.format == SealFormat::kGmt0031V1) {
        // GM/T 0031 v1: the time as text in a BIT STRING, the signer's certificate and the
        // algorithm inside TBS_Sign, the signature beside it.
        const std::string tbs1 = seq(integer(1) + seal + bits(timeText(spec.signedAt, "%Y%m%d%H%M%SZ")) +
                                     bits(security::sm3(signatureXml)) + ia5("/" + sigDir + "/Signature.xml") +
                                     octets(spec.signer.certDer) + oid(kSm2WithSm3));
        files[sigDir + "/SignedValue.dat"] = seq(tbs1 + bits(spec.signer.key.sign(security::SignatureAlg::kSm2Sm3, tbs1)));
        return;
    }
    const std::string tbs = seq(integer(4) + seal + generalizedTime(spec.signedAt) + bits(security::sm3(signatureXml)) +
                                ia5("/" + sigDir + "/Signature.xml"));
    const std::string signature = spec.signer.key.sign(security::SignatureAlg::kSm2Sm3, tbs);
    files[sigDir + "/SignedValue.dat"] = seq(tbs + octets(spec.signer.certDer) + oid(kSm2WithSm3) + bits(signature));
}

std::string zipPackage(const OfdFiles& files, bool deflate) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
    if (!src) throw std::runtime_error("zipPackage: no buffer");
    zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    if (!z) {
        zip_source_free(src);
        throw std::runtime_error("zipPackage: cannot open the buffer");
    }
    zip_source_keep(src);  // it outlives zip_close, which writes into it
    for (const auto& [name, bytes] : files) {
        zip_source_t* file = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
        const zip_int64_t i = file ? zip_file_add(z, name.c_str(), file, ZIP_FL_ENC_UTF_8) : -1;
        if (i < 0) zip_source_free(file);  // once added, the archive owns it
        if (i < 0 || zip_set_file_compression(z, static_cast<zip_uint64_t>(i), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0) {
            zip_discard(z);
            zip_source_free(src);
            throw std::runtime_error("zipPackage: cannot add " + name);
        }
    }
    if (zip_close(z) != 0) {
        zip_discard(z);
        zip_source_free(src);
        throw std::runtime_error("zipPackage: cannot write the ZIP");
    }
    std::string out;
    zip_stat_t st;
    if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
        out.resize(static_cast<std::size_t>(st.size));
        const zip_int64_t n = zip_source_read(src, out.data(), out.size());
        zip_source_close(src);
        if (n < 0 || static_cast<std::size_t>(n) != out.size()) out.clear();
    }
    zip_source_free(src);
    if (out.empty()) throw std::runtime_error("zipPackage: cannot read the ZIP back");
    return out;
}

}  // namespace lgw::ofd
