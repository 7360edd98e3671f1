#pragma once
// The government data platform simulator: serves the UPSTREAMS.md contract from a file of synthetic
// holders, signs every licence with its own SM2 key (generated on first start), serves each licence
// file as an OFD 加注件 sealed with a GB/T 38540 electronic seal under its test PKI (ofd/test_pki,
// keys from a seed) or, with licenceFiles = "png", as a PNG drawn with a CJK font, enforces request signatures, the timestamp window and nonce
// replay, and takes fault knobs. Runs in-process (demo, tests) or as `licence-gateway govsim`.
// Never used by the production path: the gateway talks to it only through HttpGovDataClient.
#include <cstdint>
#include <memory>
#include <string>

namespace lgw::adapters::govdata {

struct SimFaults {
    int latencyMs = 0;          ///< added to every answer
    double errorRate = 0;       ///< share of answers that are 503
    int hangMs = 0;             ///< > 0: hold every answer this long (past the client's timeout)
    bool malformedJson = false; ///< answer 200 with a broken JSON body
    bool badSignature = false;  ///< sign licences, then corrupt the signatures
    bool unknownKeyId = false;  ///< claim a key id the gateway does not know
    bool legacySignature = false;     ///< sign the first version's field string, not the whole licence
    bool tamperAfterSigning = false;  ///< change data.address after signing (a field the old form left out)
    bool expiredAnnotation = false;   ///< annotate (and sign) an expires_at in the past
    bool foreignRequester = false;    ///< annotate (and sign) another requester
    bool ofdTamperedPage = false;     ///< OFD: the page's holder changed after sealing
    bool ofdBrokenSeal = false;       ///< OFD: a bit of the seal's signed value flipped
    bool ofdUncoveredFile = false;    ///< OFD: a page added after sealing
};

struct GovSimOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    int ioThreads = 1;
    std::string holdersFile;
    std::string keyFile;            ///< SM2 private key (PEM); generated with mode 0600 if missing
    std::string keyId = "gov-sim";
    std::string appId;
    std::string appSecret;
    bool testMode = false;          ///< enables POST /_sim/faults
    std::string tlsCertFile;        ///< serve HTTPS with this certificate chain and key
    std::string tlsKeyFile;
    SimFaults faults;
    std::string licenceFiles = "ofd";  ///< "ofd" (sealed 加注件) or "png"
    /// The seed of the seal PKI (ofd/test_pki): the same seed, the same keys, so a saved root
    /// (`ofdRootPem()`, lgw-make-ofd-pki) keeps trusting a restarted simulator.
    std::string ofdPkiSeed = "licence-gateway govsim";
    /// Idle keep-alive connections are closed after this, as the platform does (120 s).
    int keepAliveMs = 120000;
};

class GovSimulator {
public:
    /// Loads the holders and the key and binds the listener. Throws std::runtime_error naming the file.
    explicit GovSimulator(GovSimOptions options);
    ~GovSimulator();

    void start();  ///< serves on a background thread
    void stop();   ///< graceful; idempotent
    void run();    ///< serves on this thread until SIGINT/SIGTERM (for the govsim command)

    std::uint16_t port() const;
    std::string baseUrl() const;
    std::string publicKeyPem() const;
    /// The root certificate (PEM) its OFD seals chain to: the gateway's govdata.ofd_trust_anchors.
    std::string ofdRootPem() const;
    const std::string& keyId() const;
    std::size_t holderCount() const;
    void setFaults(const SimFaults& faults);
    /// Renders every licence image now instead of on first use (for load tests; PNG files only).
    void prerender();
    /// Requests answered so far, by route (for tests: how often did the gateway call?).
    std::uint64_t calls() const;
    /// TCP connections accepted so far (for tests: are connections reused?).
    std::uint64_t connections() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace lgw::adapters::govdata
