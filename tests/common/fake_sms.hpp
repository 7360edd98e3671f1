#pragma once
// An SMS provider for unit tests: keeps every message it accepted, and fails when told to.
#include <optional>
#include <string>
#include <vector>

#include "adapters/sms/sms_sender.hpp"

namespace lgw::testing {

class FakeSms final : public adapters::sms::SmsSender {
public:
    std::vector<adapters::sms::SmsMessage> sent;
    /// While set, every send fails with it (nothing is kept).
    std::optional<adapters::sms::SmsError> failWith;

    boost::asio::awaitable<adapters::sms::SmsResult> send(adapters::sms::SmsMessage m) override {
        if (failWith) co_return *failWith;
        sent.push_back(std::move(m));
        co_return adapters::sms::SmsResult();
    }
    /// The code of the last message about `reference` ("" when none).
    std::string lastCode(const std::string& reference) const {
        for (auto it = sent.rbegin(); it != sent.rend(); ++it)
            if (it->reference == reference) return it->params.at("code");
        return {};
    }
};

}  // namespace lgw::testing
