#pragma once
// A gateway wired to a standalone government-platform simulator over HTTP, exactly as production is
// wired to the real platform (govdata.mode = "http", the platform key from a PEM file, the app
// secret from the environment). The simulator runs in test mode so that faults can be switched.
#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <sstream>

#include "simulators/govdata/gov_simulator.hpp"
#include "tests/common/fake_clock.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/integration/test_gateway.hpp"

namespace lgw::testing {

inline constexpr const char* kGovSecretEnv = "LGW_TEST_GOV_SECRET";
inline constexpr const char* kGovSecret = "test-gov-secret-0123456789abcdef";

inline std::string sourceDir() { return std::getenv("LGW_SOURCE_DIR"); }


class SimGateway {
public:
    struct Tls {
        std::string certFile, keyFile, caFile;
    };
    /// `simKeepAliveMs`: the simulator closes kept-alive connections idle this long (the platform: 120 s).
    /// `licenceFiles`: "ofd" (sealed files, the default) or "png" (a province serving pictures).
    explicit SimGateway(std::function<void(config::Config&)> tweak = {}, adapters::govdata::SimFaults faults = {},
                        std::optional<Tls> tls = std::nullopt, int simKeepAliveMs = 120000,
                        std::string licenceFiles = "ofd") {
        ::setenv(kGovSecretEnv, kGovSecret, 1);
        simDir = freshTempDir("sim");
        adapters::govdata::GovSimOptions o;
        o.holdersFile = sourceDir() + "/config/govsim/holders.json";
        o.keyFile = (simDir / "sm2.pem").string();
        o.keyId = "gov-test";
        o.appId = "licence-gateway";
        o.appSecret = kGovSecret;
        o.testMode = true;
        o.faults = faults;
        o.keepAliveMs = simKeepAliveMs;
        o.licenceFiles = licenceFiles;
        if (tls) {
            o.tlsCertFile = tls->certFile;
            o.tlsKeyFile = tls->keyFile;
        }
        sim = std::make_unique<adapters::govdata::GovSimulator>(o);
        sim->start();
        std::ofstream(simDir / "gov-test.pem") << sim->publicKeyPem();
        std::ofstream(simDir / "ofd-root.pem") << sim->ofdRootPem();
        std::string url = sim->baseUrl(), keyFile = (simDir / "gov-test.pem").string();
        std::string ofdRoot = (simDir / "ofd-root.pem").string();
        gw = std::make_unique<TestGateway>(
            [&](config::Config& c) {
                c.govdata.mode = "http";
                c.govdata.url = url;
                c.govdata.keys = {{"gov-test", keyFile}};
                c.govdata.ofdTrustAnchors = {ofdRoot};
                c.govdata.appSecretEnv = kGovSecretEnv;
                if (tls) c.govdata.caFile = tls->caFile;
                c.govdata.timeoutMs = 1000;
                c.govdata.backoffBaseMs = 10;
                c.govdata.backoffCapMs = 50;
                c.consent.schedulerIntervalMs = 50;
                if (tweak) tweak(c);
            },
            sharedClock);
    }
    ~SimGateway() {
        gw.reset();
        sim->stop();
        std::filesystem::remove_all(simDir);
    }

    /// Switches the simulator's faults through its control endpoint, as an operator would.
    void faults(const boost::json::object& f) {
        HttpClient c(sim->port());
        auto r = c.request("POST", "/_sim/faults", boost::json::serialize(f), {{"Content-Type", "application/json"}});
        if (r.status != 200) throw std::runtime_error("fault switch failed: " + r.body);
    }

    /// The code the log SMS sender wrote for this consent (the walkthrough reads var/sms.ndjson too).
    std::string smsCode(const std::string& consentId) const {
        std::ifstream f(gw->dataDir / "sms.ndjson");
        std::string line, code;
        while (std::getline(f, line)) {
            auto v = boost::json::parse(line).as_object();
            if (v.at("reference").as_string() == consentId)
                code = std::string(v.at("params").as_object().at("code").as_string());
        }
        return code;
    }

    std::vector<boost::json::object> smsLines() const {
        std::ifstream f(gw->dataDir / "sms.ndjson");
        std::string line;
        std::vector<boost::json::object> out;
        while (std::getline(f, line)) out.push_back(boost::json::parse(line).as_object());
        return out;
    }

    std::shared_ptr<FakeClock> sharedClock = std::make_shared<FakeClock>();
    FakeClock& clock = *sharedClock;  ///< the gateway's one clock
    std::filesystem::path simDir;
    std::unique_ptr<adapters::govdata::GovSimulator> sim;
    std::unique_ptr<TestGateway> gw;
};

/// Holders of config/govsim/holders.json picked by what a test needs.
struct Holders {
    boost::json::array all;
    Holders() {
        std::ifstream f(sourceDir() + "/config/govsim/holders.json");
        std::stringstream ss;
        ss << f.rdbuf();
        all = boost::json::parse(ss.str()).as_object().at("holders").as_array();
    }
    std::string find(const std::function<bool(const boost::json::object&)>& pred, std::size_t skip = 0) const {
        for (auto& h : all)
            if (pred(h.as_object()) && skip-- == 0) return std::string(h.as_object().at("holder_code").as_string());
        throw std::runtime_error("no such holder in holders.json");
    }
    static bool soonExpiring(const boost::json::object& h) {
        for (auto& l : h.at("licences").as_array()) {
            auto& vt = l.as_object().at("valid_to");
            if (vt.is_string() && vt.as_string().starts_with("+")) return true;
        }
        return false;
    }
};

}  // namespace lgw::testing
