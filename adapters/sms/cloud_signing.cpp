#include "adapters/sms/cloud_signing.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "security/crypto.hpp"

namespace lgw::adapters::sms {

namespace {

std::string utcDate(std::int64_t unixSeconds) {
    std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

Tc3Signature signTc3(const Tc3Input& in) {
    Tc3Signature out;
    HeaderList signedList{{"content-type", in.contentType}, {"host", in.host}};
    signedList.insert(signedList.end(), in.extraSigned.begin(), in.extraSigned.end());
    std::string canonicalHeaders;
    for (auto& [name, value] : signedList) {
        canonicalHeaders += lower(name) + ":" + trim(value) + "\n";
        out.signedHeaders += (out.signedHeaders.empty() ? "" : ";") + lower(name);
    }
    out.canonicalRequest = "POST\n/\n\n" + canonicalHeaders + "\n" + out.signedHeaders + "\n" +
                           security::sha256Hex(in.payload);
    const std::string date = utcDate(in.timestamp);
    out.credentialScope = date + "/" + in.service + "/tc3_request";
    const std::string toSign = "TC3-HMAC-SHA256\n" + std::to_string(in.timestamp) + "\n" + out.credentialScope + "\n" +
                               security::sha256Hex(out.canonicalRequest);
    const std::string kDate = security::hmacSha256("TC3" + in.secretKey, date);
    const std::string kService = security::hmacSha256(kDate, in.service);
    const std::string kSigning = security::hmacSha256(kService, "tc3_request");
    out.signature = security::toHex(security::hmacSha256(kSigning, toSign));
    out.authorization = "TC3-HMAC-SHA256 Credential=" + in.secretId + "/" + out.credentialScope +
                        ", SignedHeaders=" + out.signedHeaders + ", Signature=" + out.signature;
    return out;
}

std::string acsPercentEncode(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string acs3ContentSha256(std::string_view body) { return security::sha256Hex(body); }

Acs3Signature signAcs3(const Acs3Input& in) {
    Acs3Signature out;
    out.contentSha256 = acs3ContentSha256(in.body);
    std::vector<std::pair<std::string, std::string>> q;
    for (auto& [k, v] : in.query) q.emplace_back(acsPercentEncode(k), acsPercentEncode(v));
    std::sort(q.begin(), q.end());
    for (auto& [k, v] : q) out.canonicalQuery += (out.canonicalQuery.empty() ? "" : "&") + k + "=" + v;
    std::vector<std::pair<std::string, std::string>> h;
    for (auto& [k, v] : in.headers) h.emplace_back(lower(k), trim(v));
    std::sort(h.begin(), h.end());
    std::string canonicalHeaders;
    for (auto& [k, v] : h) {
        canonicalHeaders += k + ":" + v + "\n";
        out.signedHeaders += (out.signedHeaders.empty() ? "" : ";") + k;
    }
    out.canonicalRequest = in.method + "\n" + in.path + "\n" + out.canonicalQuery + "\n" + canonicalHeaders + "\n" +
                           out.signedHeaders + "\n" + out.contentSha256;
    const std::string toSign = "ACS3-HMAC-SHA256\n" + security::sha256Hex(out.canonicalRequest);
    out.signature = security::toHex(security::hmacSha256(in.accessKeySecret, toSign));
    out.authorization = "ACS3-HMAC-SHA256 Credential=" + in.accessKeyId + ",SignedHeaders=" + out.signedHeaders +
                        ",Signature=" + out.signature;
    return out;
}

}  // namespace lgw::adapters::sms
