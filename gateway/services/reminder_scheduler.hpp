#pragma once
// Sends due SMS reminders (licence_expiring, later materials_due and package_suspended). Its state
// is in the store: a reminder is taken (marked sent) atomically before it is sent, so it goes out at
// most once, across restarts and instances; a failed send is audited, not retried.
#include <atomic>

#include "adapters/sms/sms_sender.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

class ReminderScheduler {
public:
    ReminderScheduler(Services& services, adapters::sms::SmsSender& sms, Auditor& auditor)
        : s_(services), sms_(sms), auditor_(auditor) {}
    /// One pass: sends every due reminder; returns how many were sent.
    boost::asio::awaitable<int> tick();
    /// Ticks every consent.scheduler_interval_ms until the server stops.
    boost::asio::awaitable<void> run();

private:
    Services& s_;
    adapters::sms::SmsSender& sms_;
    Auditor& auditor_;
};

}  // namespace lgw::gateway
