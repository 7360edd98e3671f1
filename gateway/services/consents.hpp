#pragma once
// The consent domain of API.md section 1, in C++ types: a customer's consent by SMS code, the grant
// it yields, and the e-licence fetch that the grant serves once. No HTTP here: gateway/api/consents
// decodes the request, checks who may act on the application, calls this and encodes the answer;
// a failure is a value (ConsentFailure) that gateway/api/error_mapping turns into its problem.
//
// Every step is audited (allowed, denied, error) with the subject as its keyed reference and the
// masked code beside it; phones appear only masked, codes never.
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "adapters/blob/document_vault.hpp"
#include "adapters/govdata/gov_data_platform.hpp"
#include "adapters/sms/sms_sender.hpp"
#include "gateway/services/actor.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"
#include "ofd/licence_check.hpp"
#include "security/licence_verifier.hpp"

namespace lgw::gateway {

/// The ways a consent step fails. The category's message is the stable code of API.md
/// ("consent_not_found"), so a log line, a metric and the problem name a failure alike.
enum class ConsentErrc {
    kInvalidSubjectCode = 1,  ///< not a credit code / ID number at all (422)
    kRateLimited,             ///< per caller, subject or phone, or a resend too soon (429)
    kConsentNotFound,         ///< none of this id, or not this caller's (404)
    kConsentLocked,           ///< too many wrong codes (423)
    kConsentUsed,             ///< verified already, or no longer pending (409)
    kConsentExpired,          ///< the code expired (410)
    kCodeMismatch,            ///< a wrong code, attempts left (401)
    kGrantNotFound,           ///< 404
    kGrantUsed,               ///< a grant serves one fetch (409)
    kGrantExpired,            ///< 410
    kGrantScope,              ///< another caller's or another application's grant (403)
    kUpstream,                ///< the government platform failed: `cause` holds its GovError
    kSmsFailed,               ///< the SMS provider failed: `cause` holds its SmsError
    kLicenceRejected,         ///< a licence failed verification: `cause` holds the verdict
    kResendLimit,             ///< the consent had its consent.max_resends new codes (409)
    kTimestampingUnavailable, ///< the audit trail's time-stamps are stale, on_stale = refuse (503)
};

const boost::system::error_category& consentCategory();
boost::system::error_code make_error_code(ConsentErrc e);

}  // namespace lgw::gateway

namespace boost::system {
template <>
struct is_error_code_enum<lgw::gateway::ConsentErrc> : std::true_type {};
}  // namespace boost::system

namespace lgw::gateway {

/// Why a consent step did not happen: its code, a detail that says what to do next, and what the
/// answer needs besides.
struct ConsentFailure {
    boost::system::error_code code;
    std::string detail;
    std::int64_t retryAfterS = 0;     ///< kRateLimited, kTimestampingUnavailable
    std::optional<int> attemptsLeft;  ///< kCodeMismatch, kConsentLocked
    std::variant<std::monostate, adapters::govdata::GovError, adapters::sms::SmsError, security::LicenceVerdict> cause;
};

/// Lets result<T, ConsentFailure>::value() throw (a bug: callers test the result first).
[[noreturn]] void throw_exception_from_error(const ConsentFailure& f, const boost::source_location& where);

template <class T>
using ConsentResult = boost::system::result<T, ConsentFailure>;

struct ConsentRequest {
    std::string applicationId;  ///< one the caller works on (checked by the route)
    std::string purpose;        ///< a key of consent.purposes
    std::string subjectType;    ///< enterprise | person
    std::string subjectCode;
    std::vector<std::string> licenceTypes;  ///< distinct, each a known type
};

struct ConsentStarted {
    std::string consentId;
    std::string maskedPhone;
    std::int64_t codeExpiresAt = 0;  ///< Unix ms
    int resendAfterS = 0;
    bool checksumWarning = false;  ///< a well-formed code whose check character is wrong
    std::string checksumDetail;
};

struct CodeResent {
    std::int64_t codeExpiresAt = 0;
    int resendAfterS = 0;
};

struct GrantIssued {
    std::string grantId;  ///< handed out once; the store keeps only its hash
    std::int64_t expiresAt = 0;
    std::string applicationId;
    std::vector<std::string> licenceTypes;
    std::string purpose;
};

struct FetchedLicence {
    std::string documentId;
    security::ELicence licence;  ///< verified; its file is in the vault (fileBytes emptied here)
    std::optional<std::int64_t> expiresWithinDays;  ///< within the warning period, else none
    std::string seal;  ///< an OFD file's seal verification in one line ("" for an image)
};

/// What the seal check of one OFD licence left to keep: its line and its whole report (JSON).
struct SealKept {
    std::string summary;
    std::string reportJson;
};

/// What the fetched licences fill in on the application form; none where no licence says.
struct Autofill {
    std::optional<std::string> customerName, creditCode, legalRepresentative, address, idNumber;
};

struct LicencesFetched {
    std::vector<FetchedLicence> licences;
    Autofill autofill;
};

/// The application form's fields from verified licences: the business licence first, then the ID
/// card, then the property certificate's location as the address.
Autofill autofillFrom(const std::vector<security::ELicence>& licences);

class ConsentService {
public:
    struct Deps {
        Services& services;
        Auditor& auditor;
        adapters::govdata::GovDataPlatform& gov;
        adapters::sms::SmsSender& sms;
        adapters::blob::DocumentVault& vault;
        security::PlatformKeys platformKeys;
        std::string codeSecret;         ///< HMAC key for SMS codes
        std::string consentTextSha256;  ///< of config/consent_text.txt
        std::string consentText;        ///< config/consent_text.txt itself, read to the customer
        /// The anchors OFD licence seals must chain to; nullopt: an OFD licence is refused.
        std::optional<ofd::LicenceFileTrust> ofdTrust = std::nullopt;
    };
    explicit ConsentService(Deps deps) : d_(std::move(deps)) {}
    /// What the desk reads to the customer before the code is sent, and its SHA-256 (every consent
    /// records the hash of the text it was given under).
    const std::string& consentText() const { return d_.consentText; }
    const std::string& consentTextSha256() const { return d_.consentTextSha256; }

    /// Looks up the phone on record and sends it a code (send first, store second: a failed send
    /// leaves nothing to verify). Limits per caller and subject before the platform is asked, per
    /// phone after. Errors: kInvalidSubjectCode, kTimestampingUnavailable, kRateLimited, kUpstream,
    /// kSmsFailed.
    boost::asio::awaitable<ConsentResult<ConsentStarted>> start(Actor who, ConsentRequest request);
    /// A new code for a pending consent of this caller, at most consent.max_resends times and within
    /// its consent.lifetime_s; each counts against the subject's and the phone's limits, and is
    /// reserved in the store before it is sent. Errors: kConsentNotFound, kConsentLocked,
    /// kConsentUsed, kConsentExpired, kResendLimit, kRateLimited, kSmsFailed.
    boost::asio::awaitable<ConsentResult<CodeResent>> resend(Actor who, std::string consentId);
    /// The customer's code read back: a grant on a match. Errors: kConsentNotFound, kCodeMismatch,
    /// kConsentLocked, kConsentExpired, kConsentUsed.
    boost::asio::awaitable<ConsentResult<GrantIssued>> verify(Actor who, std::string consentId, std::string code);
    /// Uses the grant once: fetches, verifies and stores the licences, schedules expiry reminders.
    /// An outage gives the grant back; a stale audit trail (on_stale = refuse) leaves it unused.
    /// Errors: kTimestampingUnavailable, kGrant*, kUpstream, kLicenceRejected.
    boost::asio::awaitable<ConsentResult<LicencesFetched>> fetchLicences(Actor who, std::string grantId,
                                                                         std::optional<std::string> applicationId);

private:
    boost::asio::awaitable<std::optional<ConsentFailure>> limit(std::string key, config::RateLimitConfig rl,
                                                                std::string what);
    boost::asio::awaitable<std::optional<store::Consent>> load(std::string id);
    /// kTimestampingUnavailable while Services::timestampRefusal says so.
    std::optional<ConsentFailure> timestampRefusal() const;
    std::optional<ConsentFailure> refuseResend(const store::Consent& c, const std::string& caller,
                                               std::int64_t now) const;
    boost::asio::awaitable<store::AuditEvent> audit(store::AuditEvent e);
    /// Marks the grant used with its grant.consume event in one transaction (nothing when refused).
    boost::asio::awaitable<store::ConsumeResult> consumeGrant(Actor who, std::string idHash,
                                                              std::optional<std::string> appFilter, std::string target,
                                                              std::int64_t now);
    /// Gives a used grant back (it may be used once more within its lifetime) with its grant.release event.
    boost::asio::awaitable<void> releaseGrant(Actor who, store::Grant g, std::string idHash, std::string target,
                                              std::int64_t now, std::string reason);
    boost::asio::awaitable<std::optional<ConsentFailure>> refuseGrant(Actor who, store::ConsumeResult used,
                                                                      std::string target);
    boost::asio::awaitable<std::optional<ConsentFailure>> rejectUnverified(Actor who, store::Grant g, std::string target,
                                                                           std::string platformPurpose,
                                                                           std::int64_t copyExpiresAtMs,
                                                                           const std::vector<security::ELicence>& licences,
                                                                           std::vector<SealKept>& seals);
    boost::asio::awaitable<FetchedLicence> storeLicence(Actor who, store::Grant g, std::string phone,
                                                        security::ELicence l, std::int64_t now, SealKept kept);
    boost::asio::awaitable<std::optional<std::int64_t>> scheduleExpiryReminders(security::ELicence l, std::string phone,
                                                                                std::int64_t now);
    const config::ConsentConfig& cfg() const { return d_.services.config.consent; }

    Deps d_;
};

}  // namespace lgw::gateway
