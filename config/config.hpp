#pragma once
// Typed configuration of the gateway. Parsed once at start-up from TOML; every unknown key, wrong
// type and out-of-range value is reported at once with its path, and nothing starts on error.
// Secrets are never in this file: it names the file or environment variable that holds them.
#include <cstdint>
#include <map>
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
    /// Connections one client address may hold at once (0: no limit, e.g. behind a proxy that
    /// limits per client itself); one more is answered 503 and closed.
    int maxConnectionsPerClient = 128;
    /// Connections past max_connections that are still accepted, for /healthz and /readyz only,
    /// so that a full pool does not blind the load balancer's probes.
    int probeConnections = 16;
    std::uint32_t headerLimitBytes = 16 * 1024;  ///< the request line and header; also a chunked body's trailer
    std::uint64_t bodyLimitBytes = 1024 * 1024;
    std::uint64_t scanBodyLimitBytes = 20 * 1024 * 1024;
    /// Admitted requests with a body over 1 MiB (or chunked to a route that takes more) in flight at
    /// once; one more is answered 503 upload_slots_full with Retry-After, its body unread.
    int largeUploadSlots = 8;
    int readTimeoutMs = 15000;
    int writeTimeoutMs = 15000;
    int idleTimeoutMs = 60000;
    int shutdownGraceMs = 10000;
    /// /readyz answers within this even when the store or the key material hangs, naming the check
    /// that did not answer (a load balancer's probe must not hang with the dependency).
    int readyzTimeoutMs = 2000;
    TlsConfig tls;
    /// The address customers reach the gateway's public pages at (the counter's checklist QR code
    /// points there), e.g. "https://yk.example-utility.cn"; without a trailing slash. Empty: the
    /// listen address, which only a demo on one machine can use.
    std::string publicUrl;
};

struct LogConfig {
    std::string level = "info";   ///< trace, debug, info, warn, error, critical, off
    std::string format = "auto";  ///< auto (text on a terminal, JSON otherwise), text, json
};

struct StoreConfig {
    std::string kind = "sqlite";  ///< sqlite (one gateway) | postgres (several sharing one database)
    std::string sqlitePath = "gateway.db";  ///< relative paths are under data_dir
    int busyTimeoutMs = 5000;
    /// PostgreSQL: the libpq connection string (it may hold a password, so never in this file)
    /// comes from the environment variable `postgresUrlEnv` or the first line of `postgresUrlFile`.
    std::string postgresUrlEnv;
    std::string postgresUrlFile;  ///< relative paths are under data_dir
    std::string postgresSchema = "public";
    int poolSize = 8;
    /// PostgreSQL: every wait bounded, each answered 503 store_unavailable when it passes (issue 23):
    /// a statement (statement_timeout), a lock (lock_timeout), a free pooled connection.
    int statementTimeoutMs = 5000;
    int lockTimeoutMs = 3000;
    int poolAcquireTimeoutMs = 3000;
    /// PostgreSQL: a pooled connection idle this long is checked before reuse (0: only after a
    /// sibling connection was found lost), so a restarted database costs no request its dead socket.
    int idleCheckMs = 1000;
};

struct KeysConfig {
    std::string file = "keys/kek.keyring";  ///< relative paths are under data_dir
    std::string env;                         ///< when set, the keyring is read from this variable instead
    int minDecryptionVersion = 0;            ///< KEK versions below this are retired (0: none)
    /// The secret the invisible mark of copies is keyed with (data_dir); generated in demo. Changing
    /// it makes the marks of earlier copies unreadable: keep it with the keyring's backups.
    std::string watermarkSecretFile = "keys/watermark.secret";
    std::string watermarkSecretEnv;
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
    /// When set, GET /metrics asks for `Authorization: Bearer KEY` with this SHA-256 (lower-case
    /// hex); "" leaves it open, like /healthz and /readyz.
    std::string metricsKeySha256;
};

struct RateLimitConfig {
    int max = 5;
    int windowS = 3600;
};

struct ConsentConfig {
    int codeTtlS = 300;            ///< an SMS code lives this long
    int resendIntervalS = 60;      ///< at most one resend per this many seconds
    int maxResends = 3;            ///< new codes a consent may have after the first
    int lifetimeS = 900;           ///< a consent ends this long after it was started, resends or not
    int maxAttempts = 5;           ///< wrong codes before the consent locks
    int grantTtlS = 600;           ///< a grant must be used within this time
    std::string secretFile = "keys/consent.secret";  ///< HMAC key for codes (data_dir); generated in demo
    std::string secretEnv;
    std::string textFile = "config/consent_text.txt";  ///< the consent text shown to the customer
    RateLimitConfig perPhone{5, 3600};
    RateLimitConfig perSubject{10, 3600};
    RateLimitConfig perCaller{300, 3600};
    int expiryWarningDays = 30;
    std::vector<int> reminderDays{30, 7, 1};
    int copyValidityDays = 30;     ///< copy_expires_at asked of the platform
    int schedulerIntervalMs = 30000;
    std::map<std::string, std::string> purposes{{"power_connection", "业扩报装"}};  ///< API purpose -> platform purpose
};

struct PlatformKeyConfig {
    std::string keyId;
    std::string publicKeyFile;  ///< PEM; SM2 or P-256
};

struct GovDataConfig {
    std::string mode = "simulator";  ///< simulator (in-process, demo) | http
    std::string url;                 ///< http mode: https://platform.example:443
    std::string caFile;
    std::string appId = "licence-gateway";
    std::string appSecretFile = "keys/govdata.secret";  ///< data_dir; generated in demo
    std::string appSecretEnv;
    std::string orgCode = "91110000MA0000DL13";  ///< the utility's credit code, sent as requester
    int timeoutMs = 3000;
    int retries = 2;
    int backoffBaseMs = 100;
    int backoffCapMs = 2000;
    int breakerFailures = 5;
    int breakerCooldownMs = 10000;
    int maxIdleConnections = 64;
    std::vector<PlatformKeyConfig> keys;
    /// PEM files of the certificates OFD licence seals must chain to (the platform's signers' CA);
    /// in simulator mode the simulator's root is added. An OFD licence without them is refused.
    std::vector<std::string> ofdTrustAnchors;
    /// PEM files the seal maker's certificate must chain to; empty: the trust anchors, a failure
    /// only a warning in the kept report.
    std::vector<std::string> ofdSealMakerAnchors;
};

struct GovSimConfig {
    std::string holdersFile = "config/govsim/holders.json";
    std::string keyFile = "govsim/sm2-key.pem";  ///< data_dir
    std::string keyId = "gov-sim";
    bool testMode = false;  ///< enables the fault-control endpoint
    int latencyMs = 0;
    std::string licenceFiles = "ofd";  ///< ofd (sealed 加注件) | png
    std::string ofdPkiSeed = "licence-gateway govsim";  ///< the seal PKI's keys derive from it
};

struct SmsConfig {
    std::string kind = "log";          ///< log | http | tencent_cloud | aliyun
    std::string logFile = "sms.ndjson";  ///< data_dir
    std::string url;                   ///< http: base URL
    std::string path = "/sms/send";
    std::string appId = "licence-gateway";
    std::string secretFile;
    std::string secretEnv;
    int timeoutMs = 3000;
    int retries = 2;
    // tencent_cloud and aliyun (UPSTREAMS.md): the endpoint defaults to the provider's.
    std::string endpoint;
    std::string region = "ap-guangzhou";  ///< tencent_cloud: X-TC-Region
    std::string sdkAppId;                 ///< tencent_cloud: SmsSdkAppId
    std::string signName;                 ///< both: the approved sign name
    std::string secretIdFile, secretKeyFile;            ///< tencent_cloud (data_dir)
    std::string accessKeyIdFile, accessKeySecretFile;   ///< aliyun (data_dir)
    std::map<std::string, std::string> templates;       ///< template name → provider's id or code
};

/// Packages for the marketing system and their push (API.md section 4).
struct MarketingConfig {
    std::string materialsFile = "config/materials.toml";  ///< the checklists (relative to the working directory)
    std::string mode = "simulator";      ///< simulator (demo: an in-process receiver) | http
    std::string url;                     ///< http: the receiver, e.g. https://yx.example/api/packages
    std::string secretFile = "marketing-secret";  ///< HMAC-SHA256 key for X-Signature (data_dir)
    std::string secretEnv;
    int timeoutMs = 10000;               ///< per delivery attempt
    int maxAttempts = 8;                 ///< then dead_letter
    int backoffBaseMs = 1000;            ///< exponential backoff with full jitter ...
    int backoffCapMs = 300000;           ///< ... up to this
    int leaseMs = 60000;                 ///< a claimed row is taken again after this if its worker died
    int pollIntervalMs = 500;            ///< how often the worker looks for due rows
    int batch = 4;                       ///< rows claimed per poll
    std::string simDbFile = "marketing-sim.db";  ///< simulator: what it received (data_dir)
};

/// RFC 3161 time-stamps on the audit checkpoints (UPSTREAMS.md, "Time-stamping authority").
struct TsaConfig {
    std::string url;        ///< http(s)://host[:port]/path of the TSA; empty: no time-stamps
    std::string caFile;     ///< the TSA's CA certificate(s), PEM; required with url
    int maxAgeS = 3600;     ///< events no token covers for longer than this: stale
    std::string onStale = "alert";  ///< alert | refuse (new consents and fetches answer 503)
    int timeoutMs = 10000;  ///< per time-stamp request
};

struct AuditConfig {
    std::string signingKeyFile = "keys/audit-signing.pem";  ///< P-256 PEM (data_dir); generated in demo
    int checkpointEvery = 100;  ///< a signed checkpoint every this many events
    TsaConfig tsa;
};

/// The cryptographic suite of a deployment: "international" (AES-256-GCM documents, SHA-256 audit
/// chain, P-256 checkpoints) or "national" (SM4-CTR + HMAC-SM3 documents, SM3 audit chain, SM2
/// checkpoints). Existing documents and events stay readable and verifiable after a switch.
struct CryptoConfig {
    std::string suite = "international";
    bool national() const { return suite == "national"; }
};

/// One line of the access policy: `role` may do `action`, within `scope`.
struct AccessRuleConfig {
    std::string role;
    std::string action;
    std::string scope = "any";  ///< any | worked_on (applications the caller worked on) | pushed_to
};

/// Applications a principal works on besides those it created: each entry of `applications` is an
/// application id, or a prefix ending in `*` ("HV-2026-*").
struct AccessAssignmentConfig {
    std::string principal;  ///< an api key's id or a client certificate's principal
    std::vector<std::string> applications;
};

/// `rules` unset: the built-in defaults (security/access_policy.hpp). Set: exactly these rules.
struct AccessConfig {
    bool configured = false;  ///< [[access.rules]] given
    std::vector<AccessRuleConfig> rules;
    std::vector<AccessAssignmentConfig> assignments;
};

/// Whether an action may be scoped to `worked_on` / `pushed_to` (config check and policy agree).
inline bool scopeAppliesTo(std::string_view scope, std::string_view action) {
    if (scope == "any") return true;
    if (scope == "worked_on")
        return action.rfind("application.", 0) == 0 || action.rfind("document.", 0) == 0 ||
               action.rfind("scan.", 0) == 0 || action == "consent.create" || action == "package.build" ||
               action == "package.read" || action == "package.push";
    if (scope == "pushed_to") return action.rfind("document.", 0) == 0 || action == "package.read";
    return false;
}

/// The actions a policy speaks of, and the scopes each admits.
inline constexpr const char* kAccessActions[] = {
    "application.read", "application.write", "identity_code.validate", "consent.create",
    "document.read",    "document.meta",     "audit.read",             "audit.identify",
    "package.build",    "package.read",      "package.push",           "package.replay",
    "scan.create",      "scan.correct"};

struct OcrConfig {
    int workers = 1;              ///< OCR worker processes, one Tesseract engine each (started on the first scan)
    int reviewBelowPercent = 80;  ///< a field read with lower confidence is needs_review
    std::string language = "chi_sim";
    std::string tessdataDir;      ///< "" = Tesseract's default (Debian: /usr/share/tesseract-ocr/5/tessdata)
    std::string workerBinary;     ///< lgw-ocr-worker; "" = the one next to the licence-gateway executable
    int workerMemoryMb = 3072;    ///< address space one worker may use (RLIMIT_AS)
    int scanCpuSeconds = 60;      ///< CPU one scan may use before the kernel stops its worker
    int scanTimeoutMs = 90000;    ///< wall time one scan may take before its worker is killed
    int maxQueued = 8;            ///< scans waiting for a worker beyond those being read; more: 503 ocr_busy
    int queueTimeoutMs = 30000;   ///< a scan that waited this long for a worker is answered 503 ocr_busy, unread
};

/// The browser console (web/): static files and the session that replaces the API key in a page.
struct ConsoleConfig {
    bool enabled = true;
    std::string dir;                  ///< "" = the web/ directory of the source tree this binary was built from
    int sessionIdleMinutes = 30;      ///< a session unused this long is gone
    int sessionAbsoluteHours = 10;    ///< and every session ends this long after sign-in
    std::string cookieSecure = "auto";  ///< auto: Secure when the gateway serves TLS; always: behind a TLS proxy
};

struct RetentionConfig {
    int documentsDays = 0;       ///< documents older than this are crypto-shredded; 0 keeps them
    int intervalMs = 3600000;    ///< how often the retention pass runs
};

struct Config {
    bool demo = false;
    std::string dataDir = "var";
    ServerConfig server;
    LogConfig log;
    StoreConfig store;
    KeysConfig keys;
    AuthConfig auth;
    ConsentConfig consent;
    GovDataConfig govdata;
    GovSimConfig govsim;
    SmsConfig sms;
    MarketingConfig marketing;
    AuditConfig audit;
    RetentionConfig retention;
    OcrConfig ocr;
    ConsoleConfig console;
    CryptoConfig crypto;
    AccessConfig access;

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

/// Demo mode (demo keys, generated keys, the simulators) listens on the loopback only: an error
/// when `server.host` is anything else. Checked when the file loads and again when `serve` starts
/// (after --listen).
std::optional<ConfigError> demoListenProblem(const Config& config);

/// Parses "HOST:PORT" (IPv6 as "[::1]:8080") into the server section; an error names the problem.
std::optional<ConfigError> applyListen(ServerConfig& server, const std::string& listen);

}  // namespace lgw::config
