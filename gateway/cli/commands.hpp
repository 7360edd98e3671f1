#pragma once
// The commands of `licence-gateway`, one file per group: configuration and serving
// (config_commands), the simulators as processes (simulator_commands), the operator's commands on
// the files and the store beside running gateways (operator_commands), and OCR of one page
// (ocr_command), and the verification of an OFD file's seals (ofd_command). cli.cpp parses the command line and calls them; each returns the exit code.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace lgw::gateway::cli {

/// The whole file at `path` as bytes; nullopt when it cannot be opened (the caller says so).
std::optional<std::string> readWholeFile(const std::string& path);

/// Every problem of a configuration on stderr, one per line with its path.
void printErrors(const std::vector<config::ConfigError>& errors);
/// Every command that reads a configuration: the configuration, or every problem it has on stderr
/// (with the file's name and what was not done) and nullopt.
std::optional<config::Config> loadOrReport(const std::string& path);

int serve(const std::string& configPath, const std::string& listen, const std::string& dataDir);
int checkConfig(const std::string& path);
int validate(const std::string& code, const std::string& type);

int govsim(const std::string& configPath, const std::string& listen, bool testMode);
int marketingSim(const std::string& configPath, const std::string& listen, bool testMode);

int auditVerify(const std::string& file, const std::string& keyFile, const std::string& tsaCaFile = "");
int keysCommand(const std::string& configPath, bool rotate);
int packagesReplay(const std::string& configPath, const std::string& packageId);
int watermarkIdentify(const std::string& file, const std::string& configPath, bool noStore);

int ocrScan(const std::string& file, const std::string& hint);

int ofdVerify(const std::string& file, const std::vector<std::string>& anchorFiles,
              const std::vector<std::string>& sealMakerAnchorFiles, const std::string& at, bool json);

}  // namespace lgw::gateway::cli
