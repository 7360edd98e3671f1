#pragma once
// The loop the background services share: a pass now, then one every interval, until the wait is
// cancelled (the server stopping). A pass that throws is logged and the next one still runs, so
// one bad row never stops reminders or retention for good.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace lgw::gateway {

/// `pass` returns the pass's awaitable (a named coroutine's, not a lambda coroutine: STYLE.md, g++
/// 12); its failure is logged under `component` as "<what> failed: <reason>".
boost::asio::awaitable<void> runPeriodically(std::string component, std::string what, std::int64_t intervalMs,
                                             std::function<boost::asio::awaitable<int>()> pass);

}  // namespace lgw::gateway
