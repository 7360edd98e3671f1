#pragma once
// Real processes on loopback for the push reliability tests: the gateway binary (`serve`), the
// marketing receiver (`marketing-sim`) and the operator's CLI, each started with fork + exec, their
// output kept in a log file the failure message names. Packages are seeded on the store as the
// gateway would write them, so that a test measures delivery, not package building.
#include <fcntl.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "adapters/blob/encrypted_file_vault.hpp"
#include "adapters/store/sqlite_store.hpp"
#include "imaging/canvas.hpp"
#include "security/crypto.hpp"

namespace lgw::testing {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

inline bool waitUntil(const std::function<bool()>& done, std::chrono::seconds limit) {
    auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

/// A port nothing listens on right now (bound, read and released; the kernel does not hand it out
/// again at once).
inline std::uint16_t freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

/// A child process running the gateway binary with `args`; killed (SIGKILL) if still running when
/// destroyed.
class Process {
public:
    Process(const std::vector<std::string>& args, const fs::path& log, const std::map<std::string, std::string>& env) {
        pid_ = ::fork();
        if (pid_ == 0) {
            int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::setenv("OMP_THREAD_LIMIT", "1", 1);
            for (auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
            // LGW_BINARY_UNDER_TEST runs the same tests against another build (an older release, to
            // see that a test fails where the defect is).
            const char* binary = std::getenv("LGW_BINARY_UNDER_TEST") ? std::getenv("LGW_BINARY_UNDER_TEST") : LGW_BINARY;
            std::vector<char*> argv{const_cast<char*>(binary)};
            for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(binary, argv.data());
            ::_exit(127);
        }
    }
    ~Process() {
        if (running()) kill(SIGKILL);
        if (pid_ > 0 && !reaped_) ::waitpid(pid_, &status_, 0);
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    bool running() {
        if (pid_ <= 0 || reaped_) return false;
        if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
        return !reaped_;
    }
    /// Sends `sig` and waits for the exit; returns the exit code (128 + signal when killed).
    int kill(int sig) {
        if (running()) ::kill(pid_, sig);
        return wait();
    }
    int wait() {
        if (!reaped_ && pid_ > 0) {
            ::waitpid(pid_, &status_, 0);
            reaped_ = true;
        }
        if (WIFEXITED(status_)) return WEXITSTATUS(status_);
        if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
        return -1;
    }

private:
    pid_t pid_ = -1;
    int status_ = 0;
    bool reaped_ = false;
};

/// The gateway binary serving DIR/gateway.toml from a directory of its own, its output in
/// DIR/gateway.log, on a free loopback port. The directory is removed when the test passed and kept
/// (with the log the failure message names) when it failed. The ownership and hostile-client tests
/// both start their gateway through this.
class ServedBinary {
public:
    explicit ServedBinary(const std::string& tag)
        : dir(fs::temp_directory_path() / ("lgw-" + tag + "-" + security::randomId128().substr(0, 8))),
          port(freePort()) {
        fs::create_directories(dir);
    }
    ~ServedBinary() {
        process.reset();
        std::error_code ec;
        if (!::testing::Test::HasFailure()) fs::remove_all(dir, ec);
    }
    ServedBinary(const ServedBinary&) = delete;
    ServedBinary& operator=(const ServedBinary&) = delete;

    fs::path configPath() const { return dir / "gateway.toml"; }
    /// Writes `configText` as the config and runs `serve --config DIR/gateway.toml extraArgs...`.
    void start(const std::string& configText, const std::vector<std::string>& extraArgs = {}) {
        std::ofstream(configPath()) << configText;
        std::vector<std::string> args{"serve", "--config", configPath().string()};
        args.insert(args.end(), extraArgs.begin(), extraArgs.end());
        process = std::make_unique<Process>(args, dir / "gateway.log", std::map<std::string, std::string>{});
    }
    /// Waits until `serving` holds or the process ends; true when it serves (and still runs).
    bool waitServing(const std::function<bool()>& serving, std::chrono::seconds limit = std::chrono::seconds(30)) {
        return waitUntil([&] { return !process->running() || serving(); }, limit) && process->running();
    }
    std::string log() const {
        std::ifstream in(dir / "gateway.log");
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    fs::path dir;
    std::uint16_t port = 0;
    std::unique_ptr<Process> process;
};

/// A small page standing in for a scanned identity document.
inline std::string smallScanPng() {
    imaging::Canvas page(240, 170, {250, 250, 245});
    page.fillRect(20, 20, 120, 16, {30, 30, 30});
    return page.encodePng();
}

/// Package PKG-<prefix>-<n> of application YK-<prefix>-<n>, carrying one scanned identity document,
/// written as the gateway's package service would (status built, not queued). Returns its id.
inline std::string seedPackage(store::Store& st, adapters::blob::DocumentVault& vault, const std::string& prefix, int i,
                               const std::string& png) {
    namespace json = boost::json;
    std::string n = std::to_string(i), app = "YK-" + prefix + "-" + n, pkg = "PKG-" + prefix + "-" + n;
    st.upsertApplication({app, "low_voltage_residential", "合成示例", "13800001111", "frontdesk", 1, 1});
    store::DocumentMeta d;
    d.id = "doc-" + prefix + "-" + n;
    d.applicationId = app;
    d.source = "scan";
    d.docType = "id_card_front";
    d.contentType = "image/png";
    d.createdBy = "frontdesk";
    d.createdAt = 1;
    vault.put(d, png);
    st.insertDocument(d);
    json::object body{{"package_id", pkg}, {"application_id", app}, {"customer_category", "low_voltage_residential"},
                      {"complete", false}, {"status", "built"},
                      {"items", json::array{json::object{{"material", "identity_proof"}, {"status", "present"},
                                                         {"document_id", d.id}, {"source", "scan"},
                                                         {"doc_type", "id_card_front"}}}},
                      {"deficiencies", json::array{}}};
    st.insertPackage({pkg, app, "built", false, json::serialize(body), 1});
    return pkg;
}

/// A temporary deployment: data directory, key file, shared marketing secret, configs for the
/// gateway and the receiver, and the packages seeded into the gateway's store.
class PushDeployment {
public:
    static constexpr const char* kSecretEnv = "LGW_PUSH_TEST_SECRET";
    static constexpr const char* kSecret = "marketing-secret-for-push-tests-0123456789";

    explicit PushDeployment(const std::string& tag) {
        dir = fs::temp_directory_path() / ("lgw-" + tag + "-" + security::randomId128().substr(0, 8));
        fs::create_directories(dir / "keys");
        kek_ = security::toHex(security::randomBytes(32));
        std::ofstream(dir / "keys" / "kek.keyring") << "1 " << kek_ << "\n";
        fs::permissions(dir / "keys" / "kek.keyring", fs::perms::owner_read | fs::perms::owner_write);
        receiverPort = freePort();
        gatewayPort = freePort();
    }
    ~PushDeployment() {
        std::error_code ec;
        if (!::testing::Test::HasFailure()) fs::remove_all(dir, ec);
    }

    fs::path dbPath() const { return dir / "gateway.db"; }
    fs::path receiverDb() const { return dir / "received.db"; }
    fs::path log() const { return dir / "processes.log"; }
    std::string receiverUrl() const { return "http://127.0.0.1:" + std::to_string(receiverPort) + "/api/packages"; }

    /// `count` queued packages, one scanned identity document each; returns their ids.
    std::vector<std::string> seedPackages(int count, const std::string& prefix) {
        store::SqliteStore st({dbPath().string(), 5000});
        security::Keyring ring;
        ring.keys[1] = *security::fromHex(kek_);
        adapters::blob::EncryptedFileVault vault((dir / "blobs").string(), ring);
        const std::string png = smallScanPng();
        std::vector<std::string> ids;
        for (int i = 0; i < count; ++i) {
            ids.push_back(seedPackage(st, vault, prefix, i, png));
            if (st.enqueuePush(ids.back(), 1) != store::EnqueueOutcome::kQueued) throw std::runtime_error("enqueue " + ids.back());
        }
        return ids;
    }

    /// The gateway's config: the receiver over HTTP, quick polls and short backoff so that tests
    /// run in seconds; `extraMarketing` appends lines to [marketing].
    fs::path writeGatewayConfig(const std::string& extraMarketing = "") const {
        const std::string src = std::getenv("LGW_SOURCE_DIR");
        auto config = dir / "gateway.toml";
        std::ofstream(config) << "demo = true\n"
                              << "data_dir = \"" << dir.string() << "\"\n"
                              << "[server]\nlisten = \"127.0.0.1:" << gatewayPort << "\"\n"
                              << "[log]\nlevel = \"warn\"\n"
                              << "[[auth.api_keys]]\nid = \"demo-admin\"\nrole = \"admin\"\ndemo = true\n"
                              << "sha256 = \"cce7a2cf1ae045989cfc914fb95a41526f167a838b3c7d33745143614abace7c\"\n"
                              << "[consent]\ntext_file = \"" << src << "/config/consent_text.txt\"\n"
                              << "[govsim]\nholders_file = \"" << src << "/config/govsim/holders.json\"\n"
                              << "[marketing]\nmaterials_file = \"" << src << "/config/materials.toml\"\n"
                              << "mode = \"http\"\nurl = \"" << receiverUrl() << "\"\n"
                              << "secret_env = \"" << kSecretEnv << "\"\n"
                              << "sim_db_file = \"" << receiverDb().string() << "\"\n"
                              << "poll_interval_ms = 20\nbatch = 8\nlease_ms = 1000\n"
                              << extraMarketing;
        return config;
    }

    std::map<std::string, std::string> env() const { return {{kSecretEnv, kSecret}}; }

    std::unique_ptr<Process> startGateway(const fs::path& config) const {
        return std::make_unique<Process>(std::vector<std::string>{"serve", "--config", config.string()}, log(), env());
    }
    /// `licence-gateway marketing-sim` on the fixed receiver port, with the fault control route.
    std::unique_ptr<Process> startReceiver(const fs::path& config) const {
        auto p = std::make_unique<Process>(
            std::vector<std::string>{"marketing-sim", "--config", config.string(), "--listen",
                                     "127.0.0.1:" + std::to_string(receiverPort), "--test-mode"},
            log(), env());
        return p;
    }
    int runCli(const std::vector<std::string>& args) const {
        Process p(args, log(), env());
        return p.wait();
    }

    /// Idempotency keys the receiver holds, with how many rows each (the key is its primary key,
    /// so more than one would be a broken receiver; the test counts anyway).
    std::map<std::string, int> received() const {
        std::map<std::string, int> out;
        if (!fs::exists(receiverDb())) return out;
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(receiverDb().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            return out;
        }
        sqlite3_busy_timeout(db, 2000);
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT idempotency_key FROM received", -1, &s, nullptr) == SQLITE_OK)
            while (sqlite3_step(s) == SQLITE_ROW) out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] += 1;
        sqlite3_finalize(s);
        sqlite3_close(db);
        return out;
    }

    fs::path dir;
    std::uint16_t receiverPort = 0;
    std::uint16_t gatewayPort = 0;

private:
    std::string kek_;
};

}  // namespace lgw::testing
