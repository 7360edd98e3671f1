#include "adapters/sms/log_sms_sender.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "security/masking.hpp"

namespace lgw::adapters::sms {

LogSmsSender::LogSmsSender(std::string path, Offload offload) : path_(std::move(path)), offload_(std::move(offload)) {}

boost::asio::awaitable<SmsResult> LogSmsSender::send(SmsMessage m) {
    boost::json::object params;
    for (auto& [k, v] : m.params) params[k] = v;
    auto at = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
    std::string line = boost::json::serialize(boost::json::object{{"at_ms", at},
                                                                  {"phone", m.phone},
                                                                  {"template", m.templateName},
                                                                  {"params", params},
                                                                  {"reference", m.reference}}) +
                       "\n";
    std::optional<SmsError> error;
    std::function<void()> job = [this, &line, &error] {
        std::lock_guard lock(mutex_);
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) {
            error = SmsError{"cannot open the SMS log file: " + std::string(std::strerror(errno))};
            return;
        }
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            error = SmsError{"cannot append to the SMS log file"};
        ::close(fd);
    };
    co_await offload_(std::move(job));
    if (auto log = spdlog::get("sms")) {
        log->info("sms template={} phone={} reference={} sink=log", m.templateName, security::maskPhone(m.phone),
                  m.reference);
    }
    if (error) co_return *error;
    co_return SmsResult();
}

}  // namespace lgw::adapters::sms
