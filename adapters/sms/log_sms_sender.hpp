#pragma once
// The default sender: a log line (masked phone, no code) and one JSON line appended to a file
// (var/sms.ndjson) with phone, template, params and reference, so a person trying the demo can read
// the code. Not for production: the file holds codes in clear.
#include <mutex>

#include "adapters/sms/sms_sender.hpp"

namespace lgw::adapters::sms {

class LogSmsSender final : public SmsSender {
public:
    LogSmsSender(std::string path, Offload offload);
    boost::asio::awaitable<SmsResult> send(SmsMessage message) override;

private:
    std::string path_;
    Offload offload_;
    std::mutex mutex_;
};

}  // namespace lgw::adapters::sms
