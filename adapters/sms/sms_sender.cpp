#include "adapters/sms/sms_sender.hpp"

#include <stdexcept>

namespace lgw::adapters::sms {

void throw_exception_from_error(const SmsError& e, const boost::source_location& where) {
    throw std::runtime_error("SMS not sent: " + e.detail + " (at " + where.file_name() + ")");
}

}  // namespace lgw::adapters::sms
