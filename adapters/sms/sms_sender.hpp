#pragma once
// SMS to customers: verification codes and reminders. Templates (UPSTREAMS.md): consent_code,
// licence_expiring, materials_due, package_suspended.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace lgw::adapters::sms {

struct SmsMessage {
    std::string phone;
    std::string templateName;
    std::map<std::string, std::string> params;
    std::string reference;  ///< what the message is about (a consent id, a document id); not shown to the customer
};

/// What went wrong, as far as the provider said: the same words for every provider.
enum class SmsErrorKind {
    kUnavailable,  ///< unreachable, timed out, 5xx or the provider's internal error (retried)
    kThrottled,    ///< the provider's rate limits (per phone, per account)
    kRejected,     ///< this message: an unapproved template or sign name, a bad number or parameter
    kNoBalance,    ///< the account has no messages left
    kAuth,         ///< the key, the secret or the signature was refused: a configuration fault
};

struct SmsError {
    std::string detail;  ///< never contains the phone number, the parameters or a secret
    SmsErrorKind kind = SmsErrorKind::kUnavailable;
};

const char* toString(SmsErrorKind kind);

/// Lets SmsResult::value() throw (a bug: callers test the result first).
[[noreturn]] void throw_exception_from_error(const SmsError& e, const boost::source_location& where);

/// Sent, or why not: the same result<T, E> shape as the other adapters (STYLE.md, errors are values).
using SmsResult = boost::system::result<void, SmsError>;

/// Runs a blocking job off the I/O threads (the gateway's blocking pool).
using Offload = std::function<boost::asio::awaitable<void>(std::function<void()>)>;

class SmsSender {
public:
    virtual ~SmsSender() = default;
    /// Sends one message. Failures are reported, never swallowed.
    virtual boost::asio::awaitable<SmsResult> send(SmsMessage message) = 0;
};

}  // namespace lgw::adapters::sms
