// `licence-gateway`: the command line (CLI11), each command in gateway/cli/*_commands.cpp.
#include <CLI/CLI.hpp>

#include <iostream>

#include "gateway/app/app.hpp"
#include "gateway/cli/commands.hpp"

#ifndef LGW_VERSION
#define LGW_VERSION "dev"
#endif

namespace lgw::gateway {

using namespace cli;

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

    std::string auditFile, auditKey, auditTsaCa;
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
    auditVerifyCmd->add_option("--tsa-ca", auditTsaCa, "The TSA's CA certificate(s) (PEM): verify the RFC 3161 time-stamps");

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

    std::string ofdFile, ofdAt;
    std::vector<std::string> ofdAnchors, ofdSealMakerAnchors;
    bool ofdJson = false;
    auto* ofdCmd = app.add_subcommand("ofd", "OFD e-licence files");
    ofdCmd->require_subcommand(1);
    auto* ofdVerifyCmd = ofdCmd->add_subcommand(
        "verify", "Verify every signature of an OFD file (GB/T 38540 / GM/T 0031 seals); exit 0 valid, 1 not, 2 unreadable");
    ofdVerifyCmd->add_option("FILE", ofdFile, "The .ofd file")->required();
    ofdVerifyCmd->add_option("--trust-anchor", ofdAnchors, "A PEM file of trusted certificates (a root, or the signer's own); repeatable");
    ofdVerifyCmd->add_option("--seal-maker-anchor", ofdSealMakerAnchors,
                             "A PEM file the seal maker's certificate must chain to (else its chain is only a warning); repeatable");
    ofdVerifyCmd->add_option("--at", ofdAt, "Check the chains at this RFC 3339 time (default: now)");
    ofdVerifyCmd->add_flag("--json", ofdJson, "Print the report as JSON");

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
    if (*auditVerifyCmd) return auditVerify(auditFile, auditKey, auditTsaCa);
    if (*rotateCmd) return keysCommand(keysConfig, true);
    if (*rewrapCmd) return keysCommand(keysConfig, false);
    if (*replayCmd) return packagesReplay(pkgConfig, pkgId);
    if (*mktCmd) return marketingSim(pkgConfig, mktListen, mktTestMode);
    if (*identifyCmd) return watermarkIdentify(markFile, markConfig, markNoStore);
    if (*ocrCmd) return ocrScan(ocrFile, ocrHint);
    if (*ofdVerifyCmd) return ofdVerify(ofdFile, ofdAnchors, ofdSealMakerAnchors, ofdAt, ofdJson);
    if (*govsimCmd) return govsim(simConfig, simListen, simTestMode);
    if (*versionCmd) {
        std::cout << "licence-gateway " << LGW_VERSION << "\n";
        return 0;
    }
    return 2;
}

}  // namespace lgw::gateway
