#pragma once
// spdlog setup: one named logger per component sharing one sink; human-readable text on a terminal,
// JSON lines when configured (or when stderr is not a terminal and format = auto).
// Never log bodies, codes, keys, tokens or full phone numbers.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "config/config.hpp"

namespace lgw::gateway {

/// (Re)configures every logger. Safe to call before any logger exists.
void setupLogging(const config::LogConfig& cfg);

/// A named component logger ("http", "store", "main", ...), created on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

}  // namespace lgw::gateway
