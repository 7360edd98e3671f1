#include "gateway/services/reminder_scheduler.hpp"

#include "adapters/sms/template_params.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/services/periodic.hpp"
#include "security/audit_detail.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;

boost::asio::awaitable<int> ReminderScheduler::tick() {
    auto now = s_.nowMs();
    std::function<std::vector<store::Reminder>()> take = [this, now] { return s_.store.takeDueReminders(now, 100); };
    auto due = co_await s_.blocking.call(std::move(take));
    int sent = 0;
    for (auto& r : due) {
        adapters::sms::SmsMessage msg{r.phone, r.templateName, adapters::sms::decodeTemplateParams(r.paramsJson),
                                      r.dedupeKey};
        auto result = co_await sms_.send(std::move(msg));
        const std::optional<adapters::sms::SmsError> error =
            result ? std::nullopt : std::optional<adapters::sms::SmsError>(result.error());
        auto e = actorEvent(Actor{"scheduler", "system", ""}, "reminder.send", r.dedupeKey, "", error ? "error" : "allowed",
                            {{"template", r.templateName},
                             {"masked_phone", security::maskPhone(r.phone)},
                             {"error", error ? error->detail : ""}});
        co_await auditor_.record(std::move(e));
        if (!error) ++sent;
        else logger("scheduler")->warn("reminder {} not sent: {}", r.dedupeKey, error->detail);
    }
    co_return sent;
}

boost::asio::awaitable<void> ReminderScheduler::run() {
    return runPeriodically("scheduler", "reminder pass", s_.config.consent.schedulerIntervalMs, [this] { return tick(); });
}

}  // namespace lgw::gateway
