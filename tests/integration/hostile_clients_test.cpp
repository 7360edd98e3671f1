// Black-box: what any client on the network can send to the real licence-gateway binary, over raw
// sockets on loopback, must never stop it, hold its memory or its connection pool, or be accepted
// against RFC 9112. One test per way that once worked from outside (issue 15); each is bounded in
// connections, bytes and time, and checks afterwards that the process still runs and answers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "tests/common/blank_page.hpp"
#include "tests/integration/process_harness.hpp"

namespace lgw::testing {
namespace {

using namespace std::chrono_literals;

const std::string kFrontDesk = "Authorization: Bearer demo-frontdesk\r\n";
constexpr long kRssCeilingKb = 200 * 1024;  // the issue's bound for one hostile connection
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's shadow memory and quarantine put an idle gateway near 200 MB already: there the
// bound is on what the attack adds to the gateway's peak once it is up.
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
constexpr long kSanitizedGrowthKb = 100 * 1024;

/// A raw connection, plain or TLS, from a chosen loopback address (so that tests can be several clients).
class Raw {
public:
    Raw(std::uint16_t port, const char* from = "127.0.0.1", SSL_CTX* tls = nullptr) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in src{};
        src.sin_family = AF_INET;
        ::inet_pton(AF_INET, from, &src.sin_addr);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src);
        sockaddr_in dst{};
        dst.sin_family = AF_INET;
        dst.sin_port = htons(port);
        dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0;
        readTimeout(5);
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connected_ && tls) {
            ssl_ = SSL_new(tls);
            SSL_set_fd(ssl_, fd_);
            connected_ = SSL_connect(ssl_) == 1;
        }
    }
    ~Raw() {
        if (ssl_) SSL_free(ssl_);
        if (fd_ >= 0) ::close(fd_);
    }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;

    bool connected() const { return connected_; }
    int fd() const { return fd_; }

    /// False once the peer stops taking bytes (closed or reset).
    bool send(std::string_view data) {
        while (!data.empty()) {
            long n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)))
                          : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    /// Up to `max` bytes; "" when the peer closed, timed out or reset.
    std::string receive(std::size_t max = 65536) {
        std::string buf(max, '\0');
        long n = ssl_ ? SSL_read(ssl_, buf.data(), static_cast<int>(max)) : ::recv(fd_, buf.data(), max, 0);
        buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return buf;
    }

    struct Reply {
        int status = 0;  ///< 0: the connection closed without an answer
        std::string head, body;
        std::string code() const {
            boost::system::error_code ec;
            auto v = boost::json::parse(body, ec);
            if (ec || !v.is_object() || !v.as_object().contains("code")) return {};
            return std::string(v.as_object().at("code").as_string());
        }
    };
    /// One response: its head, then a Content-Length body.
    Reply reply() {
        Reply r;
        std::string data;
        std::size_t end;
        while ((end = data.find("\r\n\r\n")) == std::string::npos) {
            auto more = receive();
            if (more.empty()) return r;
            data += more;
        }
        r.head = data.substr(0, end);
        if (r.head.size() > 12) r.status = std::atoi(r.head.c_str() + 9);
        std::string rest = data.substr(end + 4);
        auto cl = r.head.find("Content-Length: ");
        std::size_t length = cl == std::string::npos ? 0 : std::stoul(r.head.substr(cl + 16));
        while (rest.size() < length) {
            auto more = receive();
            if (more.empty()) break;
            rest += more;
        }
        r.body = rest.substr(0, length);
        return r;
    }
    /// How long one receive may wait before the reply counts as none (status 0).
    void readTimeout(int seconds) {
        timeval tv{seconds, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    /// True when the peer closes (EOF or reset) within `limit`, whatever it sends before.
    bool closesWithin(std::chrono::milliseconds limit) {
        auto until = Clock::now() + limit;
        while (Clock::now() < until) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char c[4096];
            long n = ssl_ ? SSL_read(ssl_, c, sizeof c) : ::recv(fd_, c, sizeof c, MSG_DONTWAIT);
            if (n <= 0) return true;
        }
        return false;
    }

private:
    int fd_ = -1;
    SSL* ssl_ = nullptr;
    bool connected_ = false;
};

/// The process's peak resident memory so far (VmHWM).
long peakRssKb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

/// The issue's memory bound for one hostile connection: peak RSS under 200 MB (under
/// AddressSanitizer: at most 100 MB above the peak the gateway had when it came up). Printed, so
/// that the margin shows in the log.
::testing::AssertionResult withinMemoryBound(pid_t pid, long peakWhenUpKb) {
    long kb = peakRssKb(pid);
    long limit = kSanitized ? peakWhenUpKb + kSanitizedGrowthKb : kRssCeilingKb;
    std::printf("gateway peak RSS: %ld KiB (when up %ld KiB, bound %ld KiB)\n", kb, peakWhenUpKb, limit);
    if (kb > 0 && kb < limit) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "peak RSS " << kb << " KiB, bound " << limit << " KiB";
}

struct GatewayOptions {
    std::string server;  ///< extra lines for [server]
    std::string ocr;     ///< lines for [ocr]
    bool tls = false;
};

/// The real binary on a data directory of its own, optionally over TLS.
class Gateway : public ServedBinary {
public:
    explicit Gateway(GatewayOptions o = {}) : ServedBinary("hostile") {
        const std::string src = std::getenv("LGW_SOURCE_DIR");
        std::ostringstream cfg;
        cfg << "demo = true\ndata_dir = \"" << dir.string() << "\"\n"
            << "[server]\nlisten = \"127.0.0.1:" << port << "\"\nread_timeout_ms = 3000\n" << o.server << "\n";
        if (o.tls) {
            makeCertificate();
            cfg << "[server.tls]\ncert_file = \"" << (dir / "server.crt").string() << "\"\nkey_file = \""
                << (dir / "server.key").string() << "\"\n";
        }
        cfg << "[log]\nlevel = \"warn\"\n"
            << "[[auth.api_keys]]\nid = \"demo-frontdesk\"\nrole = \"frontdesk\"\ndemo = true\n"
            << "sha256 = \"ed14cee970140df259b48323910819787cd629bbfbf53b99d92c52d1b573be02\"\n"
            << "[consent]\ntext_file = \"" << src << "/config/consent_text.txt\"\n"
            << "[govsim]\nholders_file = \"" << src << "/config/govsim/holders.json\"\n"
            << "[marketing]\nmaterials_file = \"" << src << "/config/materials.toml\"\n"
            << "[ocr]\n" << o.ocr << "\n";
        if (o.tls) {
            ctx_ = SSL_CTX_new(TLS_client_method());
            SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
        }
        start(cfg.str());
        up_ = waitUntil([&] { return healthy(); }, 20s);
        if (up_) peakWhenUpKb = peakRssKb(process->pid());
    }
    ~Gateway() {
        process.reset();
        if (ctx_) SSL_CTX_free(ctx_);
    }
    bool up() const { return up_; }
    SSL_CTX* tls() const { return ctx_; }

    /// Still running, and answers /healthz from a fresh client.
    bool healthy(const char* from = "127.0.0.1") {
        if (process && !process->running()) return false;
        Raw c(port, from, ctx_);
        if (!c.connected() || !c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) return false;
        return c.reply().status == 200;
    }
    Raw::Reply request(const std::string& raw, const char* from = "127.0.0.1", int readTimeoutS = 5) {
        Raw c(port, from, ctx_);
        c.readTimeout(readTimeoutS);
        c.send(raw);
        return c.reply();
    }
    void createApplication(const std::string& id) {
        const std::string body = R"({"customer_category":"high_voltage","customer_name":"示例电力","phone":"13800001111"})";
        auto r = request("PUT /v1/applications/" + id + " HTTP/1.1\r\nHost: x\r\n" + kFrontDesk +
                         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                         body);
        ASSERT_EQ(r.status, 201) << r.body;
    }
    pid_t pid() const { return process->pid(); }

    long peakWhenUpKb = 0;

private:
    void makeCertificate() {
        std::string cmd = "cd " + dir.string() +
                          " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout "
                          "server.key -out server.crt -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
                          ">/dev/null 2>&1";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    SSL_CTX* ctx_ = nullptr;
    bool up_ = false;
};

std::string chunkedHead(const std::string& methodTarget, const std::string& extra) {
    return methodTarget + " HTTP/1.1\r\nHost: x\r\n" + extra + "Transfer-Encoding: chunked\r\n\r\n";
}

// ---- row 1: a trailer field larger than Beast can hold once aborted the process (HTTP and HTTPS) --

class Trailer : public ::testing::TestWithParam<bool> {};

TEST_P(Trailer, ALongTrailerIsRefusedAndTheGatewayLives) {
    Gateway gw({.tls = GetParam()});
    ASSERT_TRUE(gw.up()) << gw.log();
    const std::string trailer = "0\r\nX-Pad: " + std::string(66 * 1024, 'a') + "\r\n\r\n";
    // Without credentials: refused on its header, the body (and its trailer) never parsed.
    {
        Raw c(gw.port, "127.0.0.1", gw.tls());
        c.send(chunkedHead("POST /v1/consents", "Content-Type: application/json\r\n") + "2\r\n{}\r\n");
        c.send(trailer);
        auto r = c.reply();
        EXPECT_EQ(r.status, 401) << r.head;
    }
    // With credentials, on a route that reads the body: the trailer runs into the header limit.
    {
        Raw c(gw.port, "127.0.0.1", gw.tls());
        c.send(chunkedHead("PUT /v1/applications/YK-TRAILER", kFrontDesk + "Content-Type: application/json\r\n") +
               "2\r\n{}\r\n");
        c.send(trailer);
        auto r = c.reply();
        EXPECT_EQ(r.status, 431) << r.head << r.body;
        EXPECT_EQ(r.code(), "headers_too_large");
    }
    // Many trailer fields, each small, together over the limit.
    {
        Raw c(gw.port, "127.0.0.1", gw.tls());
        std::string many = "0\r\n";
        for (int i = 0; i < 2000; ++i) many += "X-T" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
        c.send(chunkedHead("PUT /v1/applications/YK-TRAILER", kFrontDesk + "Content-Type: application/json\r\n") +
               "2\r\n{}\r\n" + many + "\r\n");
        EXPECT_EQ(c.reply().status, 431);
    }
    EXPECT_TRUE(gw.healthy()) << gw.log();
    EXPECT_TRUE(withinMemoryBound(gw.pid(), gw.peakWhenUpKb));
}

INSTANTIATE_TEST_SUITE_P(HostileClients, Trailer, ::testing::Values(false, true),
                         [](auto& p) { return p.param ? std::string("Https") : std::string("Http"); });

// A trailer cannot add what the header lacked: a body whose trailer carries the credentials is
// judged on its header alone.
TEST(HostileClients, CredentialsInATrailerAreNotCredentials) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    auto r = gw.request(chunkedHead("PUT /v1/applications/YK-SMUGGLE", "Content-Type: application/json\r\n") +
                        "2\r\n{}\r\n0\r\n" + kFrontDesk + "\r\n");
    EXPECT_EQ(r.status, 401) << r.body;
}

// ---- row 2: a chunk extension of 1 GiB was held in memory -----------------------------------------

TEST(HostileClients, AGiantChunkExtensionIsRefusedWithoutBeingHeld) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    for (bool authenticated : {true, false}) {
        SCOPED_TRACE(authenticated ? "with credentials" : "without credentials");
        Raw c(gw.port);
        std::string head = chunkedHead("PUT /v1/applications/YK-EXT",
                                       (authenticated ? kFrontDesk : "") + "Content-Type: application/json\r\n");
        ASSERT_TRUE(c.send(head + "1;ext="));
        // Up to 1 GiB of extension, until the gateway stops taking it.
        const std::string mib(1 << 20, 'e');
        std::size_t sent = 0;
        auto until = Clock::now() + 20s;
        while (sent < (std::size_t{1} << 30) && Clock::now() < until && c.send(mib)) sent += mib.size();
        EXPECT_LT(sent, std::size_t{1} << 30) << "the gateway took the whole gigabyte";
        auto r = c.reply();
        if (r.status) {
            EXPECT_EQ(r.status, authenticated ? 431 : 401) << r.body;
        }
    }
    EXPECT_TRUE(gw.healthy()) << gw.log();
    EXPECT_TRUE(withinMemoryBound(gw.pid(), gw.peakWhenUpKb));
    // A short extension is allowed (and thrown away).
    std::string body = R"({"customer_category":"high_voltage","customer_name":"示例","phone":"13800001111"})";
    std::stringstream hex;
    hex << std::hex << body.size();
    auto ok = gw.request(chunkedHead("PUT /v1/applications/YK-EXT-OK", kFrontDesk + "Content-Type: application/json\r\n") +
                         hex.str() + ";name=value\r\n" + body + "\r\n0\r\n\r\n");
    EXPECT_EQ(ok.status, 201) << ok.body;
}

// ---- row 3: pages longer than Tesseract takes aborted the process inside Tesseract ---------------

std::string scanRequest(const std::string& app, const std::string& type, const std::string& bytes) {
    return "POST /v1/scans?application_id=" + app + " HTTP/1.1\r\nHost: x\r\n" + kFrontDesk + "Content-Type: " + type +
           "\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n" + bytes;
}

TEST(HostileClients, PagesLongerThanTheEngineTakesAre422AndTheGatewayLives) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    gw.createApplication("YK-STRIP");
    struct Case {
        int w, h, format;
        const char* type;
    };
    for (auto c : {Case{82000, 100, IFF_PNG, "image/png"}, Case{100, 82000, IFF_PNG, "image/png"},
                   Case{90000, 100, IFF_TIFF_G4, "image/tiff"}, Case{29000, 1400, IFF_PNG, "image/png"}}) {
        SCOPED_TRACE(std::to_string(c.w) + "x" + std::to_string(c.h));
        auto r = gw.request(scanRequest("YK-STRIP", c.type, blankPage(c.w, c.h, c.format)));
        EXPECT_EQ(r.status, 422) << r.body;
        EXPECT_EQ(r.code(), "unreadable_image");
        EXPECT_NE(r.body.find("the page cannot be read"), std::string::npos) << r.body;
        EXPECT_TRUE(gw.healthy()) << gw.log();
    }
}

// A worker that dies on a page (here the scripted fake, aborting as Tesseract does on an assert)
// costs that scan a 422, not the gateway; the next scan is read by its replacement.
TEST(HostileClients, AnOcrWorkerThatAbortsCostsOnlyItsScan) {
    Gateway gw({.ocr = "worker_binary = \"" + std::string(LGW_FAKE_OCR_WORKER) + "\""});
    ASSERT_TRUE(gw.up()) << gw.log();
    gw.createApplication("YK-ABORT");
    auto r = gw.request(scanRequest("YK-ABORT", "image/png", "abort"));
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.code(), "unreadable_image");
    EXPECT_NE(r.body.find("aborted"), std::string::npos) << r.body;
    EXPECT_TRUE(gw.healthy()) << gw.log();
    auto next = gw.request(scanRequest("YK-ABORT", "image/png", "ok"));
    EXPECT_EQ(next.status, 201) << next.body;
    EXPECT_NE(gw.log().find("replaced"), std::string::npos);
}

// Issue 18: "OCR and watermarking hold the shared blocking pool (four scans stall every store call
// and sign-in)". Scans wait on OCR threads of their own, in a bounded queue with a deadline: with
// one worker stuck on a page and one scan waiting, the next is 503 ocr_busy at once, the waiting
// one is 503 ocr_busy when its wait passes ocr.queue_timeout_ms, and store calls answer meanwhile.
TEST(HostileClients, TheOcrQueueIsBoundedAndHasADeadlineAndStoreCallsGoOn) {
    Gateway gw({.ocr = "worker_binary = \"" + std::string(LGW_FAKE_OCR_WORKER) +
                       "\"\nworkers = 1\nmax_queued = 1\nqueue_timeout_ms = 1000\nscan_timeout_ms = 4000"});
    ASSERT_TRUE(gw.up()) << gw.log();
    gw.createApplication("YK-QUEUE");
    // The two slow answers come after seconds (the deadline, the kill); under ASan on two busy cores
    // they came after more than the client's usual 5 s, so they get 30 s: the assertions are on what
    // they say, not on when.
    // The order still shows that the deadline, not the kill, answered the waiting scan.
    std::atomic<std::int64_t> stuckDone{0}, waitingDone{0};
    auto doneAt = [] { return std::chrono::steady_clock::now().time_since_epoch().count(); };
    auto stuck = std::async(std::launch::async, [&] {
        auto r = gw.request(scanRequest("YK-QUEUE", "image/png", "hang"), "127.0.0.1", 30);
        stuckDone = doneAt();
        return r;
    });
    std::this_thread::sleep_for(500ms);  // the worker has taken it
    auto waiting = std::async(std::launch::async, [&] {
        auto r = gw.request(scanRequest("YK-QUEUE", "image/png", "ok"), "127.0.0.1", 30);
        waitingDone = doneAt();
        return r;
    });
    std::this_thread::sleep_for(300ms);
    auto over = gw.request(scanRequest("YK-QUEUE", "image/png", "ok"));
    EXPECT_EQ(over.status, 503) << over.body;
    EXPECT_EQ(over.code(), "ocr_busy");
    EXPECT_NE(over.body.find("1 scans are waiting"), std::string::npos) << over.body;
    // The store is not behind the OCR queue.
    const auto t0 = std::chrono::steady_clock::now();
    auto read = gw.request("GET /v1/applications/YK-QUEUE HTTP/1.1\r\nHost: x\r\n" + kFrontDesk + "\r\n");
    EXPECT_EQ(read.status, 200) << read.body;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "a store call waited for the OCR queue";
    auto late = waiting.get();
    EXPECT_EQ(late.status, 503) << late.body;
    EXPECT_EQ(late.code(), "ocr_busy");
    EXPECT_NE(late.body.find("waited"), std::string::npos) << late.body;
    EXPECT_EQ(stuck.get().status, 422) << "the hanging page is killed at scan_timeout_ms";
    EXPECT_LT(waitingDone.load(), stuckDone.load()) << "the waiting scan was answered only when the stuck one ended";
    auto after = gw.request(scanRequest("YK-QUEUE", "image/png", "ok"));
    EXPECT_EQ(after.status, 201) << "the queue is free again: " << after.body;
}

// ---- row 4: one client holding every connection with unfinished headers -------------------------

void raiseFileLimit() {
    rlimit r{};
    ::getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
}

TEST(HostileClients, OneClientCannotHoldThePool) {
    raiseFileLimit();
    Gateway gw;  // max_connections 1024, max_connections_per_client 128
    ASSERT_TRUE(gw.up()) << gw.log();
    std::vector<std::unique_ptr<Raw>> hog;
    for (int i = 0; i < 1100; ++i) {
        hog.push_back(std::make_unique<Raw>(gw.port, "127.0.0.1"));
        hog.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
    }
    // Another client is served, probes and business alike.
    EXPECT_TRUE(gw.healthy("127.0.0.2"));
    auto r = gw.request("GET /v1/applications/YK-NONE HTTP/1.1\r\nHost: x\r\n" + kFrontDesk + "\r\n", "127.0.0.2");
    EXPECT_EQ(r.status, 404) << r.body;
    // The hog's connections past its share were answered 503 and closed.
    auto last = hog.back()->reply();
    EXPECT_EQ(last.status, 503);
    EXPECT_EQ(last.code(), "too_many_connections");
    EXPECT_NE(last.body.find("this address"), std::string::npos) << last.body;
    EXPECT_TRUE(gw.process->running());
}

TEST(HostileClients, AFullPoolStillAnswersProbes) {
    raiseFileLimit();
    Gateway gw({.server = "max_connections = 40\nmax_connections_per_client = 10\n"});
    ASSERT_TRUE(gw.up()) << gw.log();
    std::vector<std::unique_ptr<Raw>> held;
    for (const char* from : {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"})
        for (int i = 0; i < 10; ++i) {
            held.push_back(std::make_unique<Raw>(gw.port, from));
            held.back()->send("GET /healthz HTTP/1.1\r\n");
        }
    std::this_thread::sleep_for(300ms);  // every one accepted
    auto business = gw.request("GET /v1/applications/YK-NONE HTTP/1.1\r\nHost: x\r\n" + kFrontDesk + "\r\n", "127.0.0.20");
    EXPECT_EQ(business.status, 503);
    EXPECT_EQ(business.code(), "too_many_connections");
    EXPECT_EQ(gw.request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "127.0.0.20").status, 200);
    EXPECT_EQ(gw.request("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", "127.0.0.21").status, 200);
}

// ---- row 5: unauthenticated uploads were read to their end before the 401 -------------------------

TEST(HostileClients, UnauthenticatedUploadsAreRefusedBeforeTheirBodies) {
    raiseFileLimit();
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    constexpr int kClients = 100;
    constexpr std::size_t kBody = 20 * 1024 * 1024;
    std::vector<std::unique_ptr<Raw>> up;
    std::vector<std::size_t> sent(kClients, 0);
    std::vector<int> status(kClients, 0);
    const std::string head = "POST /v1/scans?application_id=YK1 HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                             "Content-Length: " + std::to_string(kBody) + "\r\n\r\n";
    for (int i = 0; i < kClients; ++i) {
        up.push_back(std::make_unique<Raw>(gw.port, ("127.0.1." + std::to_string(i + 1)).c_str()));
        up.back()->send(head);
        ::fcntl(up.back()->fd(), F_SETFL, O_NONBLOCK);
    }
    // Each pushes its body until it has its answer; the whole run is bounded in time.
    const std::string chunk(64 * 1024, 'p');
    auto until = Clock::now() + 30s;
    int answered = 0;
    while (answered < kClients && Clock::now() < until) {
        for (int i = 0; i < kClients; ++i) {
            if (status[i]) continue;
            char buf[512];
            long n = ::recv(up[i]->fd(), buf, sizeof buf, 0);
            if (n > 12) {
                status[i] = std::stoi(std::string(buf + 9, 3));
                ++answered;
                continue;
            }
            if (n == 0) {
                status[i] = -1;  // closed without a word
                ++answered;
                continue;
            }
            if (sent[i] < kBody) {
                long w = ::send(up[i]->fd(), chunk.data(), std::min(chunk.size(), kBody - sent[i]), MSG_NOSIGNAL);
                if (w > 0) sent[i] += static_cast<std::size_t>(w);
            }
        }
    }
    EXPECT_EQ(answered, kClients);
    for (int i = 0; i < kClients; ++i) EXPECT_EQ(status[i], 401) << "client " << i;
    EXPECT_TRUE(withinMemoryBound(gw.pid(), gw.peakWhenUpKb));
    EXPECT_TRUE(gw.healthy()) << gw.log();

    // Expect: 100-continue gets the 401 at once, never a 100.
    Raw c(gw.port);
    c.send("POST /v1/scans?application_id=YK1 HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nExpect: 100-continue\r\n"
           "Content-Length: 1000000\r\n\r\n");
    auto r = c.reply();
    EXPECT_EQ(r.status, 401) << r.head;
    // With credentials the client is told to go on.
    Raw d(gw.port);
    d.send("POST /v1/scans?application_id=YK1 HTTP/1.1\r\nHost: x\r\n" + kFrontDesk +
           "Content-Type: image/png\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
    EXPECT_EQ(d.reply().status, 100);
}

// ---- row 6: framing RFC 9112 forbids --------------------------------------------------------------

TEST(HostileClients, FramingThatRfc9112ForbidsIsRefused) {
    Gateway gw;
    ASSERT_TRUE(gw.up()) << gw.log();
    struct Case {
        const char* what;
        std::string request;
        int status;
    };
    const Case cases[] = {
        {"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
        {"two Host", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"obs-fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: one\r\n  two\r\n\r\n", 400},
        {"obs-fold by tab", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: one\r\n\ttwo\r\n\r\n", 400},
        {"gzip, chunked",
         "PUT /v1/applications/YK-TE HTTP/1.1\r\nHost: x\r\n" + kFrontDesk +
             "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
         501},
        {"gzip alone", "POST /v1/consents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        {"chunked twice", "POST /v1/consents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"length and chunked", "POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        {"two lengths", "POST /v1/consents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef", 400},
        {"chunked in HTTP/1.0", "POST /v1/consents HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
    };
    for (auto& c : cases) {
        SCOPED_TRACE(c.what);
        auto r = gw.request(c.request);
        EXPECT_EQ(r.status, c.status) << r.head << "\n" << r.body;
        if (c.status == 501) {
            EXPECT_EQ(r.code(), "unsupported_transfer_coding");
            EXPECT_NE(r.body.find(R"("title":"Not Implemented")"), std::string::npos) << r.body;
        }
    }
    // What the RFC allows still works: HTTP/1.0 without Host, empty lines before the request line.
    EXPECT_EQ(gw.request("GET /healthz HTTP/1.0\r\n\r\n").status, 200);
    EXPECT_EQ(gw.request("\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
    EXPECT_TRUE(gw.healthy()) << gw.log();
}

}  // namespace
}  // namespace lgw::testing
