#pragma once
// Retention: e-licence copies whose annotation has expired, and documents older than
// retention.documents_days, are purged by destroying their wrapped data keys (crypto-shredding: the
// ciphertext that remains can never be opened again), the fields read from them and their e-licence
// records. Each purge commits with its document.purge event; earlier events stay. Runs every
// retention.interval_ms.
#include <boost/asio/awaitable.hpp>

#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

/// One pass; returns how many documents were purged.
boost::asio::awaitable<int> retentionPass(Services& services, Auditor& auditor);
/// Passes until the server stops.
boost::asio::awaitable<void> runRetention(Services& services, Auditor& auditor);

}  // namespace lgw::gateway
