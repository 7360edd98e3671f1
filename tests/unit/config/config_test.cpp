#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace lgw::config;

namespace {

std::vector<std::string> errorsOf(const std::string& toml) {
    auto r = parseConfig(toml, "test.toml");
    std::vector<std::string> out;
    for (auto& e : r.errors) out.push_back(e.str());
    return out;
}

::testing::AssertionResult hasError(const std::vector<std::string>& errors, const std::string& needle) {
    for (auto& e : errors)
        if (e.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    std::string all;
    for (auto& e : errors) all += "\n  " + e;
    return ::testing::AssertionFailure() << "no error containing \"" << needle << "\" among:" << all;
}

const std::string kHash(64, 'a');

}  // namespace

TEST(Config, EmptyFileGivesDefaults) {
    auto r = parseConfig("demo = true\n", "empty.toml");
    ASSERT_TRUE(r.config);
    EXPECT_TRUE(r.config->demo);
    EXPECT_EQ(r.config->govdata.mode, "simulator");
    EXPECT_EQ(r.config->consent.maxAttempts, 5);
    EXPECT_EQ(r.config->consent.reminderDays, (std::vector<int>{30, 7, 1}));
    EXPECT_EQ(r.config->server.port, 8080);
    EXPECT_EQ(r.config->server.bodyLimitBytes, 1024u * 1024u);
    EXPECT_EQ(r.config->server.scanBodyLimitBytes, 20u * 1024u * 1024u);
}

TEST(Config, TheShippedDefaultIsValid) {
    const char* src = std::getenv("LGW_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    auto r = loadConfigFile(std::string(src) + "/config/gateway.toml");
    ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
    EXPECT_TRUE(r.config->demo);
    EXPECT_EQ(r.config->server.host, "127.0.0.1");
    EXPECT_EQ(r.config->server.port, 8080);
    EXPECT_EQ(r.config->auth.apiKeys.size(), 4u);
    for (auto& k : r.config->auth.apiKeys) EXPECT_TRUE(k.demo) << k.id;
}

TEST(Config, TheSeveralInstancesSampleIsValidAndOnPostgres) {
    const char* src = std::getenv("LGW_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    auto r = loadConfigFile(std::string(src) + "/deploy/gateway.toml");
    ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
    EXPECT_FALSE(r.config->demo);
    EXPECT_EQ(r.config->store.kind, "postgres");
    EXPECT_EQ(r.config->store.postgresUrlEnv, "LGW_POSTGRES_URL");
}

TEST(Config, PostgresNeedsExactlyOneSourceOfItsConnectionString) {
    EXPECT_TRUE(hasError(errorsOf("[store]\nkind = \"postgres\"\n"),
                         "store.postgres_url_env: set exactly one of postgres_url_env and postgres_url_file when kind = \"postgres\""));
    EXPECT_TRUE(hasError(errorsOf("[store]\nkind = \"postgres\"\npostgres_url_env = \"A\"\npostgres_url_file = \"b\"\n"),
                         "store.postgres_url_env: set exactly one of postgres_url_env and postgres_url_file when kind = \"postgres\""));
    for (auto& e : errorsOf("[store]\nkind = \"postgres\"\npostgres_url_env = \"A\"\n"))
        EXPECT_EQ(e.find("store."), std::string::npos) << e;
    EXPECT_TRUE(hasError(errorsOf("[store]\nkind = \"mysql\"\n"), "store.kind: must be one of sqlite, postgres, got \"mysql\""));
}

TEST(Config, UnknownKeysAreReportedWithTheirPath) {
    auto e = errorsOf("[server]\nlsiten = \"127.0.0.1:1\"\n[log]\nlevle = \"info\"\n[surver]\n");
    EXPECT_TRUE(hasError(e, "server.lsiten: unknown key"));
    EXPECT_TRUE(hasError(e, "log.levle: unknown key"));
    EXPECT_TRUE(hasError(e, "surver: unknown key"));
}

TEST(Config, WrongTypes) {
    auto e = errorsOf("demo = \"yes\"\n[server]\nio_threads = \"two\"\n");
    EXPECT_TRUE(hasError(e, "demo: expected boolean, got string"));
    EXPECT_TRUE(hasError(e, "server.io_threads: expected integer, got string"));
}

TEST(Config, OutOfRangeValues) {
    auto e = errorsOf("[server]\nlisten = \"127.0.0.1:70000\"\nio_threads = 0\nread_timeout_ms = 5\n");
    EXPECT_TRUE(hasError(e, "server.listen: must be HOST:PORT with a port of 0..65535"));
    EXPECT_TRUE(hasError(e, "server.io_threads: must be 1..64, got 0"));
    EXPECT_TRUE(hasError(e, "server.read_timeout_ms: must be 100..600000, got 5"));
}

// The limits that keep one client from harming the others (issue 15).
TEST(Config, ConnectionAndWorkerLimits) {
    auto r = parseConfig("demo = true\n[server]\nmax_connections_per_client = 0\nprobe_connections = 4\n"
                         "[ocr]\nworker_binary = \"/opt/lgw/lgw-ocr-worker\"\nworker_memory_mb = 1024\n"
                         "scan_cpu_seconds = 30\nscan_timeout_ms = 45000\n",
                         "t.toml");
    ASSERT_TRUE(r.config) << r.errors.at(0).str();
    EXPECT_EQ(r.config->server.maxConnectionsPerClient, 0);
    EXPECT_EQ(r.config->server.probeConnections, 4);
    EXPECT_EQ(r.config->ocr.workerBinary, "/opt/lgw/lgw-ocr-worker");
    EXPECT_EQ(r.config->ocr.workerMemoryMb, 1024);
    EXPECT_EQ(r.config->ocr.scanCpuSeconds, 30);
    EXPECT_EQ(r.config->ocr.scanTimeoutMs, 45000);
    auto d = parseConfig("demo = true\n", "d.toml");
    EXPECT_EQ(d.config->server.maxConnectionsPerClient, 128);
    EXPECT_EQ(d.config->ocr.workerBinary, "");
    // Beast keeps a field in at most 64 KiB: a header limit it could not honour is refused.
    auto e = errorsOf("[server]\nheader_limit_bytes = 65536\nmax_connections_per_client = -1\n"
                      "[ocr]\nworker_memory_mb = 10\nscan_timeout_ms = 5\n");
    EXPECT_TRUE(hasError(e, "server.header_limit_bytes: must be 1024..61440, got 65536"));
    EXPECT_TRUE(hasError(e, "server.max_connections_per_client: must be 0..100000, got -1"));
    EXPECT_TRUE(hasError(e, "ocr.worker_memory_mb: must be 256..65536, got 10"));
    EXPECT_TRUE(hasError(e, "ocr.scan_timeout_ms: must be 1000..3600000, got 5"));
}

TEST(Config, EnumeratedValues) {
    auto e = errorsOf("[log]\nlevel = \"loud\"\n[store]\nkind = \"mysql\"\n");
    EXPECT_TRUE(hasError(e, "log.level: must be one of trace, debug, info"));
    EXPECT_TRUE(hasError(e, "store.kind: must be one of sqlite, postgres, got \"mysql\""));
    EXPECT_TRUE(hasError(errorsOf("[crypto]\nsuite = \"sm4-gcm\"\n"), "crypto.suite: must be \"international\""));
    auto national = parseConfig("demo = true\n[crypto]\nsuite = \"national\"\n[retention]\ndocuments_days = 1095\n", "t.toml");
    ASSERT_TRUE(national.config);
    EXPECT_TRUE(national.config->crypto.national());
    EXPECT_EQ(national.config->retention.documentsDays, 1095);
    EXPECT_TRUE(hasError(errorsOf("[retention]\ndocuments_days = -1\n"), "retention.documents_days"));
    auto access = errorsOf("[[access.rules]]\nrole = \"clerk\"\naction = \"document.steal\"\n"
                           "[[access.rules]]\nrole = \"auditor\"\naction = \"audit.read\"\nscope = \"worked_on\"\nextra = 1\n");
    EXPECT_TRUE(hasError(access, "access.rules[0].role: must be one of frontdesk, marketing, auditor, admin"));
    EXPECT_TRUE(hasError(access, "access.rules[0].action: must be one of application.read"));
    EXPECT_TRUE(hasError(access, "access.rules[1].scope: worked_on applies to application, consent.create, scan, package "
                                 "build/read/push and document actions only"));
    EXPECT_TRUE(hasError(access, "access.rules[1].extra"));
    auto assigned = errorsOf("[[access.assignments]]\nprincipal = \"desk-b\"\napplications = [\"HV-*-1\"]\n"
                             "[[access.assignments]]\napplications = []\n");
    EXPECT_TRUE(hasError(assigned, "access.assignments[0].applications: \"HV-*-1\": a * may only end a prefix"));
    EXPECT_TRUE(hasError(assigned, "access.assignments[1].principal: is required"));
    EXPECT_TRUE(hasError(assigned, "access.assignments[1].applications: is required"));
}

TEST(Config, AssignmentsAloneKeepTheDefaultRules) {
    auto r = parseConfig("demo = true\n[[access.assignments]]\nprincipal = \"desk-b\"\napplications = [\"HV-*\"]\n", "t.toml");
    ASSERT_TRUE(r.config) << r.errors.at(0).str();
    EXPECT_FALSE(r.config->access.configured);
    ASSERT_EQ(r.config->access.assignments.size(), 1u);
    EXPECT_EQ(r.config->access.assignments[0].applications, std::vector<std::string>{"HV-*"});
}

TEST(Config, DemoModeListensOnTheLoopbackOnly) {
    EXPECT_TRUE(hasError(errorsOf("demo = true\n[server]\nlisten = \"0.0.0.0:8080\"\n"),
                         "server.host: demo mode (demo = true: the demo keys work) listens on the loopback only"));
    for (auto ok : {"127.0.0.1:8080", "localhost:1", "[::1]:8080"}) {
        auto r = parseConfig(std::string("demo = true\n[server]\nlisten = \"") + ok + "\"\n", "t.toml");
        EXPECT_TRUE(r.config) << ok;
    }
}

TEST(Config, EveryProblemIsReportedAtOnce) {
    auto e = errorsOf("demo = 1\nfoo = 2\n[server]\nport = 1\nio_threads = 99\n");
    EXPECT_EQ(e.size(), 6u);  // the four, and govdata.mode and marketing.mode without demo
}

TEST(Config, SyntaxErrorsHaveLineAndColumn) {
    auto e = errorsOf("[server]\nlisten = \n");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_TRUE(hasError(e, "test.toml:2:"));
}

TEST(Config, ApiKeysAreValidated) {
    auto e = errorsOf("[[auth.api_keys]]\nid = \"a\"\nsha256 = \"not-a-hash\"\nrole = \"boss\"\n"
                      "[[auth.api_keys]]\nid = \"a\"\nsha256 = \"" + kHash + "\"\nrole = \"admin\"\nsecret = 1\n");
    EXPECT_TRUE(hasError(e, "auth.api_keys[0].sha256: must be the 64 lower-case hex"));
    EXPECT_TRUE(hasError(e, "auth.api_keys[0].role: must be one of frontdesk, marketing, auditor, admin"));
    EXPECT_TRUE(hasError(e, "auth.api_keys[1].id: \"a\" is used twice"));
    EXPECT_TRUE(hasError(e, "auth.api_keys[1].secret: unknown key"));
}

TEST(Config, TlsSettingsMustBeConsistent) {
    auto e = errorsOf("[server.tls]\ncert_file = \"a.pem\"\nrequire_client_cert = true\n");
    EXPECT_TRUE(hasError(e, "server.tls: cert_file and key_file go together"));
    EXPECT_TRUE(hasError(e, "server.tls.require_client_cert: needs client_ca_file"));
}

TEST(Config, ListenParsesIpv4AndIpv6) {
    ServerConfig s;
    EXPECT_FALSE(applyListen(s, "[::1]:9090"));
    EXPECT_EQ(s.host, "::1");
    EXPECT_EQ(s.port, 9090);
    EXPECT_FALSE(applyListen(s, "0.0.0.0:0"));
    EXPECT_EQ(s.port, 0);
    EXPECT_TRUE(applyListen(s, "8080"));
    EXPECT_TRUE(applyListen(s, "host:"));
    EXPECT_TRUE(applyListen(s, "host:80a"));
}

TEST(Config, DataPathsAreUnderDataDir) {
    Config c;
    c.dataDir = "/srv/lgw";
    EXPECT_EQ(c.dataPath("gateway.db"), "/srv/lgw/gateway.db");
    EXPECT_EQ(c.dataPath("/abs/x.db"), "/abs/x.db");
}

TEST(Config, MissingFilesAreReported) {
    auto r = parseConfig("demo = true\n[server.tls]\ncert_file = \"/nonexistent/c.pem\"\nkey_file = \"/nonexistent/k.pem\"\n", "t");
    ASSERT_TRUE(r.config);
    auto errs = checkFiles(*r.config);
    ASSERT_EQ(errs.size(), 2u);
    EXPECT_EQ(errs[0].path, "server.tls.cert_file");
}

TEST(Config, ProductionMustNameTheGovernmentPlatform) {
    auto e = errorsOf("");
    ASSERT_EQ(e.size(), 2u);
    EXPECT_TRUE(hasError(e, "govdata.mode: \"simulator\" needs demo = true"));
    EXPECT_TRUE(hasError(e, "marketing.mode: \"simulator\" is for demo mode only"));
    e = errorsOf("[govdata]\nmode = \"http\"\norg_code = \"91110000MA0000DL1X\"\n");
    EXPECT_TRUE(hasError(e, "govdata.url: is required"));
    EXPECT_TRUE(hasError(e, "govdata.keys: list the platform's public keys"));
    EXPECT_TRUE(hasError(e, "govdata.org_code: must be the utility's valid unified social credit code"));
    EXPECT_TRUE(hasError(errorsOf("[marketing]\nmode = \"http\"\n"), "marketing.url: is required"));
    auto ok = parseConfig("[marketing]\nmode = \"http\"\nurl = \"https://yx.example/api/packages\"\n"
                          "[govdata]\nmode = \"http\"\nurl = \"https://gov.example:8443\"\n"
                          "[[govdata.keys]]\nkey_id = \"gov-2026\"\npublic_key_file = \"/etc/lgw/gov.pem\"\n", "t");
    EXPECT_TRUE(ok.config) << (ok.errors.empty() ? "" : ok.errors[0].str());
    // Issue 18: plain HTTP to the platform only in demo mode.
    const std::string plain = "[govdata]\nmode = \"http\"\nurl = \"http://gov.example:8080\"\n"
                              "[[govdata.keys]]\nkey_id = \"gov-2026\"\npublic_key_file = \"/etc/lgw/gov.pem\"\n";
    EXPECT_TRUE(hasError(errorsOf(plain), "govdata.url: must be https:// outside demo mode"));
    EXPECT_FALSE(hasError(errorsOf("demo = true\n" + plain), "govdata.url"));
}

TEST(Config, ConsentSection) {
    auto r = parseConfig("demo = true\n[consent]\nmax_attempts = 3\nreminder_days = [14, 2]\n"
                         "per_phone = { max = 2, window_s = 60 }\npurposes = { power_connection = \"业扩报装\" }\n", "t");
    ASSERT_TRUE(r.config) << r.errors[0].str();
    EXPECT_EQ(r.config->consent.maxAttempts, 3);
    EXPECT_EQ(r.config->consent.reminderDays, (std::vector<int>{14, 2}));
    EXPECT_EQ(r.config->consent.perPhone.max, 2);
    EXPECT_EQ(r.config->consent.purposes.at("power_connection"), "业扩报装");
    auto e = errorsOf("demo = true\n[consent]\nreminder_days = [\"x\"]\nper_phone = { max = 0, windw_s = 1 }\n");
    EXPECT_TRUE(hasError(e, "consent.reminder_days: must be a list of integers"));
    EXPECT_TRUE(hasError(e, "consent.per_phone.max: must be 1..1000000, got 0"));
    EXPECT_TRUE(hasError(e, "consent.per_phone.windw_s: unknown key"));
    auto d = parseConfig("demo = true\n", "t");
    ASSERT_TRUE(d.config);
    EXPECT_EQ(d.config->consent.maxResends, 3);
    EXPECT_EQ(d.config->consent.lifetimeS, 900);
    EXPECT_TRUE(hasError(errorsOf("demo = true\n[consent]\nlifetime_s = 120\ncode_ttl_s = 300\n"),
                         "consent.lifetime_s: must be at least code_ttl_s (300)"));
    EXPECT_TRUE(hasError(errorsOf("demo = true\n[consent]\nmax_resends = 11\n"), "consent.max_resends: must be 0..10"));
}

// Issue 22: a cloud SMS provider names what it lacks, and speaks https outside demo mode.
TEST(Config, CloudSmsProvidersNameWhatTheyLackAndNeedHttpsOutsideDemo) {
    auto tencent = errorsOf("[sms]\nkind = \"tencent_cloud\"\nendpoint = \"http://127.0.0.1:9\"\n");
    EXPECT_TRUE(hasError(tencent, "sms.endpoint: must be https:// outside demo mode"));
    EXPECT_TRUE(hasError(tencent, "sms.secret_id_file: is required when kind = \"tencent_cloud\""));
    EXPECT_TRUE(hasError(tencent, "sms.secret_key_file"));
    EXPECT_TRUE(hasError(tencent, "sms.sdk_app_id"));
    EXPECT_TRUE(hasError(tencent, "sms.sign_name"));
    EXPECT_TRUE(hasError(tencent, "give the provider's template id of consent_code"));
    auto aliyun = errorsOf("[sms]\nkind = \"aliyun\"\n[sms.templates]\nconsent_code = \"SMS_1\"\n");
    EXPECT_TRUE(hasError(aliyun, "sms.access_key_id_file"));
    EXPECT_TRUE(hasError(aliyun, "sms.access_key_secret_file"));
    EXPECT_TRUE(hasError(aliyun, "give the provider's template code of licence_expiring"));
    for (auto& e : aliyun) EXPECT_EQ(e.find("consent_code"), std::string::npos) << e;
    auto ok = parseConfig("demo = true\n[sms]\nkind = \"aliyun\"\naccess_key_id_file = \"a\"\naccess_key_secret_file = \"b\"\n"
                          "sign_name = \"合成电力\"\n[sms.templates]\nconsent_code = \"SMS_1\"\nlicence_expiring = \"SMS_2\"\n"
                          "materials_due = \"SMS_3\"\npackage_suspended = \"SMS_4\"\n",
                          "ok.toml");
    for (auto& e : ok.errors) ADD_FAILURE() << e.str();
    ASSERT_TRUE(ok.config);
    EXPECT_EQ(ok.config->sms.endpoint, "https://dysmsapi.aliyuncs.com") << "the provider's endpoint by default";
    auto demo = errorsOf("demo = true\n[sms]\nkind = \"tencent_cloud\"\nendpoint = \"http://127.0.0.1:9\"\n");
    for (auto& e : demo) EXPECT_EQ(e.find("https://"), std::string::npos) << "plain http is for demo tests: " << e;
}

// The checklist QR codes point at server.public_url: an address a phone can open, nothing else.
TEST(Config, PublicUrlIsAnAbsoluteHttpAddressWithoutQuery) {
    auto r = parseConfig("demo = true\n[server]\npublic_url = \"https://yk.example-utility.cn/\"\n", "t.toml");
    ASSERT_TRUE(r.config) << r.errors.at(0).str();
    EXPECT_EQ(r.config->server.publicUrl, "https://yk.example-utility.cn") << "the trailing slash is dropped";
    for (const char* bad : {"yk.example-utility.cn", "ftp://yk.example-utility.cn", "https://", "https://yk.example.cn/?a=1",
                            "https://yk.example.cn/#top", "https://yk example.cn", "javascript:alert(1)"}) {
        auto e = errorsOf(std::string("[server]\npublic_url = \"") + bad + "\"\n");
        EXPECT_TRUE(hasError(e, "server.public_url: must be an absolute http:// or https:// address")) << bad;
    }
}

// Issue 23: every store wait is bounded, and a bound of nothing (0) or of hours is refused.
TEST(Config, TheTimeStampingAuthorityNeedsItsCaAndAKnownRule) {
    auto r = parseConfig("demo = true\n[audit]\ntsa.url = \"https://tsa.example.cn/tsa\"\ntsa.ca_file = \"tsa-ca.pem\"\n"
                         "tsa.max_age_s = 600\ntsa.on_stale = \"refuse\"\n",
                         "t.toml");
    ASSERT_TRUE(r.config) << r.errors.at(0).str();
    EXPECT_EQ(r.config->audit.tsa.url, "https://tsa.example.cn/tsa");
    EXPECT_EQ(r.config->audit.tsa.caFile, "tsa-ca.pem");
    EXPECT_EQ(r.config->audit.tsa.maxAgeS, 600);
    EXPECT_EQ(r.config->audit.tsa.onStale, "refuse");
    EXPECT_TRUE(parseConfig("demo = true\n", "d.toml").config->audit.tsa.url.empty()) << "off by default";
    auto e = errorsOf("[audit]\ntsa.url = \"ftp://tsa\"\ntsa.on_stale = \"panic\"\ntsa.max_age_s = 0\n");
    EXPECT_TRUE(hasError(e, "audit.tsa.url: must be the TSA's http:// or https:// address"));
    EXPECT_TRUE(hasError(e, "audit.tsa.ca_file: is required with url"));
    EXPECT_TRUE(hasError(e, "audit.tsa.on_stale: must be one of"));
    EXPECT_TRUE(hasError(e, "audit.tsa.max_age_s: must be 1..604800, got 0"));
    EXPECT_TRUE(hasError(errorsOf("[audit]\ntsa.ca_file = \"x.pem\"\n"), "audit.tsa.url: is required with ca_file"));
}

TEST(Config, StoreWaitsAreBounded) {
    auto r = parseConfig("demo = true\n[store]\nstatement_timeout_ms = 8000\nlock_timeout_ms = 2000\n"
                         "pool_acquire_timeout_ms = 1500\n",
                         "t.toml");
    ASSERT_TRUE(r.config) << r.errors.at(0).str();
    EXPECT_EQ(r.config->store.statementTimeoutMs, 8000);
    EXPECT_EQ(r.config->store.lockTimeoutMs, 2000);
    EXPECT_EQ(r.config->store.poolAcquireTimeoutMs, 1500);
    auto e = errorsOf("[store]\nstatement_timeout_ms = 0\nlock_timeout_ms = 9999999\npool_acquire_timeout_ms = 5\n");
    EXPECT_TRUE(hasError(e, "store.statement_timeout_ms: must be 100..600000, got 0"));
    EXPECT_TRUE(hasError(e, "store.lock_timeout_ms: must be 100..600000"));
    EXPECT_TRUE(hasError(e, "store.pool_acquire_timeout_ms: must be 100..600000, got 5"));
    EXPECT_EQ(parseConfig("demo = true\n", "d.toml").config->store.lockTimeoutMs, 3000) << "bounded by default";
    EXPECT_EQ(parseConfig("demo = true\n", "d.toml").config->store.idleCheckMs, 1000);
    EXPECT_EQ(parseConfig("demo = true\n[store]\nidle_check_ms = 0\n", "d.toml").config->store.idleCheckMs, 0);
    EXPECT_TRUE(hasError(errorsOf("[store]\nidle_check_ms = -1\n"), "store.idle_check_ms: must be 0..3600000"));
}
