#pragma once
// The government data platform (政务数据共享平台 · 电子证照共享) as the gateway needs it: the phone on
// record for a holder, and the holder's e-licences for an authorised purpose. Failures are values
// (boost::system::result with an error of the lgw.govdata category), mapped to HTTP problems in one
// place (gateway/api/error_mapping).
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <vector>

#include "security/licence_verifier.hpp"

namespace lgw::adapters::govdata {

enum class GovErrorCode {
    kUpstreamTimeout = 1,  ///< no answer within the configured time
    kUpstreamUnavailable,  ///< connection failure, 5xx, 429, circuit open
    kUpstreamBadPayload,   ///< an answer that does not follow the contract
    kUpstreamRefused,      ///< 401/403: our signature or authorisation was refused
    kSubjectUnknown,       ///< 404: the platform does not know the holder
};

/// The stable code: upstream_timeout, upstream_unavailable, upstream_bad_payload, upstream_refused,
/// subject_unknown (also the category's message).
const char* toString(GovErrorCode code);
const boost::system::error_category& govdataCategory();
boost::system::error_code make_error_code(GovErrorCode code);

struct GovError {
    GovErrorCode code;
    std::string detail;  ///< what happened, for the caller's problem; never a secret
    boost::system::error_code error() const { return make_error_code(code); }
};

/// Lets GovResult<T>::value() throw (a bug: callers test the result first).
[[noreturn]] void throw_exception_from_error(const GovError& e, const boost::source_location& where);

template <class T>
using GovResult = boost::system::result<T, GovError>;

struct LicenceQuery {
    std::string holderCode;
    std::vector<std::string> licenceTypes;
    std::string purpose;            ///< platform purpose, e.g. 业扩报装
    std::string requesterOrgCode;   ///< the utility's credit code
    std::string operatorId;         ///< the caller
    std::string consentId;
    std::string verifiedAt;         ///< RFC 3339
    std::string consentTextSha256;
    std::string copyExpiresAt;      ///< RFC 3339
};

class GovDataPlatform {
public:
    virtual ~GovDataPlatform() = default;
    /// The phone on record: the legal representative's for USCC, the person's for ID.
    virtual boost::asio::awaitable<GovResult<std::string>> contactPhone(std::string holderCodeType,
                                                                        std::string holderCode) = 0;
    /// The licences, decoded but NOT yet verified (see security::verifyLicence).
    virtual boost::asio::awaitable<GovResult<std::vector<security::ELicence>>> queryLicences(LicenceQuery query) = 0;
};

/// Decodes the body of POST /api/v1/licences/query. Never throws; any deviation from the contract
/// is an error naming the field.
GovResult<std::vector<security::ELicence>> decodeLicences(const std::string& body);
/// Decodes the body of POST /api/v1/subjects/contact.
GovResult<std::string> decodeContact(const std::string& body);

}  // namespace lgw::adapters::govdata

namespace boost::system {
template <>
struct is_error_code_enum<lgw::adapters::govdata::GovErrorCode> : std::true_type {};
}  // namespace boost::system
