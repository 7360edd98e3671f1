#pragma once
// RFC 3161 time-stamps on OpenSSL's TS API: the query the gateway sends a time-stamping authority
// for a message (an audit checkpoint), the check of the TSA's answer, and the offline check of a
// stored token. A token proves that the message existed at its genTime: its SHA-256 is in the
// token's TSTInfo, signed by a TSA whose certificate chains to a configured CA. No I/O here: the
// HTTP call is adapters/tsa's, the CA's PEM is read by the caller.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lgw::security {

/// The CA certificates a deployment trusts for its TSA (`audit.tsa.ca_file`, `audit verify
/// --tsa-ca`).
class TsaTrust {
public:
    /// Every certificate of a PEM bundle; nullopt with `error` set when there is none or one does
    /// not parse.
    static std::optional<TsaTrust> fromPem(std::string_view pem, std::string* error = nullptr);
    ~TsaTrust();
    TsaTrust(TsaTrust&&) noexcept;
    TsaTrust& operator=(TsaTrust&&) noexcept;
    TsaTrust(const TsaTrust&) = delete;
    TsaTrust& operator=(const TsaTrust&) = delete;
    std::size_t size() const;

    struct Certs;
    const Certs& certs() const { return *certs_; }

private:
    TsaTrust();
    std::unique_ptr<Certs> certs_;
};

/// A TimeStampReq (DER) for the SHA-256 of `message`, with a fresh 64-bit nonce and certReq set,
/// so that the token carries the TSA's certificate.
struct TimestampQuery {
    std::string der;
};
TimestampQuery makeTimestampQuery(std::string_view message);

/// The outcome of a check: the token's genTime (Unix ms) when it holds, else what is wrong.
struct TimestampCheck {
    bool ok = false;
    std::int64_t genTimeMs = 0;
    std::string reason;
    std::string token;  ///< acceptTimestampResponse: the TimeStampToken (DER ContentInfo) to keep
};

/// Reads a TSA's TimeStampResp to `query`: status granted, the token signed by a certificate that
/// chains to `trust` at the token's time, for the SHA-256 of the queried message, with the query's
/// nonce. Never throws.
TimestampCheck acceptTimestampResponse(std::string_view responseDer, const TimestampQuery& query,
                                       const TsaTrust& trust);

/// Verifies a kept token over `message` offline: signature, chain to `trust` at the token's own
/// genTime, SHA-256 imprint of `message`. Never throws.
TimestampCheck verifyTimestampToken(std::string_view tokenDer, std::string_view message, const TsaTrust& trust);

}  // namespace lgw::security
