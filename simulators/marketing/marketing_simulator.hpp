#pragma once
// The marketing-system receiver simulator: the other side of API.md section 4's push, a separate
// implementation of that contract. It checks X-Signature, de-duplicates by Idempotency-Key (409 on
// a repeat), keeps what it received in its own SQLite file (so that "exactly once" can be checked
// across restarts of either side), and takes fault knobs. Runs in-process under the embedded
// default and in tests, or as `licence-gateway marketing-sim`. Never on the production path.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace lgw::adapters::marketing {

struct MarketingSimFaults {
    double errorRate = 0;               ///< share of deliveries answered 503
    int latencyMs = 0;                  ///< added to every answer
    int hangMs = 0;                     ///< > 0: hold every answer this long (past the sender's timeout)
    double resetRate = 0;               ///< share of deliveries answered with a connection reset
    std::set<std::string> rejectPackages;  ///< answered 400 (a package the receiver cannot accept)
};

struct MarketingSimOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string path = "/api/packages";
    std::string secret;                 ///< the shared HMAC secret
    std::string dbFile;                 ///< what was received; created if missing
    bool testMode = false;              ///< enables POST /_sim/faults
    MarketingSimFaults faults;
};

struct ReceivedPackage {
    std::string idempotencyKey;
    std::string applicationId;
    std::int64_t receivedAt = 0;
    int materials = 0;                  ///< documents carried inline
    std::string bodySha256;
};

class MarketingSimulator {
public:
    /// Opens the database and binds the listener; throws std::runtime_error naming what failed.
    explicit MarketingSimulator(MarketingSimOptions options);
    ~MarketingSimulator();

    void start();  ///< serves on a background thread
    void stop();   ///< graceful; idempotent
    void run();    ///< serves on this thread until SIGINT/SIGTERM

    std::uint16_t port() const;
    std::string url() const;  ///< the full endpoint, for marketing.url
    void setFaults(const MarketingSimFaults& faults);
    std::vector<ReceivedPackage> received() const;
    /// Deliveries seen, including repeats and refused ones.
    std::uint64_t attempts() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace lgw::adapters::marketing
