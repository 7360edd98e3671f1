#pragma once
// Retention: documents older than retention.documents_days are purged by destroying their wrapped
// data keys (crypto-shredding: the ciphertext that remains can never be opened again). Their audit
// events stay. Runs every retention.interval_ms; each pass is audited.
#include <boost/asio/awaitable.hpp>

#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

/// One pass; returns how many documents were purged.
boost::asio::awaitable<int> retentionPass(Services& services, Auditor& auditor);
/// Passes until the server stops (when retention.documents_days > 0).
boost::asio::awaitable<void> runRetention(Services& services, Auditor& auditor);

}  // namespace lgw::gateway
