#pragma once
// Typed configuration of the gateway. Parsed once at start-up from TOML; every unknown key, wrong
// type and out-of-range value is reported at once with its path, and nothing starts on error.
// Secrets are never in this file: it names the file or environment variable that holds them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lgw::config {

struct TlsConfig {
    std::string certFile;       ///< PEM certificate chain; TLS is on when this and keyFile are set
    std::string keyFile;        ///< PEM private key
    std::string clientCaFile;   ///< when set, client certificates signed by this CA are verified
    bool requireClientCert = false;
    bool enabled() const { return !certFile.empty(); }
};

struct ServerConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    int ioThreads = 2;
    int blockingThreads = 4;
    int maxConnections = 1024;
    std::uint32_t headerLimitBytes = 16 * 1024;
    std::uint64_t bodyLimitBytes = 1024 * 1024;
    std::uint64_t scanBodyLimitBytes = 20 * 1024 * 1024;
    int readTimeoutMs = 15000;
    int writeTimeoutMs = 15000;
    int idleTimeoutMs = 60000;
    int shutdownGraceMs = 10000;
    TlsConfig tls;
};

struct LogConfig {
    std::string level = "info";   ///< trace, debug, info, warn, error, critical, off
    std::string format = "auto";  ///< auto (text on a terminal, JSON otherwise), text, json
};

struct StoreConfig {
    std::string kind = "sqlite";  ///< sqlite (PostgreSQL follows in a later release)
    std::string sqlitePath = "gateway.db";  ///< relative paths are under data_dir
    int busyTimeoutMs = 5000;
};

struct KeysConfig {
    std::string file = "keys/kek.keyring";  ///< relative paths are under data_dir
    std::string env;                         ///< when set, the keyring is read from this variable instead
};

struct ApiKey {
    std::string id;       ///< a name for logs and the audit trail, never the key itself
    std::string sha256;   ///< lower-case hex SHA-256 of the key
    std::string role;     ///< frontdesk, marketing, auditor, admin
    bool demo = false;    ///< only honoured while the top-level demo = true
};

struct ClientCertRule {
    std::string subjectCn;  ///< the certificate's subject common name
    std::string role;
};

struct AuthConfig {
    std::vector<ApiKey> apiKeys;
    std::vector<ClientCertRule> clientCerts;
};

struct Config {
    bool demo = false;
    std::string dataDir = "var";
    ServerConfig server;
    LogConfig log;
    StoreConfig store;
    KeysConfig keys;
    AuthConfig auth;

    /// data_dir joined with a relative path; absolute paths are returned unchanged.
    std::string dataPath(const std::string& p) const;
};

struct ConfigError {
    std::string path;     ///< e.g. "server.port"
    std::string message;  ///< e.g. "must be 1..65535, got 70000"
    std::string str() const { return path.empty() ? message : path + ": " + message; }
};

struct LoadResult {
    std::optional<Config> config;     ///< set only when errors is empty
    std::vector<ConfigError> errors;
};

LoadResult parseConfig(const std::string& tomlText, const std::string& sourceName);
LoadResult loadConfigFile(const std::string& path);

/// Checks a loaded config for problems that need the file system (key files, certificates).
std::vector<ConfigError> checkFiles(const Config& config);

const std::vector<std::string>& knownRoles();

/// Parses "HOST:PORT" (IPv6 as "[::1]:8080") into the server section; an error names the problem.
std::optional<ConfigError> applyListen(ServerConfig& server, const std::string& listen);

}  // namespace lgw::config
