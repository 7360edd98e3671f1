#include "gateway/app/app.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>

#include <boost/json/serialize.hpp>
#include <boost/asio/co_spawn.hpp>

#include <fstream>
#include <sstream>

#include "adapters/govdata/http_gov_data_client.hpp"
#include "simulators/govdata/gov_simulator.hpp"
#include "adapters/sms/cloud_sms_senders.hpp"
#include "adapters/sms/http_sms_sender.hpp"
#include "adapters/sms/log_sms_sender.hpp"
#include "adapters/tsa/rfc3161_http_tsa.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/audit_timestamps.hpp"
#include "gateway/api/consents.hpp"
#include "gateway/api/console.hpp"
#include "gateway/services/reminder_scheduler.hpp"
#include "gateway/services/retention.hpp"
#include "gateway/api/packages.hpp"
#include "gateway/services/periodic.hpp"
#include "gateway/services/push_worker.hpp"
#include "gateway/api/scans.hpp"
#include "gateway/app/store_factory.hpp"
#include "adapters/marketing/http_marketing_client.hpp"
#include "simulators/marketing/marketing_simulator.hpp"
#include "config/materials.hpp"
#include "ofd/licence_check.hpp"
#include "security/crypto.hpp"
#include "security/key_files.hpp"
#include "gateway/http/auth.hpp"
#include "gateway/http/blocking.hpp"
#include "gateway/http/dispatcher.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/metrics.hpp"
#include "gateway/http/router.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/http/server.hpp"
#include "gateway/services/services.hpp"
#include "security/keyring.hpp"

#ifndef LGW_VERSION
#define LGW_VERSION "dev"
#endif

namespace lgw::gateway {
namespace {

// Returns "" when the keyring loads, else why not (never key bytes).
std::string checkKeyring(const config::Config& cfg) {
    if (cfg.keys.env.empty())
        if (auto bad = security::keyFileProblem(cfg.dataPath(cfg.keys.file), "keys.file")) return *bad;
    auto r = cfg.keys.env.empty() ? security::loadKeyringFile(cfg.dataPath(cfg.keys.file))
                                  : security::loadKeyringEnv(cfg.keys.env);
    if (auto* e = std::get_if<security::KeyringError>(&r)) return e->message;
    return {};
}

security::Keyring prepareKeys(const config::Config& cfg) {
    auto log = logger("keys");
    if (cfg.keys.env.empty()) {
        auto path = cfg.dataPath(cfg.keys.file);
        if (!std::filesystem::exists(path)) {
            if (!cfg.demo)
                throw std::runtime_error("keys.file: \"" + path +
                                         "\" does not exist; create it with: umask 077; printf '1 %s\\n' "
                                         "\"$(openssl rand -hex 32)\" > " + path);
            auto g = security::generateKeyringFile(path);
            if (auto* e = std::get_if<security::KeyringError>(&g)) throw std::runtime_error("keys.file: " + e->message);
            log->warn("DEMO: generated a development key file {} (mode 0600). Anyone with this file can decrypt "
                      "the documents: never use it in production.", path);
        }
    }
    if (cfg.keys.env.empty())
        if (auto bad = security::keyFileProblem(cfg.dataPath(cfg.keys.file), "keys.file")) throw std::runtime_error(*bad);
    auto r = cfg.keys.env.empty() ? security::loadKeyringFile(cfg.dataPath(cfg.keys.file))
                                  : security::loadKeyringEnv(cfg.keys.env);
    if (auto* e = std::get_if<security::KeyringError>(&r)) throw std::runtime_error("keys: " + e->message);
    auto ring = security::retireBelow(std::get<security::Keyring>(r),
                                      static_cast<std::uint32_t>(cfg.keys.minDecryptionVersion));
    if (ring.keys.empty())
        throw std::runtime_error("keys.min_decryption_version " + std::to_string(cfg.keys.minDecryptionVersion) +
                                 " retires every key in the keyring: rotate first (licence-gateway keys rotate)");
    return ring;
}

std::string readFile(const std::string& path, const std::string& what) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(what + ": cannot read \"" + path + "\"");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// A secret from an environment variable, or a file under data_dir; in demo mode a missing file is
// generated (mode 0600) with a warning. The value is never logged.
std::string loadSecret(const config::Config& cfg, const std::string& file, const std::string& env, const std::string& what,
                       bool generateInDemo = true) {
    if (!env.empty()) {
        const char* v = std::getenv(env.c_str());
        if (!v || !*v) throw std::runtime_error(what + ": environment variable " + env + " is not set");
        return v;
    }
    if (file.empty()) throw std::runtime_error(what + ": set a secret file or environment variable");
    auto path = cfg.dataPath(file);
    if (!std::filesystem::exists(path)) {
        if (!cfg.demo || !generateInDemo)
            throw std::runtime_error(what + ": \"" + path + "\" does not exist; create it with: umask 077; "
                                     "openssl rand -hex 32 > " + path);
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        if (auto err = security::writeNewKeyFile(path, security::randomId128() + security::randomId128() + "\n"))
            throw std::runtime_error(what + ": " + *err);
        logger("keys")->warn("DEMO: generated {} at {}", what, path);
    }
    if (auto bad = security::keyFileProblem(path, what)) throw std::runtime_error(*bad);
    std::string secret = readFile(path, what);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
    if (secret.size() < 16) throw std::runtime_error(what + ": \"" + path + "\" holds fewer than 16 characters");
    return secret;
}

// The key that signs audit checkpoints (P-256, or SM2 in national mode). Generated in demo mode;
// required otherwise. It signs with its own algorithm, whatever the suite.
security::PrivateKey loadAuditKey(const config::Config& cfg) {
    auto path = cfg.dataPath(cfg.audit.signingKeyFile);
    if (!std::filesystem::exists(path)) {
        if (!cfg.demo)
            throw std::runtime_error("audit.signing_key_file: \"" + path + "\" does not exist; create it with: " +
                                     std::string(cfg.crypto.national() ? "openssl genpkey -algorithm SM2 -out "
                                                            : "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ") +
                                     path);
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        auto key = security::PrivateKey::generate(cfg.crypto.national() ? security::SignatureAlg::kSm2Sm3
                                                                        : security::SignatureAlg::kEcdsaP256Sha256);
        if (auto err = security::writeNewKeyFile(path, key.pem())) throw std::runtime_error("audit.signing_key_file: " + *err);
        std::ofstream(path + ".pub") << key.publicKey().pem();
        logger("keys")->warn("DEMO: generated the audit checkpoint signing key {} (public key {}.pub)", path, path);
    }
    if (auto bad = security::keyFileProblem(path, "audit.signing_key_file")) throw std::runtime_error(*bad);
    auto key = security::PrivateKey::fromPem(readFile(path, "audit.signing_key_file"));
    if (!key) throw std::runtime_error("audit.signing_key_file: \"" + path + "\" is not a PEM private key");
    return *key;
}

// The config as given, unless demo mode would listen beyond the loopback (after --listen too).
config::Config refuseDemoOffLoopback(config::Config c) {
    if (auto e = config::demoListenProblem(c)) throw std::runtime_error(e->str());
    return c;
}

}  // namespace

security::MarkKey loadMarkKey(const config::Config& cfg, bool generateInDemo) {
    return security::MarkKey::derive(loadSecret(cfg, cfg.keys.watermarkSecretFile, cfg.keys.watermarkSecretEnv,
                                                "keys.watermark_secret_file", generateInDemo));
}

namespace {
// The outbox figures /metrics shows, as last read on the blocking pool.
struct OutboxGauge {
    std::atomic<bool> known{false};
    std::atomic<std::int64_t> depth{0}, oldestAgeMs{0}, delivered{0}, deadLetters{0};
};
}  // namespace

struct App::Impl {
    Impl(config::Config c, std::shared_ptr<const Clock> clock)
        : cfg(refuseDemoOffLoopback(std::move(c))),
          metrics(LGW_VERSION),
          opened(openStore(cfg)),
          store(std::move(opened.store)),
          blocking(cfg.server.blockingThreads),
          auth(cfg.auth, cfg.demo),
          services{cfg, *store, blocking, metrics, [this] { return checkKeyring(cfg); },
                   clock ? std::move(clock) : std::make_shared<SystemClock>()},
          dispatcher(router, auth, metrics, cfg.server.bodyLimitBytes, cfg.server.headerLimitBytes),
          auditor(*store, blocking, metrics, services.clock, loadAuditKey(cfg), cfg.audit.checkpointEvery,
                  auditHasher(cfg.crypto.national())) {
        services.access = std::make_shared<AccessPolicy>(cfg.access);
        services.markKey = loadMarkKey(cfg, true);
        auto ring = prepareKeys(cfg);
        server = std::make_unique<Server>(cfg.server, dispatcher);
        vault = openVault(cfg, opened, std::move(ring));
        setUpGovData();
        setUpSms();
        setUpTimestamps();
        std::string consentSecret = loadSecret(cfg, cfg.consent.secretFile, cfg.consent.secretEnv, "consent code secret");
        // Subjects in the audit trail as keyed references, under a key of their own derived from
        // the consent secret (a new secret: old events are still found by their reference).
        auditor.referenceSubjectsWith(security::hmacSha256(consentSecret, "lgw audit subject reference v1"));
        std::string consentText = readFile(cfg.consent.textFile, "consent.text_file");
        consents = std::make_unique<ConsentService>(ConsentService::Deps{services, auditor, *gov, *sms, *vault, platformKeys,
                                                                          consentSecret, security::sha256Hex(consentText),
                                                                          consentText, ofdTrust});
        addOpsRoutes(router, services);
        addApplicationRoutes(router, services, auditor);
        addIdentityCodeRoutes(router, services);
        addConsentRoutes(router, services, auditor, *consents);
        addAuditRoutes(router, services, auditor);
        addDocumentRoutes(router, services, auditor, *vault);
        scans = std::make_unique<ScanService>(services, auditor, *vault);
        scans->addRoutes(router);
        setUpPackages();
        console = std::make_unique<ConsoleService>(services, auditor, auth, server->tls());
        console->addRoutes(router);
        dispatcher.onSession(console->hooks());
        // A request turned away by the access policy at its route is one audit event too.
        dispatcher.onDenied([this](const HttpRequest& req, const Route& route, const std::string& reason) {
            return recordDenial(req, route, reason);
        });
        scheduler = std::make_unique<ReminderScheduler>(services, *sms, auditor);
    }

    ~Impl() {
        if (simulator) simulator->stop();
        if (marketingSim) marketingSim->stop();
    }

    asio::awaitable<void> recordDenial(const HttpRequest& req, const Route& route, std::string reason) {
        store::AuditEvent e;
        e.actor = req.principal ? req.principal->id : "";
        e.role = req.principal ? req.principal->role : "";
        e.action = "access.denied";
        e.target = route.method + " " + route.pattern;
        e.outcome = "denied";
        e.alert = true;  // API.md: the alert list holds denied accesses
        e.requestId = req.requestId;
        e.detailJson = boost::json::serialize(boost::json::object{{"reason", reason}});
        co_await auditor.record(std::move(e));
    }

    // RFC 3161 time-stamps on the audit checkpoints, when audit.tsa.url is set (issue 22).
    void setUpTimestamps() {
        const auto& t = cfg.audit.tsa;
        if (t.url.empty()) return;
        adapters::tsa::Rfc3161HttpOptions o;
        o.url = t.url;
        o.caPem = readFile(t.caFile, "audit.tsa.ca_file");
        o.timeoutMs = t.timeoutMs;
        try {
            tsa = std::make_unique<adapters::tsa::Rfc3161HttpTsa>(server->executor(), o);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("audit.tsa (" + t.caFile + "): " + e.what());
        }
        timestamps = std::make_unique<AuditTimestamper>(
            services, auditor, *tsa, AuditTimestamper::Options{t.maxAgeS * 1000LL, t.onStale == "refuse"});
        services.timestampRefusal = [ts = timestamps.get()] { return ts->refusal(); };
        logger("audit")->info("audit checkpoints are time-stamped by {} (max_age_s={}, on_stale={})", t.url, t.maxAgeS,
                              t.onStale);
    }

    static ofd::TrustAnchors ofdAnchorsFrom(const std::string& pem, const std::string& what) {
        std::string error;
        auto anchors = ofd::TrustAnchors::fromPem(pem, &error);
        if (!anchors) throw std::runtime_error("OFD trust anchors " + what + ": " + error);
        return *anchors;
    }
    void addOfdAnchors(const std::string& pem, const std::string& what) {
        if (!ofdTrust) ofdTrust.emplace();
        ofdTrust->anchors.add(ofdAnchorsFrom(pem, what));
    }

    void setUpGovData() {
        auto& g = cfg.govdata;
        std::string appSecret = loadSecret(cfg, g.appSecretFile, g.appSecretEnv, "government platform app secret");
        std::string url = g.url;
        if (g.mode == "simulator") {
            adapters::govdata::GovSimOptions o;
            o.holdersFile = cfg.govsim.holdersFile;
            o.keyFile = cfg.dataPath(cfg.govsim.keyFile);
            o.keyId = cfg.govsim.keyId;
            o.appId = g.appId;
            o.appSecret = appSecret;
            o.testMode = cfg.govsim.testMode;
            o.faults.latencyMs = cfg.govsim.latencyMs;
            o.licenceFiles = cfg.govsim.licenceFiles;
            o.ofdPkiSeed = cfg.govsim.ofdPkiSeed;
            simulator = std::make_unique<adapters::govdata::GovSimulator>(o);
            simulator->start();
            url = simulator->baseUrl();
            platformKeys.emplace(simulator->keyId(), *security::PublicKey::fromPem(simulator->publicKeyPem()));
            addOfdAnchors(simulator->ofdRootPem(), "the simulator's seal root");
            // Beside its key, for `ofd verify --trust-anchor` on a downloaded licence.
            std::ofstream(o.keyFile + ".ofd-root.pem") << simulator->ofdRootPem();
            logger("govdata")->warn("DEMO: using the in-process government platform simulator at {} ({} synthetic holders)",
                                    url, simulator->holderCount());
        } else {
            for (auto& k : g.keys) {
                auto pem = readFile(k.publicKeyFile, "govdata.keys " + k.keyId);
                auto key = security::PublicKey::fromPem(pem);
                if (!key) throw std::runtime_error("govdata.keys " + k.keyId + ": " + k.publicKeyFile +
                                                   " is not an SM2 or P-256 public key in PEM");
                platformKeys.emplace(k.keyId, *key);
            }
        }
        for (const auto& f : g.ofdTrustAnchors) addOfdAnchors(readFile(f, "govdata.ofd_trust_anchors"), f);
        if (!g.ofdSealMakerAnchors.empty()) {
            ofd::TrustAnchors makers;
            for (const auto& f : g.ofdSealMakerAnchors) makers.add(ofdAnchorsFrom(readFile(f, "govdata.ofd_seal_maker_anchors"), f));
            if (!ofdTrust) ofdTrust.emplace();
            ofdTrust->sealMakerAnchors = std::move(makers);
        }
        adapters::govdata::GovClientOptions o;
        o.http.baseUrl = url;
        o.http.timeoutMs = g.timeoutMs;
        o.http.maxIdle = static_cast<std::size_t>(g.maxIdleConnections);
        o.http.caFile = g.caFile;
        o.appId = g.appId;
        o.appSecret = appSecret;
        o.retries = g.retries;
        o.backoffBaseMs = g.backoffBaseMs;
        o.backoffCapMs = g.backoffCapMs;
        o.breakerFailures = g.breakerFailures;
        o.breakerCooldownMs = g.breakerCooldownMs;
        Metrics* m = &metrics;
        o.observe = [m](const char* op, const char* outcome, double) {
            m->count("lgw_upstream_calls_total",
                     std::string("upstream=\"govdata\",op=\"") + op + "\",outcome=\"" + outcome + "\"");
        };
        // One clock: the breaker's cooldown runs on the gateway's (a FakeClock in tests).
        o.steadyNow = [clock = services.clock] { return clock->steadyNow(); };
        auto client = std::make_unique<adapters::govdata::HttpGovDataClient>(server->executor(), o);
        auto* raw = client.get();
        services.govCircuitState = [raw] { return std::string(adapters::govdata::toString(raw->breakerState())); };
        metrics.addCollector([raw](std::string& out) {
            out += "# HELP lgw_upstream_circuit_open 1 while the circuit to the upstream is open (or half open).\n"
                   "# TYPE lgw_upstream_circuit_open gauge\n";
            out += std::string("lgw_upstream_circuit_open{upstream=\"govdata\"} ") +
                   (raw->breakerState() == adapters::govdata::CircuitBreaker::State::kClosed ? "0" : "1") + "\n";
        });
        gov = std::move(client);
    }

    // The checklists, the marketing system (its in-process simulator in demo mode), the routes and
    // the push worker.
    void setUpPackages() {
        auto& m = cfg.marketing;
        auto loaded = config::loadMaterialsFile(m.materialsFile);
        if (!loaded.materials) {
            std::string all;
            for (auto& e : loaded.errors) all += "\n  " + e.str();
            throw std::runtime_error("marketing.materials_file \"" + m.materialsFile + "\":" + all);
        }
        materials = std::move(*loaded.materials);
        std::string secret = loadSecret(cfg, m.secretFile, m.secretEnv, "marketing system signing secret");
        std::string url = m.url;
        if (m.mode == "simulator") {
            adapters::marketing::MarketingSimOptions o;
            o.secret = secret;
            o.dbFile = cfg.dataPath(m.simDbFile);
            marketingSim = std::make_unique<adapters::marketing::MarketingSimulator>(o);
            marketingSim->start();
            url = marketingSim->url();
            logger("marketing")->warn("DEMO: packages go to the in-process marketing-system receiver at {} (received "
                                      "packages in {})", url, o.dbFile);
        }
        marketingClient = std::make_unique<adapters::marketing::HttpMarketingClient>(server->executor(), url, secret, m.timeoutMs);
        pushWorker = std::make_unique<PushWorker>(services, auditor, *vault, *marketingClient);
        PushWorker* worker = pushWorker.get();
        packages = std::make_unique<PackageService>(
            PackageService::Deps{services, auditor, materials, [worker] { worker->wake(); }});
        addPackageRoutes(router, services, auditor, *packages);
        // Without server.public_url the QR codes point at the listen address: right for a demo on one machine.
        const std::string publicBase = cfg.server.publicUrl.empty()
                                           ? std::string(server->tls() ? "https://" : "http://") + server->listenAddress()
                                           : cfg.server.publicUrl;
        addChecklistRoutes(router, services, materials, publicBase);
        // Issue 18: a scrape (no authentication) queried the store on the I/O thread. The gauge is
        // refreshed on the blocking pool on the push worker's cadence (refreshOutboxGauge, started
        // by run()); a scrape only reads the last values.
        std::shared_ptr<OutboxGauge> gauge = outboxGauge;
        metrics.addCollector([gauge](std::string& out) {
            if (!gauge->known.load()) return;  // not read yet, or the store failed: /readyz says which
            store::OutboxStats s;
            s.depth = gauge->depth.load();
            s.oldestAgeMs = gauge->oldestAgeMs.load();
            s.delivered = gauge->delivered.load();
            s.deadLetters = gauge->deadLetters.load();
            out += "# HELP lgw_outbox_depth Packages queued for the marketing system and not yet delivered nor dead.\n"
                   "# TYPE lgw_outbox_depth gauge\nlgw_outbox_depth " + std::to_string(s.depth) + "\n";
            out += "# HELP lgw_outbox_oldest_age_seconds Age of the oldest undelivered package.\n"
                   "# TYPE lgw_outbox_oldest_age_seconds gauge\nlgw_outbox_oldest_age_seconds " +
                   std::to_string(static_cast<double>(s.oldestAgeMs) / 1000.0) + "\n";
            out += "# HELP lgw_outbox_delivered Packages delivered.\n# TYPE lgw_outbox_delivered gauge\nlgw_outbox_delivered " +
                   std::to_string(s.delivered) + "\n";
            out += "# HELP lgw_outbox_dead_letters Packages in dead_letter.\n# TYPE lgw_outbox_dead_letters gauge\n"
                   "lgw_outbox_dead_letters " + std::to_string(s.deadLetters) + "\n";
        });
    }

    // One refresh of the outbox gauge, on the blocking pool; a failing store leaves it unknown.
    asio::awaitable<int> refreshOutboxGauge() {
        std::function<std::optional<store::OutboxStats>()> job = [this]() -> std::optional<store::OutboxStats> {
            try {
                return store->outboxStats(services.nowMs());
            } catch (const std::exception&) {
                return std::nullopt;
            }
        };
        auto s = co_await blocking.call(std::move(job));
        if (s) {
            outboxGauge->depth = s->depth;
            outboxGauge->oldestAgeMs = s->oldestAgeMs;
            outboxGauge->delivered = s->delivered;
            outboxGauge->deadLetters = s->deadLetters;
        }
        outboxGauge->known = s.has_value();
        co_return 0;
    }

    void setUpSms() {
        auto& m = cfg.sms;
        if (m.kind == "log") {
            BlockingPool* pool = &blocking;
            adapters::sms::Offload offload = [pool](std::function<void()> job) { return pool->run(std::move(job)); };
            sms = std::make_unique<adapters::sms::LogSmsSender>(cfg.dataPath(m.logFile), offload);
            return;
        }
        if (m.kind == "tencent_cloud" || m.kind == "aliyun") {
            const bool tencent = m.kind == "tencent_cloud";
            adapters::sms::CloudSmsOptions o;
            o.http.baseUrl = m.endpoint;
            o.http.timeoutMs = m.timeoutMs;
            o.keyId = loadSecret(cfg, tencent ? m.secretIdFile : m.accessKeyIdFile, "",
                                 tencent ? "Tencent Cloud SecretId" : "Alibaba Cloud AccessKey ID", false);
            o.keySecret = loadSecret(cfg, tencent ? m.secretKeyFile : m.accessKeySecretFile, "",
                                     tencent ? "Tencent Cloud SecretKey" : "Alibaba Cloud AccessKey secret", false);
            o.region = m.region;
            o.sdkAppId = m.sdkAppId;
            o.signName = m.signName;
            o.templates = m.templates;
            o.retries = m.retries;
            auto clock = services.clock;
            o.nowMs = [clock] { return clock->nowMs(); };
            if (tencent) sms = std::make_unique<adapters::sms::TencentSmsSender>(server->executor(), o);
            else sms = std::make_unique<adapters::sms::AliyunSmsSender>(server->executor(), o);
            return;
        }
        adapters::sms::HttpSmsOptions o;
        o.http.baseUrl = m.url;
        o.http.timeoutMs = m.timeoutMs;
        o.path = m.path;
        o.appId = m.appId;
        o.appSecret = loadSecret(cfg, m.secretFile, m.secretEnv, "SMS provider secret");
        o.retries = m.retries;
        sms = std::make_unique<adapters::sms::HttpSmsSender>(server->executor(), o);
    }

    config::Config cfg;
    Metrics metrics;
    OpenedStore opened;  ///< its store moves to `store`; `postgres` stays for the vault
    std::unique_ptr<store::Store> store;
    BlockingPool blocking;
    Authenticator auth;
    Router router;
    Services services;
    Dispatcher dispatcher;
    Auditor auditor;
    std::unique_ptr<Server> server;
    std::unique_ptr<adapters::blob::EnvelopeVault> vault;
    std::unique_ptr<ScanService> scans;
    std::unique_ptr<ConsoleService> console;
    std::unique_ptr<adapters::govdata::GovSimulator> simulator;
    security::PlatformKeys platformKeys;
    std::optional<ofd::LicenceFileTrust> ofdTrust;  // govdata.ofd_trust_anchors (+ the simulator's root)
    std::unique_ptr<adapters::govdata::GovDataPlatform> gov;
    std::unique_ptr<adapters::sms::SmsSender> sms;
    std::unique_ptr<adapters::tsa::TimeStampAuthority> tsa;
    std::unique_ptr<AuditTimestamper> timestamps;
    std::unique_ptr<ConsentService> consents;
    std::unique_ptr<ReminderScheduler> scheduler;
    config::Materials materials;
    std::unique_ptr<adapters::marketing::MarketingSimulator> marketingSim;
    std::unique_ptr<adapters::marketing::MarketingSystem> marketingClient;
    std::unique_ptr<PackageService> packages;
    std::shared_ptr<OutboxGauge> outboxGauge = std::make_shared<OutboxGauge>();
    std::unique_ptr<PushWorker> pushWorker;
};

App::App(config::Config cfg) : App(std::move(cfg), nullptr) {}

const Router& App::router() const { return impl_->router; }

App::App(config::Config cfg, std::shared_ptr<const Clock> clock)
    : impl_(std::make_unique<Impl>(std::move(cfg), std::move(clock))) {
    auto log = logger("main");
    auto& c = impl_->cfg;
    if (c.demo)
        log->warn("DEMO MODE (demo = true): the demo API keys demo-frontdesk, demo-marketing, demo-auditor and "
                  "demo-admin are accepted ({} loaded). Never run a production gateway in demo mode.",
                  impl_->auth.demoKeyCount());
    if (!impl_->server->tls() && c.server.host != "127.0.0.1" && c.server.host != "::1" && c.server.host != "localhost")
        log->warn("serving plain HTTP on {}: configure server.tls or put a TLS proxy in front",
                  impl_->server->listenAddress());
    if (c.server.publicUrl.empty() && !c.demo)
        log->warn("server.public_url is not set: the checklist QR codes point at {}, which customers' phones "
                  "probably cannot reach", impl_->server->listenAddress());
    if (impl_->auth.keyCount() == 0 && c.auth.clientCerts.empty())
        log->warn("no API keys or client certificates are configured: every /v1 route will answer 401");
}

App::~App() = default;

const config::Config& App::config() const { return impl_->cfg; }
Server& App::server() { return *impl_->server; }

void App::run(bool handleSignals) {
    auto& c = impl_->cfg;
    logger("main")->info("licence-gateway {} listening on {}://{} data_dir={} store={}", LGW_VERSION,
                         impl_->server->tls() ? "https" : "http", impl_->server->listenAddress(), c.dataDir,
                         impl_->opened.description);
    asio::co_spawn(impl_->server->executor(), impl_->scheduler->run(), [](std::exception_ptr e) {
        if (e) logger("scheduler")->error("reminder scheduler stopped unexpectedly");
    });
    asio::co_spawn(impl_->server->executor(), runRetention(impl_->services, impl_->auditor), [](std::exception_ptr e) {
        if (e) logger("retention")->error("retention stopped unexpectedly");
    });
    asio::co_spawn(impl_->server->executor(), impl_->pushWorker->run(), [](std::exception_ptr e) {
        if (e) logger("push")->error("push worker stopped unexpectedly");
    });
    if (impl_->timestamps)
        asio::co_spawn(impl_->server->executor(), impl_->timestamps->run(), [](std::exception_ptr e) {
            if (e) logger("audit")->error("audit time-stamping stopped unexpectedly");
        });
    const auto gaugeEveryMs = std::clamp<std::int64_t>(c.marketing.pollIntervalMs, 50, 10000);
    Impl* impl = impl_.get();
    asio::co_spawn(impl_->server->executor(),
                   runPeriodically("metrics", "outbox gauge refresh", gaugeEveryMs, [impl] { return impl->refreshOutboxGauge(); }),
                   [](std::exception_ptr e) {
                       if (e) logger("metrics")->error("outbox gauge refresh stopped unexpectedly");
                   });
    impl_->server->run(handleSignals);
    impl_->blocking.join();
    logger("main")->info("stopped");
}

void App::requestShutdown() { impl_->server->requestShutdown(); }

}  // namespace lgw::gateway
