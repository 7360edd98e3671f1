#include "adapters/sms/sms_sender.hpp"

#include <stdexcept>

namespace lgw::adapters::sms {

void throw_exception_from_error(const SmsError& e, const boost::source_location& where) {
    throw std::runtime_error("SMS not sent: " + e.detail + " (at " + where.file_name() + ")");
}

const char* toString(SmsErrorKind kind) {
    switch (kind) {
        case SmsErrorKind::kUnavailable: return "unavailable";
        case SmsErrorKind::kThrottled: return "throttled";
        case SmsErrorKind::kRejected: return "rejected";
        case SmsErrorKind::kNoBalance: return "no_balance";
        case SmsErrorKind::kAuth: return "auth";
    }
    return "unavailable";
}

}  // namespace lgw::adapters::sms
