#include "config/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "config/impl/table_reader.hpp"

#include "security/identity_codes.hpp"

namespace lgw::config {
namespace {

using impl::TableReader;

bool isLowerHex64(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An absolute http:// or https:// address with a host and none of the characters in `forbidden`.
bool isHttpAddress(const std::string& url, const char* forbidden) {
    const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    return scheme && url.find_first_of(forbidden) == std::string::npos && url.size() > url.find("://") + 3;
}

void readServer(const toml::table* t, ServerConfig& s, std::vector<ConfigError>& errors) {
    TableReader r(t, "server", errors);
    std::string listen;
    r.string("listen", listen);
    if (!listen.empty())
        if (auto e = applyListen(s, listen)) r.error("listen", e->message);
    r.integer("io_threads", s.ioThreads, 1, 64);
    r.integer("blocking_threads", s.blockingThreads, 1, 256);
    r.integer("max_connections", s.maxConnections, 1, 100000);
    r.integer("max_connections_per_client", s.maxConnectionsPerClient, 0, 100000);
    r.integer("probe_connections", s.probeConnections, 0, 1024);
    r.integer("large_upload_slots", s.largeUploadSlots, 1, 10000);
    // Beast keeps a header field in at most 64 KiB: a larger limit could not be honoured.
    r.integer("header_limit_bytes", s.headerLimitBytes, 1024, 60 * 1024);
    r.integer("body_limit_bytes", s.bodyLimitBytes, 1024, 64LL * 1024 * 1024);
    r.integer("scan_body_limit_bytes", s.scanBodyLimitBytes, 1024, 256LL * 1024 * 1024);
    r.integer("read_timeout_ms", s.readTimeoutMs, 100, 600000);
    r.integer("write_timeout_ms", s.writeTimeoutMs, 100, 600000);
    r.integer("idle_timeout_ms", s.idleTimeoutMs, 100, 3600000);
    r.integer("shutdown_grace_ms", s.shutdownGraceMs, 0, 600000);
    r.integer("readyz_timeout_ms", s.readyzTimeoutMs, 100, 60000);
    r.string("public_url", s.publicUrl);
    if (!s.publicUrl.empty()) {
        while (!s.publicUrl.empty() && s.publicUrl.back() == '/') s.publicUrl.pop_back();
        if (!isHttpAddress(s.publicUrl, " \t\r\n?#\"<>"))
            r.error("public_url", "must be an absolute http:// or https:// address without query or fragment, "
                                  "e.g. \"https://yk.example-utility.cn\" (the checklist QR code points there)");
    }
    if (auto* tls = r.table("tls")) {
        TableReader tr(tls, "server.tls", errors);
        tr.string("cert_file", s.tls.certFile);
        tr.string("key_file", s.tls.keyFile);
        tr.string("client_ca_file", s.tls.clientCaFile);
        tr.boolean("require_client_cert", s.tls.requireClientCert);
        tr.finish();
        if (s.tls.certFile.empty() != s.tls.keyFile.empty())
            errors.push_back({"server.tls", "cert_file and key_file go together: set both or neither"});
        if (s.tls.requireClientCert && s.tls.clientCaFile.empty())
            errors.push_back({"server.tls.require_client_cert", "needs client_ca_file to verify client certificates"});
        if (!s.tls.clientCaFile.empty() && s.tls.certFile.empty())
            errors.push_back({"server.tls.client_ca_file", "needs cert_file and key_file: client certificates need TLS"});
    }
    r.finish();
}

void readLogSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader lr(t, "log", errors);
    lr.string("level", c.log.level, {"trace", "debug", "info", "warn", "error", "critical", "off"});
    lr.string("format", c.log.format, {"auto", "text", "json"});
    lr.finish();
}

void readStoreSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader sr(t, "store", errors);
    sr.string("kind", c.store.kind, {"sqlite", "postgres"});
    sr.string("sqlite_path", c.store.sqlitePath);
    sr.integer("busy_timeout_ms", c.store.busyTimeoutMs, 0, 600000);
    sr.string("postgres_url_env", c.store.postgresUrlEnv);
    sr.string("postgres_url_file", c.store.postgresUrlFile);
    sr.string("postgres_schema", c.store.postgresSchema);
    sr.integer("pool_size", c.store.poolSize, 1, 256);
    sr.integer("statement_timeout_ms", c.store.statementTimeoutMs, 100, 600000);
    sr.integer("lock_timeout_ms", c.store.lockTimeoutMs, 100, 600000);
    sr.integer("pool_acquire_timeout_ms", c.store.poolAcquireTimeoutMs, 100, 600000);
    sr.integer("idle_check_ms", c.store.idleCheckMs, 0, 3600000);
    sr.finish();
    if (c.store.kind == "postgres" && c.store.postgresUrlEnv.empty() == c.store.postgresUrlFile.empty())
        sr.error("postgres_url_env", "set exactly one of postgres_url_env and postgres_url_file when kind = \"postgres\"");
    if (c.store.postgresSchema.empty() || c.store.postgresSchema.size() > 63)
        sr.error("postgres_schema", "must be 1..63 characters");
}

void readKeysSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader kr(t, "keys", errors);
    kr.string("file", c.keys.file);
    kr.string("env", c.keys.env);
    kr.integer("min_decryption_version", c.keys.minDecryptionVersion, 0, 1000000);
    kr.string("watermark_secret_file", c.keys.watermarkSecretFile);
    kr.string("watermark_secret_env", c.keys.watermarkSecretEnv);
    kr.finish();
    if (c.keys.file.empty() && c.keys.env.empty()) kr.error("file", "set file or env: the keyring must come from somewhere");
}

void readAuthSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader ar(t, "auth", errors);
    std::set<std::string> ids, hashes;
    ar.tables("api_keys", [&](TableReader& kr) {
        ApiKey k;
        kr.string("id", k.id);
        kr.string("sha256", k.sha256);
        kr.string("role", k.role, {"frontdesk", "marketing", "auditor", "admin"});
        kr.boolean("demo", k.demo);
        kr.finish();
        if (k.id.empty()) kr.error("id", "is required");
        else if (!ids.insert(k.id).second) kr.error("id", "\"" + k.id + "\" is used twice");
        if (!isLowerHex64(k.sha256))
            kr.error("sha256", "must be the 64 lower-case hex characters of the key's SHA-256 "
                               "(printf %s KEY | sha256sum)");
        else if (!hashes.insert(k.sha256).second)
            kr.error("sha256", "the same key is listed twice");
        if (k.role.empty()) kr.error("role", "is required");
        c.auth.apiKeys.push_back(std::move(k));
    });
    ar.tables("client_certs", [&](TableReader& cr) {
        ClientCertRule rule;
        cr.string("subject_cn", rule.subjectCn);
        cr.string("role", rule.role, {"frontdesk", "marketing", "auditor", "admin"});
        cr.finish();
        if (rule.subjectCn.empty()) cr.error("subject_cn", "is required");
        if (rule.role.empty()) cr.error("role", "is required");
        c.auth.clientCerts.push_back(std::move(rule));
    });
    ar.string("metrics_key_sha256", c.auth.metricsKeySha256);
    ar.finish();
    if (!c.auth.metricsKeySha256.empty() && !isLowerHex64(c.auth.metricsKeySha256))
        ar.error("metrics_key_sha256", "must be the 64 lower-case hex characters of the scrape key's SHA-256 "
                                       "(printf %s KEY | sha256sum), or absent to leave /metrics open");
}

void readConsentSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader cr(t, "consent", errors);
    auto& k = c.consent;
    cr.integer("code_ttl_s", k.codeTtlS, 30, 3600);
    cr.integer("resend_interval_s", k.resendIntervalS, 1, 3600);
    cr.integer("max_resends", k.maxResends, 0, 10);
    cr.integer("lifetime_s", k.lifetimeS, 60, 86400);
    cr.integer("max_attempts", k.maxAttempts, 1, 20);
    cr.integer("grant_ttl_s", k.grantTtlS, 30, 86400);
    cr.string("secret_file", k.secretFile);
    cr.string("secret_env", k.secretEnv);
    cr.string("text_file", k.textFile);
    cr.rate("per_phone", k.perPhone);
    cr.rate("per_subject", k.perSubject);
    cr.rate("per_caller", k.perCaller);
    cr.integer("expiry_warning_days", k.expiryWarningDays, 1, 365);
    cr.intList("reminder_days", k.reminderDays, 0, 365);
    cr.integer("copy_validity_days", k.copyValidityDays, 1, 365);
    cr.integer("scheduler_interval_ms", k.schedulerIntervalMs, 10, 3600000);
    cr.stringMap("purposes", k.purposes);
    cr.finish();
    if (k.purposes.empty()) cr.error("purposes", "must name at least one purpose");
    if (k.lifetimeS < k.codeTtlS)
        cr.error("lifetime_s", "must be at least code_ttl_s (" + std::to_string(k.codeTtlS) + "): a first code outlives its consent otherwise");
}

void readGovdataSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader gr(t, "govdata", errors);
    auto& g = c.govdata;
    gr.string("mode", g.mode, {"simulator", "http"});
    gr.string("url", g.url);
    gr.string("ca_file", g.caFile);
    gr.string("app_id", g.appId);
    gr.string("app_secret_file", g.appSecretFile);
    gr.string("app_secret_env", g.appSecretEnv);
    gr.string("org_code", g.orgCode);
    gr.integer("timeout_ms", g.timeoutMs, 10, 600000);
    gr.integer("retries", g.retries, 0, 10);
    gr.integer("backoff_base_ms", g.backoffBaseMs, 1, 60000);
    gr.integer("backoff_cap_ms", g.backoffCapMs, 1, 600000);
    gr.integer("breaker_failures", g.breakerFailures, 1, 1000);
    gr.integer("breaker_cooldown_ms", g.breakerCooldownMs, 10, 3600000);
    gr.integer("max_idle_connections", g.maxIdleConnections, 0, 10000);
    gr.tables("keys", [&](TableReader& kr) {
        PlatformKeyConfig pk;
        kr.string("key_id", pk.keyId);
        kr.string("public_key_file", pk.publicKeyFile);
        kr.finish();
        if (pk.keyId.empty()) kr.error("key_id", "is required");
        if (pk.publicKeyFile.empty()) kr.error("public_key_file", "is required");
        g.keys.push_back(std::move(pk));
    });
    gr.stringList("ofd_trust_anchors", g.ofdTrustAnchors);
    gr.stringList("ofd_seal_maker_anchors", g.ofdSealMakerAnchors);
    gr.finish();
    if (g.mode == "http" && g.url.empty()) gr.error("url", "is required when mode = \"http\"");
    // Issue 18: the platform's answers carry people's licences and phones; plain HTTP only in demo.
    if (g.mode == "http" && !c.demo && g.url.rfind("https://", 0) != 0)
        gr.error("url", "must be https:// outside demo mode (the platform's answers carry personal data)");
    if (g.mode == "http" && g.keys.empty())
        gr.error("keys", "list the platform's public keys ([[govdata.keys]]) when mode = \"http\"");
    if (!g.orgCode.empty() && !security::validateCreditCode(g.orgCode).valid)
        gr.error("org_code", "must be the utility's valid unified social credit code");
}

void readGovsimSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader sr(t, "govsim", errors);
    sr.string("holders_file", c.govsim.holdersFile);
    sr.string("key_file", c.govsim.keyFile);
    sr.string("key_id", c.govsim.keyId);
    sr.boolean("test_mode", c.govsim.testMode);
    sr.integer("latency_ms", c.govsim.latencyMs, 0, 600000);
    sr.string("licence_files", c.govsim.licenceFiles, {"ofd", "png"});
    sr.string("ofd_pki_seed", c.govsim.ofdPkiSeed);
    sr.finish();
}

// The cloud providers' keys: what each needs, its endpoint, and https outside demo mode.
void readCloudSms(TableReader& sr, SmsConfig& m, bool demo) {
    const bool tencent = m.kind == "tencent_cloud", aliyun = m.kind == "aliyun";
    if (!tencent && !aliyun) return;
    if (m.endpoint.empty()) m.endpoint = tencent ? "https://sms.tencentcloudapi.com" : "https://dysmsapi.aliyuncs.com";
    if (!demo && m.endpoint.rfind("https://", 0) != 0)
        sr.error("endpoint", "must be https:// outside demo mode (messages carry consent codes)");
    auto need = [&](const char* key, const std::string& v, const char* what) {
        if (v.empty()) sr.error(key, std::string("is required when kind = \"") + m.kind + "\": " + what);
    };
    if (tencent) {
        need("secret_id_file", m.secretIdFile, "the file holding the SecretId");
        need("secret_key_file", m.secretKeyFile, "the file holding the SecretKey");
        need("sdk_app_id", m.sdkAppId, "the SmsSdkAppId of the SMS application");
    } else {
        need("access_key_id_file", m.accessKeyIdFile, "the file holding the AccessKey ID");
        need("access_key_secret_file", m.accessKeySecretFile, "the file holding the AccessKey secret");
    }
    need("sign_name", m.signName, "the approved sign name (签名)");
    for (const char* name : {"consent_code", "licence_expiring", "materials_due", "package_suspended"})
        if (!m.templates.count(name))
            sr.error("templates", std::string("give the provider's template ") + (tencent ? "id" : "code") + " of " + name);
}

void readSmsSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader sr(t, "sms", errors);
    auto& m = c.sms;
    sr.string("kind", m.kind, {"log", "http", "tencent_cloud", "aliyun"});
    sr.string("log_file", m.logFile);
    sr.string("url", m.url);
    sr.string("path", m.path);
    sr.string("app_id", m.appId);
    sr.string("secret_file", m.secretFile);
    sr.string("secret_env", m.secretEnv);
    sr.integer("timeout_ms", m.timeoutMs, 10, 600000);
    sr.integer("retries", m.retries, 0, 10);
    sr.string("endpoint", m.endpoint);
    sr.string("region", m.region);
    sr.string("sdk_app_id", m.sdkAppId);
    sr.string("sign_name", m.signName);
    sr.string("secret_id_file", m.secretIdFile);
    sr.string("secret_key_file", m.secretKeyFile);
    sr.string("access_key_id_file", m.accessKeyIdFile);
    sr.string("access_key_secret_file", m.accessKeySecretFile);
    sr.stringMap("templates", m.templates);
    sr.finish();
    readCloudSms(sr, m, c.demo);
    if (m.kind == "http" && m.url.empty()) sr.error("url", "is required when kind = \"http\"");
    if (m.kind == "http" && m.secretFile.empty() && m.secretEnv.empty())
        sr.error("secret_file", "set secret_file or secret_env for the provider's signing secret");
}

void readMarketingSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader mr(t, "marketing", errors);
    auto& m = c.marketing;
    mr.string("materials_file", m.materialsFile);
    mr.string("mode", m.mode, {"simulator", "http"});
    mr.string("url", m.url);
    mr.string("secret_file", m.secretFile);
    mr.string("secret_env", m.secretEnv);
    mr.integer("timeout_ms", m.timeoutMs, 10, 600000);
    mr.integer("max_attempts", m.maxAttempts, 1, 1000);
    mr.integer("backoff_base_ms", m.backoffBaseMs, 1, 3600000);
    mr.integer("backoff_cap_ms", m.backoffCapMs, 1, 86400000);
    mr.integer("lease_ms", m.leaseMs, 100, 3600000);
    mr.integer("poll_interval_ms", m.pollIntervalMs, 10, 600000);
    mr.integer("batch", m.batch, 1, 1000);
    mr.string("sim_db_file", m.simDbFile);
    mr.finish();
    if (m.mode == "http" && m.url.empty()) mr.error("url", "is required when mode = \"http\"");
    if (m.backoffCapMs < m.backoffBaseMs) mr.error("backoff_cap_ms", "must be at least backoff_base_ms");
}

void readAuditSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader ar(t, "audit", errors);
    ar.string("signing_key_file", c.audit.signingKeyFile);
    ar.integer("checkpoint_every", c.audit.checkpointEvery, 1, 1000000);
    if (auto* tsa = ar.table("tsa")) {
        TableReader tr(tsa, "audit.tsa", errors);
        auto& ts = c.audit.tsa;
        tr.string("url", ts.url);
        tr.string("ca_file", ts.caFile);
        tr.integer("max_age_s", ts.maxAgeS, 1, 7 * 86400);
        tr.string("on_stale", ts.onStale, {"alert", "refuse"});
        tr.integer("timeout_ms", ts.timeoutMs, 100, 600000);
        tr.finish();
        if (!ts.url.empty() && !isHttpAddress(ts.url, " \t\r\n#"))
            tr.error("url", "must be the TSA's http:// or https:// address, e.g. \"https://tsa.example.cn/tsa\"");
        if (!ts.url.empty() && ts.caFile.empty())
            tr.error("ca_file", "is required with url: the TSA's CA certificate (PEM), against which every token is checked");
        if (ts.url.empty() && !ts.caFile.empty()) tr.error("url", "is required with ca_file: where to ask for time-stamps");
    }
    ar.finish();
}

void readAccessSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader ar(t, "access", errors);
    c.access.configured = t->contains("rules");
    ar.tables("rules", [&](TableReader& rr) {
        AccessRuleConfig rule;
        rr.string("role", rule.role, {"frontdesk", "marketing", "auditor", "admin"});
        rr.string("action", rule.action);
        rr.string("scope", rule.scope, {"any", "worked_on", "pushed_to"});
        rr.finish();
        if (rule.role.empty()) rr.error("role", "is required");
        bool known = false;
        std::string list;
        for (const char* a : kAccessActions) {
            known = known || rule.action == a;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        if (!known) rr.error("action", "must be one of " + list + ", got \"" + rule.action + "\"");
        else if (!scopeAppliesTo(rule.scope, rule.action))
            rr.error("scope", rule.scope == "pushed_to"
                                  ? "pushed_to applies to document.read, document.meta and package.read only"
                                  : "worked_on applies to application, consent.create, scan, package build/read/push "
                                    "and document actions only");
        c.access.rules.push_back(std::move(rule));
    });
    ar.tables("assignments", [&](TableReader& rr) {
        AccessAssignmentConfig a;
        rr.string("principal", a.principal);
        rr.stringList("applications", a.applications);
        rr.finish();
        if (a.principal.empty()) rr.error("principal", "is required: the id of an api key or client certificate");
        if (a.applications.empty()) rr.error("applications", "is required: application ids, or prefixes ending in *");
        for (auto& app : a.applications)
            if (app.find('*') != std::string::npos && app.find('*') != app.size() - 1)
                rr.error("applications", "\"" + app + "\": a * may only end a prefix");
        c.access.assignments.push_back(std::move(a));
    });
    ar.finish();
}

void readCryptoSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader cr(t, "crypto", errors);
    cr.string("suite", c.crypto.suite);
    cr.finish();
    if (c.crypto.suite != "international" && c.crypto.suite != "national")
        cr.error("suite", "must be \"international\" (AES-256-GCM, SHA-256) or \"national\" (SM4-CTR + HMAC-SM3, SM3, SM2)");
}

void readOcrSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader orr(t, "ocr", errors);
    orr.integer("workers", c.ocr.workers, 1, 64);
    orr.integer("review_below_percent", c.ocr.reviewBelowPercent, 0, 100);
    orr.string("language", c.ocr.language);
    orr.string("tessdata_dir", c.ocr.tessdataDir);
    orr.string("worker_binary", c.ocr.workerBinary);
    orr.integer("worker_memory_mb", c.ocr.workerMemoryMb, 256, 65536);
    orr.integer("scan_cpu_seconds", c.ocr.scanCpuSeconds, 1, 3600);
    orr.integer("scan_timeout_ms", c.ocr.scanTimeoutMs, 1000, 3600000);
    orr.integer("max_queued", c.ocr.maxQueued, 0, 10000);
    orr.integer("queue_timeout_ms", c.ocr.queueTimeoutMs, 100, 3600000);
    orr.finish();
}

void readConsoleSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader cr(t, "console", errors);
    cr.boolean("enabled", c.console.enabled);
    cr.string("dir", c.console.dir);
    cr.integer("session_idle_minutes", c.console.sessionIdleMinutes, 1, 24 * 60);
    cr.integer("session_absolute_hours", c.console.sessionAbsoluteHours, 1, 7 * 24);
    cr.string("cookie_secure", c.console.cookieSecure, {"auto", "always"});
    cr.finish();
}

void readRetentionSection(const toml::table* t, Config& c, std::vector<ConfigError>& errors) {
    if (!t) return;
    TableReader rr(t, "retention", errors);
    rr.integer("documents_days", c.retention.documentsDays, 0, 36500);
    rr.integer("interval_ms", c.retention.intervalMs, 10, 86400000);
    rr.finish();
}

}  // namespace

std::optional<ConfigError> demoListenProblem(const Config& c) {
    const std::string& h = c.server.host;
    const bool loopback = h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
    if (!c.demo || loopback) return std::nullopt;
    return ConfigError{"server.host", "demo mode (demo = true: the demo keys work) listens on the loopback only "
                                      "(127.0.0.1, ::1 or localhost), got \"" + h +
                                          "\"; set demo = false with real keys to listen on other addresses"};
}

std::optional<ConfigError> applyListen(ServerConfig& s, const std::string& listen) {
    auto colon = listen.rfind(':');
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < listen.size();
    long port = -1;
    if (ok) {
        std::string digits = listen.substr(colon + 1);
        ok = digits.size() <= 5 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (ok) port = std::stol(digits);
    }
    if (!ok || port < 0 || port > 65535)
        return ConfigError{"server.listen", "must be HOST:PORT with a port of 0..65535, got \"" + listen + "\""};
    s.host = listen.substr(0, colon);
    if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']') s.host = s.host.substr(1, s.host.size() - 2);
    s.port = static_cast<std::uint16_t>(port);
    return std::nullopt;
}

const std::vector<std::string>& knownRoles() {
    static const std::vector<std::string> roles = {"frontdesk", "marketing", "auditor", "admin"};
    return roles;
}

std::string Config::dataPath(const std::string& p) const {
    std::filesystem::path path(p);
    if (path.is_absolute()) return p;
    return (std::filesystem::path(dataDir) / path).string();
}

LoadResult parseConfig(const std::string& tomlText, const std::string& sourceName) {
    LoadResult result;
    auto& errors = result.errors;
    toml::table root;
    try {
        root = toml::parse(tomlText, sourceName);
    } catch (const toml::parse_error& e) {
        std::ostringstream where;
        where << sourceName << ":" << e.source().begin.line << ":" << e.source().begin.column;
        errors.push_back({where.str(), std::string(e.description())});
        return result;
    }

    Config c;
    TableReader r(&root, "", errors);
    r.boolean("demo", c.demo);
    r.string("data_dir", c.dataDir);
    if (c.dataDir.empty()) r.error("data_dir", "must not be empty");
    readServer(r.table("server"), c.server, errors);

    readLogSection(r.table("log"), c, errors);
    readStoreSection(r.table("store"), c, errors);
    readKeysSection(r.table("keys"), c, errors);
    readAuthSection(r.table("auth"), c, errors);
    readConsentSection(r.table("consent"), c, errors);
    readGovdataSection(r.table("govdata"), c, errors);
    readGovsimSection(r.table("govsim"), c, errors);
    readSmsSection(r.table("sms"), c, errors);
    readMarketingSection(r.table("marketing"), c, errors);
    readAuditSection(r.table("audit"), c, errors);
    readAccessSection(r.table("access"), c, errors);
    readCryptoSection(r.table("crypto"), c, errors);
    readOcrSection(r.table("ocr"), c, errors);
    readConsoleSection(r.table("console"), c, errors);
    readRetentionSection(r.table("retention"), c, errors);
    r.finish();
    // The simulator is a separate implementation for demos and tests; production never depends on it.
    if (c.marketing.mode == "simulator" && !c.demo)
        errors.push_back({"marketing.mode", "\"simulator\" is for demo mode only; set mode = \"http\" and url"});
    if (c.govdata.mode == "simulator" && !c.demo)
        errors.push_back({"govdata.mode", "\"simulator\" needs demo = true; in production set mode = \"http\" with "
                                          "url and [[govdata.keys]] of the government platform"});
    if (auto e = demoListenProblem(c)) errors.push_back(*e);
    if (errors.empty()) result.config = std::move(c);
    return result;
}

LoadResult loadConfigFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        LoadResult r;
        r.errors.push_back({path, "cannot read the file"});
        return r;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    return parseConfig(ss.str(), path);
}

std::vector<ConfigError> checkFiles(const Config& c) {
    std::vector<ConfigError> errors;
    auto readable = [&](const std::string& path, const char* key) {
        if (path.empty()) return;
        std::ifstream f(path);
        if (!f) errors.push_back({key, "cannot read \"" + path + "\""});
    };
    readable(c.server.tls.certFile, "server.tls.cert_file");
    readable(c.server.tls.keyFile, "server.tls.key_file");
    readable(c.server.tls.clientCaFile, "server.tls.client_ca_file");
    readable(c.audit.tsa.caFile, "audit.tsa.ca_file");
    for (const auto& f : c.govdata.ofdTrustAnchors) readable(f, "govdata.ofd_trust_anchors");
    for (const auto& f : c.govdata.ofdSealMakerAnchors) readable(f, "govdata.ofd_seal_maker_anchors");
    return errors;
}

}  // namespace lgw::config
