#pragma once
// The marketing system as a unit test scripts it: every delivery kept (package id and body), each
// answered by the next scripted outcome, or delivered when the script is empty.
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "adapters/marketing/marketing_system.hpp"

namespace lgw::testing {

class FakeMarketing final : public adapters::marketing::MarketingSystem {
public:
    std::vector<std::pair<std::string, std::string>> deliveries;  ///< package id, body
    std::deque<adapters::marketing::Delivery> script;

    boost::asio::awaitable<adapters::marketing::Delivery> deliver(std::string packageId, std::string body) override {
        deliveries.emplace_back(std::move(packageId), std::move(body));
        if (script.empty()) co_return adapters::marketing::Delivery{adapters::marketing::DeliveryOutcome::kDelivered, 201, ""};
        auto next = script.front();
        script.pop_front();
        co_return next;
    }
};

}  // namespace lgw::testing
