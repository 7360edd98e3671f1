#pragma once
// A time-stamping authority as the audit trail sees it (UPSTREAMS.md, "Time-stamping authority"):
// give it a message, get back a token that proves the message existed at the token's time, already
// checked against the deployment's TSA CA. Failures are values.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <variant>

namespace lgw::adapters::tsa {

struct Timestamp {
    std::string token;          ///< the TimeStampToken, DER
    std::int64_t genTimeMs = 0;  ///< the TSA's time for it (Unix ms)
};

struct TsaError {
    std::string detail;  ///< what failed, in words an operator can act on
};

using TsaResult = std::variant<Timestamp, TsaError>;

class TimeStampAuthority {
public:
    virtual ~TimeStampAuthority() = default;
    /// Time-stamps `message` (its SHA-256 is what the TSA sees). Thread-safe.
    virtual boost::asio::awaitable<TsaResult> stamp(std::string message) = 0;
};

}  // namespace lgw::adapters::tsa
