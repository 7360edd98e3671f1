#include "gateway/http/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

namespace lgw::gateway {
namespace {

// %* : the message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        for (char c : msg.payload) {
            switch (c) {
                case '"': dest.append(std::string_view("\\\"")); break;
                case '\\': dest.append(std::string_view("\\\\")); break;
                case '\n': dest.append(std::string_view("\\n")); break;
                case '\r': dest.append(std::string_view("\\r")); break;
                case '\t': dest.append(std::string_view("\\t")); break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        char buf[8];
                        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
                        dest.append(std::string_view(buf));
                    } else {
                        dest.push_back(c);
                    }
            }
        }
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

std::mutex gMutex;
spdlog::sink_ptr gSink;
spdlog::level::level_enum gLevel = spdlog::level::info;
bool gJson = false;

void applyFormat(spdlog::logger& l) {
    if (gJson) {
        auto f = std::make_unique<spdlog::pattern_formatter>();
        f->add_flag<JsonMessageFlag>('*').set_pattern(
            R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","logger":"%n","msg":"%*"})");
        l.set_formatter(std::move(f));
    } else {
        l.set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    }
    l.set_level(gLevel);
}

spdlog::sink_ptr sink() {
    if (!gSink) gSink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    return gSink;
}

}  // namespace

void setupLogging(const config::LogConfig& cfg) {
    std::lock_guard lock(gMutex);
    gLevel = spdlog::level::from_str(cfg.level);
    gJson = cfg.format == "json" || (cfg.format == "auto" && !::isatty(STDERR_FILENO));
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { applyFormat(*l); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
    std::lock_guard lock(gMutex);
    if (auto l = spdlog::get(component)) return l;
    auto l = std::make_shared<spdlog::logger>(component, sink());
    applyFormat(*l);
    spdlog::register_logger(l);
    return l;
}

}  // namespace lgw::gateway
