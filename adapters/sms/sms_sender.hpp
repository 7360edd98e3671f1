#pragma once
// SMS to customers: verification codes and reminders. Templates (UPSTREAMS.md): consent_code,
// licence_expiring, materials_due, package_suspended.
#include <boost/asio/awaitable.hpp>

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

struct SmsError {
    std::string detail;  ///< never contains the phone number or the parameters
};

/// Runs a blocking job off the I/O threads (the gateway's blocking pool).
using Offload = std::function<boost::asio::awaitable<void>(std::function<void()>)>;

class SmsSender {
public:
    virtual ~SmsSender() = default;
    /// Sends one message; nullopt on success. Failures are reported, never swallowed.
    virtual boost::asio::awaitable<std::optional<SmsError>> send(SmsMessage message) = 0;
};

}  // namespace lgw::adapters::sms
