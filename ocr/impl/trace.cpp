#include "ocr/impl/trace.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace lgw::ocr::impl {
namespace {

// Not registered with spdlog: the gateway's logging setup (patterns, levels, JSON lines) applies to
// its own loggers and leaves this bare development trace alone.
spdlog::logger& logger() {
    static const std::shared_ptr<spdlog::logger> l = [] {
        auto made = std::make_shared<spdlog::logger>("ocr", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        made->set_pattern("%v");
        made->set_level(spdlog::level::debug);
        made->flush_on(spdlog::level::debug);
        return made;
    }();
    return *l;
}

}  // namespace

bool tracing() {
    static const bool on = std::getenv("LGW_OCR_DEBUG") != nullptr;
    return on;
}

void trace(const char* format, ...) {
    if (!tracing()) return;
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    std::string line(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
    if (n > 0) std::vsnprintf(line.data(), line.size() + 1, format, args);
    va_end(args);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    logger().debug("{}", line);
}

}  // namespace lgw::ocr::impl
