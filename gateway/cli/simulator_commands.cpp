#include <cstdlib>
#include <fstream>
#include <iostream>

#include "gateway/cli/commands.hpp"
#include "gateway/http/logging.hpp"
#include "simulators/govdata/gov_simulator.hpp"
#include "simulators/marketing/marketing_simulator.hpp"

namespace lgw::gateway::cli {

namespace {

// A simulator's shared secret as the gateway's config names it: the environment variable when set,
// else the first line of the file under data_dir ("" when neither holds one). Never generated: the
// gateway makes it, the simulator only reads it.
std::string sharedSecret(const config::Config& cfg, const std::string& env, const std::string& file) {
    if (const char* v = env.empty() ? nullptr : std::getenv(env.c_str())) return v;
    std::string secret;
    std::ifstream f(cfg.dataPath(file));
    std::getline(f, secret);
    return secret;
}

}  // namespace

int govsim(const std::string& configPath, const std::string& listen, bool testMode) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    auto& cfg = *loaded;
    setupLogging(cfg.log);
    try {
        adapters::govdata::GovSimOptions o;
        if (auto e = config::applyListen(cfg.server, listen)) {
            std::cerr << "--listen: " << e->message << "\n";
            return 1;
        }
        o.host = cfg.server.host;
        o.port = cfg.server.port;
        o.ioThreads = 2;
        o.holdersFile = cfg.govsim.holdersFile;
        o.keyFile = cfg.dataPath(cfg.govsim.keyFile);
        o.keyId = cfg.govsim.keyId;
        o.appId = cfg.govdata.appId;
        o.appSecret = sharedSecret(cfg, cfg.govdata.appSecretEnv, cfg.govdata.appSecretFile);
        if (o.appSecret.size() < 16) {
            std::cerr << "govsim: the app secret (govdata.app_secret_file or app_secret_env) is missing or too short\n";
            return 1;
        }
        o.testMode = testMode || cfg.govsim.testMode;
        o.faults.latencyMs = cfg.govsim.latencyMs;
        o.licenceFiles = cfg.govsim.licenceFiles;
        o.ofdPkiSeed = cfg.govsim.ofdPkiSeed;
        adapters::govdata::GovSimulator sim(o);
        auto pubPath = o.keyFile + ".pub";
        std::ofstream(pubPath) << sim.publicKeyPem();
        // The root its OFD seals chain to, for the gateway's govdata.ofd_trust_anchors.
        auto rootPath = o.keyFile + ".ofd-root.pem";
        std::ofstream(rootPath) << sim.ofdRootPem();
        logger("govsim")->info("government platform simulator on {} with {} holders; key_id={} public key at {}; "
                               "{} licence files, seal root at {}",
                               sim.baseUrl(), sim.holderCount(), sim.keyId(), pubPath, o.licenceFiles, rootPath);
        sim.run();
    } catch (const std::exception& e) {
        logger("govsim")->critical("cannot start: {}", e.what());
        return 1;
    }
    return 0;
}

// The marketing-system receiver as its own process: the other end of a push, for load tests and
// for a gateway in http mode pointed at it. Uses marketing.secret_* and marketing.sim_db_file.
int marketingSim(const std::string& configPath, const std::string& listen, bool testMode) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    auto& cfg = *loaded;
    setupLogging(cfg.log);
    try {
        if (auto e = config::applyListen(cfg.server, listen)) {
            std::cerr << "--listen: " << e->message << "\n";
            return 1;
        }
        adapters::marketing::MarketingSimOptions o;
        o.host = cfg.server.host;
        o.port = cfg.server.port;
        o.testMode = testMode;
        o.dbFile = cfg.dataPath(cfg.marketing.simDbFile);
        o.secret = sharedSecret(cfg, cfg.marketing.secretEnv, cfg.marketing.secretFile);
        if (o.secret.size() < 16) {
            std::cerr << "marketing-sim: the shared secret (marketing.secret_file or secret_env) is missing or too short\n";
            return 1;
        }
        adapters::marketing::MarketingSimulator sim(o);
        logger("marketing-sim")->info("marketing-system receiver at {}; received packages in {}", sim.url(), o.dbFile);
        sim.run();
    } catch (const std::exception& e) {
        std::cerr << "marketing-sim: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace lgw::gateway::cli
