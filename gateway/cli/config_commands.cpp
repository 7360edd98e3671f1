#include <boost/json/serialize.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "gateway/api/routes.hpp"
#include "gateway/app/app.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/http/logging.hpp"
#include "security/identity_codes.hpp"

namespace lgw::gateway::cli {

std::optional<std::string> readWholeFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void printErrors(const std::vector<config::ConfigError>& errors) {
    for (auto& e : errors) std::cerr << e.str() << "\n";
}

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

}  // namespace lgw::gateway::cli
