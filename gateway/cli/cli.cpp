#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "simulators/govdata/gov_simulator.hpp"
#include "gateway/app/app.hpp"
#include "gateway/app/store_factory.hpp"
#include "ocr/scan_json.hpp"
#include "ocr/scan_reader.hpp"
#include "ocr/tesseract_engine.hpp"
#include "gateway/services/audit.hpp"
#include "security/audit_chain.hpp"
#include "gateway/api/copy_trace_json.hpp"
#include "simulators/marketing/marketing_simulator.hpp"
#include "gateway/services/key_admin.hpp"
#include "security/keyring.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/api/routes.hpp"
#include "security/identity_codes.hpp"

#ifndef LGW_VERSION
#define LGW_VERSION "dev"
#endif

namespace lgw::gateway {
namespace {

void printErrors(const std::vector<config::ConfigError>& errors) {
    for (auto& e : errors) std::cerr << e.str() << "\n";
}

// Every command that reads a configuration: the configuration, or every problem it has on stderr
// (with the file's name and what was not done) and nullopt.
std::optional<config::Config> loadOrReport(const std::string& path) {
    auto loaded = config::loadConfigFile(path);
    if (loaded.config) return std::move(*loaded.config);
    std::cerr << "licence-gateway: " << path << " has " << loaded.errors.size() << " problem(s); nothing was done:\n";
    printErrors(loaded.errors);
    return std::nullopt;
}

int serve(const std::string& configPath, const std::string& listen, const std::string& dataDir) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    config::Config cfg = std::move(*loaded);
    if (!listen.empty())
        if (auto e = config::applyListen(cfg.server, listen)) {
            std::cerr << "--listen: " << e->message << "\n";
            return 1;
        }
    if (!dataDir.empty()) cfg.dataDir = dataDir;
    if (auto errs = config::checkFiles(cfg); !errs.empty()) {
        printErrors(errs);
        return 1;
    }
    setupLogging(cfg.log);
    try {
        App app(std::move(cfg));
        app.run(true);
    } catch (const std::exception& e) {
        logger("main")->critical("cannot start: {}", e.what());
        return 1;
    }
    return 0;
}

int checkConfig(const std::string& path) {
    auto loaded = config::loadConfigFile(path);
    auto errors = loaded.errors;
    if (loaded.config) {
        auto more = config::checkFiles(*loaded.config);
        errors.insert(errors.end(), more.begin(), more.end());
    }
    if (!errors.empty()) {
        std::cerr << path << ": " << errors.size() << " problem(s)\n";
        printErrors(errors);
        return 1;
    }
    std::cout << path << ": ok\n";
    return 0;
}

int validate(const std::string& code, const std::string& type) {
    security::CodeVerdict v = type == "credit_code" ? security::validateCreditCode(code)
                              : type == "id_number" ? security::validateIdNumber(code)
                                                    : security::validateIdentityCode(code);
    std::cout << boost::json::serialize(verdictToJson(v)) << "\n";
    return v.valid ? 0 : 1;
}

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
        const char* envSecret = cfg.govdata.appSecretEnv.empty() ? nullptr : std::getenv(cfg.govdata.appSecretEnv.c_str());
        if (envSecret) {
            o.appSecret = envSecret;
        } else {
            std::ifstream f(cfg.dataPath(cfg.govdata.appSecretFile));
            std::getline(f, o.appSecret);
        }
        if (o.appSecret.size() < 16) {
            std::cerr << "govsim: the app secret (govdata.app_secret_file or app_secret_env) is missing or too short\n";
            return 1;
        }
        o.testMode = testMode || cfg.govsim.testMode;
        o.faults.latencyMs = cfg.govsim.latencyMs;
        adapters::govdata::GovSimulator sim(o);
        auto pubPath = o.keyFile + ".pub";
        std::ofstream(pubPath) << sim.publicKeyPem();
        logger("govsim")->info("government platform simulator on {} with {} holders; key_id={} public key at {}",
                               sim.baseUrl(), sim.holderCount(), sim.keyId(), pubPath);
        sim.run();
    } catch (const std::exception& e) {
        logger("govsim")->critical("cannot start: {}", e.what());
        return 1;
    }
    return 0;
}

int auditVerify(const std::string& file, const std::string& keyFile) {
    std::ifstream f(file, std::ios::binary);
    if (!f) {
        std::cerr << "cannot read " << file << "\n";
        return 2;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    std::optional<std::string> key;
    if (!keyFile.empty()) {
        std::ifstream k(keyFile);
        if (!k) {
            std::cerr << "cannot read " << keyFile << "\n";
            return 2;
        }
        std::stringstream ks;
        ks << k.rdbuf();
        key = ks.str();
    }
    auto v = verifyExport(ss.str(), key);
    boost::json::object o{{"ok", v.ok}, {"events", v.events}, {"checkpoints", v.checkpoints}, {"head", v.head}};
    if (!v.ok) {
        o["first_bad_seq"] = v.firstBadSeq;
        o["reason"] = v.reason;
    }
    if (!key) o["warning"] = "the checkpoint key was taken from the file itself; pass --public-key to trust the gateway's";
    std::cout << boost::json::serialize(o) << "\n";
    return v.ok ? 0 : 1;
}

// The key commands work on the files and the store directly, so they run beside serving gateways
// (SQLite in WAL mode takes a second connection). Each is recorded in the audit trail.
int keysCommand(const std::string& configPath, bool rotate) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    auto& cfg = *loaded;
    if (!cfg.keys.env.empty()) {
        std::cerr << "keys: the keyring comes from the environment variable " << cfg.keys.env
                  << "; rotate by adding a version to its value, then run keys rewrap\n";
        return 1;
    }
    auto path = cfg.dataPath(cfg.keys.file);
    try {
        auto opened = openStore(cfg);
        store::Store& st = *opened.store;
        store::AuditEvent e;
        e.actor = "cli";
        e.role = "admin";
        e.outcome = "allowed";
        std::string out;
        if (rotate) {
            auto v = security::rotateKeyringFile(path);
            if (auto* err = std::get_if<security::KeyringError>(&v)) {
                std::cerr << "keys rotate: " << err->message << "\n";
                return 1;
            }
            e.action = "keys.rotate";
            e.detailJson = boost::json::serialize(boost::json::object{{"new_version", std::get<std::uint32_t>(v)}});
            out = "new KEK version " + std::to_string(std::get<std::uint32_t>(v)) +
                  " written to " + path + "; restart the gateways so that new documents use it, then run keys rewrap";
        } else {
            auto ring = security::loadKeyringFile(path);
            if (auto* err = std::get_if<security::KeyringError>(&ring)) {
                std::cerr << "keys rewrap: " << err->message << "\n";
                return 1;
            }
            auto report = rewrapAll(st, std::get<security::Keyring>(ring));
            e.action = "keys.rewrap";
            e.outcome = report.failed ? "error" : "allowed";
            e.detailJson = boost::json::serialize(boost::json::object{
                {"rewrapped", report.rewrapped}, {"failed", report.failed},
                {"to_version", std::get<security::Keyring>(ring).newest()}});
            out = std::to_string(report.rewrapped) + " data key(s) re-wrapped under version " +
                  std::to_string(std::get<security::Keyring>(ring).newest()) +
                  (report.failed ? "; " + std::to_string(report.failed) + " could not be unwrapped (KEK missing)" : "");
        }
        e.at = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
        st.appendAudit(e, auditHasher(cfg.crypto.national()));
        std::cout << out << "\n";
        return e.outcome == "allowed" ? 0 : 1;
    } catch (const std::exception& ex) {
        std::cerr << "keys: " << ex.what() << "\n";
        return 1;
    }
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
        const char* env = cfg.marketing.secretEnv.empty() ? nullptr : std::getenv(cfg.marketing.secretEnv.c_str());
        if (env) {
            o.secret = env;
        } else {
            std::ifstream f(cfg.dataPath(cfg.marketing.secretFile));
            std::getline(f, o.secret);
        }
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

// Re-queues a dead-lettered package on the store directly (beside serving gateways), audited.
int packagesReplay(const std::string& configPath, const std::string& packageId) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    auto& cfg = *loaded;
    try {
        auto opened = openStore(cfg);
        store::Store& st = *opened.store;
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        auto pkg = st.package(packageId);
        if (!pkg) {
            std::cerr << "packages replay: no package " << packageId << "\n";
            return 1;
        }
        bool ok = st.requeueDeadLetter(packageId, now);
        store::AuditEvent e;
        e.at = now;
        e.actor = "cli";
        e.role = "admin";
        e.action = "package.replay";
        e.target = packageId;
        e.applicationId = pkg->applicationId;
        e.outcome = ok ? "allowed" : "denied";
        st.appendAudit(e, auditHasher(cfg.crypto.national()));
        if (!ok) {
            std::cerr << "packages replay: " << packageId << " is " << pkg->status << ", not a dead letter\n";
            return 1;
        }
        std::cout << packageId << " queued again; a running gateway delivers it\n";
        return 0;
    } catch (const std::exception& ex) {
        std::cerr << "packages replay: " << ex.what() << "\n";
        return 1;
    }
}

// Reads the download id from a copy and names the request from the store of the configuration.
int watermarkIdentify(const std::string& file, const std::string& configPath, bool noStore) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "watermark identify: cannot read " << file << "\n";
        return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::unique_ptr<store::Store> st;
    if (!noStore) {
        auto loaded = loadOrReport(configPath);
        if (!loaded) return 1;
        try {
            st = openStore(*loaded).store;
        } catch (const std::exception& ex) {
            std::cerr << "watermark identify: " << ex.what() << " (pass --no-store to read the id only)\n";
            return 1;
        }
    }
    auto trace = traceCopy(ss.str(), st.get());
    std::cout << boost::json::serialize(traceJson(trace)) << "\n";
    if (trace.status == CopyTrace::Status::NotAnImage) std::cerr << file << " is not a PNG, JPEG or TIFF image\n";
    if (trace.status == CopyTrace::Status::NoMark) std::cerr << "no download id found in " << file << "\n";
    return trace.status == CopyTrace::Status::Identified || (noStore && !trace.downloadId.empty()) ? 0 : 1;
}

// The same reader as POST /v1/scans, on one Tesseract worker; exit 0 when the page was read.
int ocrScan(const std::string& file, const std::string& hint) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "ocr: cannot read " << file << "\n";
        return 1;
    }
    if (!hint.empty() && !ocr::isDocumentType(hint)) {
        std::cerr << "ocr: --hint must be business_licence, id_card_front, id_card_back or property_certificate\n";
        return 1;
    }
    if (!ocr::TesseractPool::ompThreadLimitSet())
        std::cerr << "ocr: warning: OMP_THREAD_LIMIT=1 is not set; Tesseract runs several times slower without it\n";
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        ocr::TesseractPool pool(1);
        ocr::ScanReader reader(pool);
        auto result = reader.read(ss.str(), {}, hint);
        if (auto* e = std::get_if<ocr::ScanError>(&result)) {
            std::cout << boost::json::serialize(boost::json::object{{"status", e->status}, {"code", e->code},
                                                                     {"detail", e->message}})
                      << "\n";
            std::cerr << "ocr: " << file << ": " << e->message << "\n";
            return 1;
        }
        std::cout << boost::json::serialize(ocr::scanJson(std::get<ocr::ScanResult>(result), "")) << "\n";
        return 0;
    } catch (const std::exception& ex) {
        std::cerr << "ocr: " << ex.what() << "\n";
        return 1;
    }
}

}  // namespace

int runCli(int argc, char** argv) {
    CLI::App app{"Licence Gateway: e-licences by consent, front-desk OCR, protected documents, "
                 "validated packages for the marketing system."};
    app.set_version_flag("--version", std::string("licence-gateway ") + LGW_VERSION);
    app.require_subcommand(1);

    std::string configPath = "config/gateway.toml", listen, dataDir;
    auto* serveCmd = app.add_subcommand("serve", "Run the gateway");
    serveCmd->add_option("--config", configPath, "Configuration file")->capture_default_str();
    serveCmd->add_option("--listen", listen, "HOST:PORT to listen on (overrides server.listen)");
    serveCmd->add_option("--data-dir", dataDir, "Data directory (overrides data_dir)");

    std::string checkPath;
    auto* checkCmd = app.add_subcommand("check-config", "Report every problem of a configuration file; exit 0 or 1");
    checkCmd->add_option("FILE", checkPath, "Configuration file")->required();

    std::string code, type;
    auto* validateCmd =
        app.add_subcommand("validate", "Check a unified social credit code or resident ID number; exit 0 valid, 1 not");
    validateCmd->add_option("CODE", code, "The code")->required();
    validateCmd->add_option("--type", type, "credit_code or id_number (default: decided by shape)")
        ->check(CLI::IsMember({"credit_code", "id_number"}));

    auto* versionCmd = app.add_subcommand("version", "Print the version");

    std::string auditFile, auditKey;
    std::string keysConfig = "config/gateway.toml";
    auto* keysCmd = app.add_subcommand("keys", "Key-encryption key administration");
    keysCmd->require_subcommand(1);
    keysCmd->add_option("--config", keysConfig, "Configuration file")->capture_default_str();
    auto* rotateCmd = keysCmd->add_subcommand("rotate", "Add a new KEK version, used for new documents after a restart");
    auto* rewrapCmd = keysCmd->add_subcommand("rewrap", "Re-wrap every data key under the newest KEK (no document is decrypted)");

    auto* auditCmd = app.add_subcommand("audit", "Audit trail tools");
    auditCmd->require_subcommand(1);
    auto* auditVerifyCmd = auditCmd->add_subcommand("verify", "Verify an audit export offline; exit 0 ok, 1 broken");
    auditVerifyCmd->add_option("FILE", auditFile, "NDJSON from GET /v1/audit/export")->required();
    auditVerifyCmd->add_option("--public-key", auditKey, "The gateway's checkpoint public key (PEM)");

    std::string markFile, markConfig = "config/gateway.toml";
    bool markNoStore = false;
    auto* markCmd = app.add_subcommand("watermark", "Watermarked copies");
    markCmd->require_subcommand(1);
    auto* identifyCmd = markCmd->add_subcommand(
        "identify", "Read the download id a copy carries and name the request that issued it; exit 0 identified");
    identifyCmd->add_option("FILE", markFile, "The copy (PNG, JPEG or TIFF), as found")->required();
    identifyCmd->add_option("--config", markConfig, "Configuration file (its store holds the audit trail)")
        ->capture_default_str();
    identifyCmd->add_flag("--no-store", markNoStore, "Only read the download id");

    std::string ocrFile, ocrHint;
    bool ocrJson = false;
    auto* ocrCmd = app.add_subcommand("ocr", "Read a scan as POST /v1/scans does and print its JSON; stores nothing");
    ocrCmd->add_option("FILE", ocrFile, "The scan (JPEG, PNG or TIFF)")->required();
    ocrCmd->add_option("--hint", ocrHint, "business_licence, id_card_front, id_card_back or property_certificate");
    ocrCmd->add_flag("--json", ocrJson, "Print the JSON (the default; kept for scripts that say so)");

    std::string pkgConfig = "config/gateway.toml", pkgId, mktListen = "127.0.0.1:8091";
    bool mktTestMode = false;
    auto* pkgCmd = app.add_subcommand("packages", "Material packages for the marketing system");
    pkgCmd->require_subcommand(1);
    auto* replayCmd = pkgCmd->add_subcommand("replay", "Queue a dead-lettered package again (audited)");
    replayCmd->add_option("ID", pkgId, "The package id")->required();
    replayCmd->add_option("--config", pkgConfig, "Configuration file")->capture_default_str();
    auto* mktCmd = app.add_subcommand("marketing-sim", "Run the marketing-system receiver simulator as its own process");
    mktCmd->add_option("--config", pkgConfig, "Configuration file ([marketing] secret and sim_db_file)")->capture_default_str();
    mktCmd->add_option("--listen", mktListen, "HOST:PORT")->capture_default_str();
    mktCmd->add_flag("--test-mode", mktTestMode, "Enable POST /_sim/faults");

    std::string simConfig = "config/gateway.toml", simListen = "127.0.0.1:8090";
    bool simTestMode = false;
    auto* govsimCmd = app.add_subcommand("govsim", "Run the government data platform simulator as its own process");
    govsimCmd->add_option("--config", simConfig, "Configuration file ([govsim] and [govdata] app id/secret)")
        ->capture_default_str();
    govsimCmd->add_option("--listen", simListen, "HOST:PORT")->capture_default_str();
    govsimCmd->add_flag("--test-mode", simTestMode, "Enable POST /_sim/faults");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*serveCmd) return serve(configPath, listen, dataDir);
    if (*checkCmd) return checkConfig(checkPath);
    if (*validateCmd) return validate(code, type);
    if (*auditVerifyCmd) return auditVerify(auditFile, auditKey);
    if (*rotateCmd) return keysCommand(keysConfig, true);
    if (*rewrapCmd) return keysCommand(keysConfig, false);
    if (*replayCmd) return packagesReplay(pkgConfig, pkgId);
    if (*mktCmd) return marketingSim(pkgConfig, mktListen, mktTestMode);
    if (*identifyCmd) return watermarkIdentify(markFile, markConfig, markNoStore);
    if (*ocrCmd) return ocrScan(ocrFile, ocrHint);
    if (*govsimCmd) return govsim(simConfig, simListen, simTestMode);
    if (*versionCmd) {
        std::cout << "licence-gateway " << LGW_VERSION << "\n";
        return 0;
    }
    return 2;
}

}  // namespace lgw::gateway
