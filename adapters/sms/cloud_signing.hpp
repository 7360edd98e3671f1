#pragma once
// The request signatures of the two Chinese cloud SMS providers (UPSTREAMS.md, SMS provider):
// Tencent Cloud API 3.0's TC3-HMAC-SHA256 and Alibaba Cloud's V3 ACS3-HMAC-SHA256. Pure functions,
// checked against the signing examples each provider publishes (tests/unit/adapters).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lgw::adapters::sms {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// A POST to a Tencent Cloud API (CanonicalURI "/", no query string).
struct Tc3Input {
    std::string secretId;
    std::string secretKey;
    std::string service;      ///< "sms"; the host's first label
    std::string host;         ///< "sms.tencentcloudapi.com"
    std::string contentType;  ///< "application/json; charset=utf-8"
    std::string payload;      ///< the body as sent, byte for byte
    std::int64_t timestamp = 0;  ///< Unix seconds (X-TC-Timestamp); its UTC date is in the scope
    /// Signed besides content-type and host, in this order after them: lower-case name and value
    /// as sent (Tencent's example signs x-tc-action with the value lower-cased).
    HeaderList extraSigned;
};

struct Tc3Signature {
    std::string canonicalRequest;
    std::string credentialScope;  ///< "2019-02-25/cvm/tc3_request"
    std::string signedHeaders;    ///< "content-type;host"
    std::string signature;        ///< lower-case hex
    std::string authorization;    ///< the Authorization header's value
};

Tc3Signature signTc3(const Tc3Input& in);

/// A request to an Alibaba Cloud V3 API (RPC style: parameters in the query, or a body).
struct Acs3Input {
    std::string method = "POST";
    std::string path = "/";
    HeaderList query;    ///< names and values unencoded; sorted and encoded here
    HeaderList headers;  ///< every header to sign (host, x-acs-*, content-type), any case; values as sent
    std::string body;
    std::string accessKeyId;
    std::string accessKeySecret;
};

struct Acs3Signature {
    std::string contentSha256;   ///< the x-acs-content-sha256 header (hex of the body's SHA-256)
    std::string canonicalQuery;  ///< also the query string to send
    std::string canonicalRequest;
    std::string signedHeaders;
    std::string signature;
    std::string authorization;
};

/// `headers` must already hold x-acs-content-sha256 when it is to be signed (acs3ContentSha256).
Acs3Signature signAcs3(const Acs3Input& in);
std::string acs3ContentSha256(std::string_view body);
/// RFC 3986 unreserved characters kept, everything else %XX (upper case): Alibaba's percentEncode.
std::string acsPercentEncode(std::string_view s);

}  // namespace lgw::adapters::sms
