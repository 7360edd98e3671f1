// The real server on 127.0.0.1:0 driven over sockets: protocol edges, limits, timeouts, auth,
// problems, operations endpoints, graceful shutdown and TLS.
#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <boost/json/parse.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <future>

#include "tests/integration/http_client.hpp"
#include "security/signature.hpp"
#include "tests/integration/sim_fixture.hpp"
#include "tests/integration/test_gateway.hpp"

using namespace lgw;
using namespace lgw::testing;
using namespace std::chrono_literals;

namespace {

const std::vector<std::pair<std::string, std::string>> kFrontdesk = {{"Authorization", "Bearer demo-frontdesk"},
                                                                     {"Content-Type", "application/json"}};

const std::string kAppBody =
    R"({"customer_category":"high_voltage","customer_name":"示例电力设备有限公司","phone":"13800001111"})";

boost::json::object parse(const ClientResponse& r) { return boost::json::parse(r.body).as_object(); }

}  // namespace

TEST(Server, HealthzAndRequestIds) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto r = c.request("GET", "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-request-id").size(), 16u);
    auto echoed = c.request("GET", "/healthz", "", {{"X-Request-Id", "front-desk-42"}});
    EXPECT_EQ(echoed.header("x-request-id"), "front-desk-42");
    auto unsafe = c.request("GET", "/healthz", "", {{"X-Request-Id", "a b\"c"}});
    EXPECT_NE(unsafe.header("x-request-id"), "a b\"c");
    EXPECT_EQ(unsafe.header("x-request-id").size(), 16u);
}

TEST(Server, KeepAliveServesManyRequestsOnOneConnection) {
    TestGateway gw;
    HttpClient c(gw.port);
    for (int i = 0; i < 5; ++i) {
        auto r = c.request("GET", "/healthz");
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(r.keepAlive);
    }
}

// Bytes as the server wrote them, read off a plain socket until `until` appears or it closes.
std::string exchangeRaw(std::uint16_t port, const std::string& request, const std::string& until) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    (void)!::write(fd, request.data(), request.size());
    std::string got;
    char buf[4096];
    while (got.find(until) == std::string::npos) {
        const auto n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return got;
}

// The head is written by the server itself (not Beast's serializer): a HEAD is answered with its
// head and Content-Length but no body, so the next response on the connection starts right after
// it; HTTP/1.0 keep-alive is answered as 1.0 expects; one header of each name.
TEST(Server, HeadIsAnsweredWithoutABodyAndTheConnectionStaysInStep) {
    TestGateway gw;
    const std::string got = exchangeRaw(gw.port,
                                        "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                        "GET /healthz HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
                                        "{\"status\":\"ok\"}");
    const auto second = got.find("HTTP/1.0 200 OK\r\n");
    ASSERT_NE(second, std::string::npos) << got;
    const std::string first = got.substr(0, second);
    EXPECT_EQ(first.rfind("HTTP/1.1 ", 0), 0u) << first;
    EXPECT_NE(first.find("\r\nContent-Length: "), std::string::npos) << first;
    EXPECT_EQ(first.substr(first.size() - 4), "\r\n\r\n") << "a body followed the HEAD's head: " << first;
    const std::string rest = got.substr(second);
    EXPECT_NE(rest.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << rest;
    EXPECT_NE(rest.find("\r\nContent-Length: 15\r\n"), std::string::npos) << rest;
    auto count = [&rest](const std::string& field) {
        std::size_t n = 0;
        for (auto at = rest.find(field); at != std::string::npos; at = rest.find(field, at + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("\r\nX-Content-Type-Options: "), 1u) << rest;
    EXPECT_EQ(count("\r\nContent-Type: "), 1u) << rest;
    EXPECT_EQ(count("\r\nCache-Control: "), 1u) << rest;
}

TEST(Server, AuthenticatedJsonRoundTrip) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto created = c.request("PUT", "/v1/applications/YK2026110001", kAppBody, kFrontdesk);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(parse(created).at("customer_name").as_string(), "示例电力设备有限公司");
    EXPECT_EQ(parse(created).at("created_by").as_string(), "demo-frontdesk");
    auto again = c.request("PUT", "/v1/applications/YK2026110001", kAppBody, kFrontdesk);
    EXPECT_EQ(again.status, 200);
    auto got = c.request("GET", "/v1/applications/YK2026110001", "", {{"Authorization", "Bearer demo-marketing"}});
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(parse(got).at("phone").as_string(), "13800001111");
    auto missing = c.request("GET", "/v1/applications/YK404", "", kFrontdesk);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.jsonString("code"), "application_not_found");
}

TEST(Server, MalformedJsonNamesThePosition) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto r = c.request("PUT", "/v1/applications/YK1", "{\"customer_category\": \"high_voltage\",}", kFrontdesk);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(r.jsonString("code"), "malformed_json");
    EXPECT_NE(r.jsonString("detail").find("line 1, column"), std::string::npos) << r.body;
    EXPECT_EQ(r.jsonString("request_id"), r.header("x-request-id"));
}

TEST(Server, ValidationListsEveryField) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto r = c.request("PUT", "/v1/applications/YK1", R"({"customer_category":"medium","phone":"12345","x":1})",
                       kFrontdesk);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.jsonString("code"), "validation_failed");
    EXPECT_EQ(parse(r).at("errors").as_array().size(), 4u) << r.body;
    auto badId = c.request("PUT", "/v1/applications/-bad!", kAppBody, kFrontdesk);
    EXPECT_EQ(badId.status, 422);
    EXPECT_EQ(badId.jsonString("code"), "invalid_application_id");
}

TEST(Server, UnknownRouteAndWrongMethod) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto nf = c.request("GET", "/v1/nothing-here");
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(nf.jsonString("code"), "not_found");
    auto wm = c.request("DELETE", "/v1/applications/YK1", "", kFrontdesk);
    EXPECT_EQ(wm.status, 405);
    EXPECT_EQ(wm.header("allow"), "PUT, GET");
}

TEST(Server, MissingWrongKeyAndRoleNotAdmitted) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto none = c.request("GET", "/v1/applications/YK1");
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.jsonString("code"), "missing_credentials");
    EXPECT_EQ(none.header("www-authenticate"), "Bearer");
    auto wrong = c.request("GET", "/v1/applications/YK1", "", {{"Authorization", "Bearer demo-frontdesK"}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.jsonString("code"), "unknown_api_key");
    auto role = c.request("GET", "/v1/applications/YK1", "", {{"Authorization", "Bearer demo-auditor"}});
    EXPECT_EQ(role.status, 403);
    EXPECT_EQ(role.jsonString("code"), "role_not_admitted");
}

TEST(Server, DemoKeysAreRefusedOutsideDemoMode) {
    ::setenv("LGW_TEST_CONSENT_SECRET", "consent-secret-for-tests-0123456789", 1);
    SimGateway s([](config::Config& c) {
        c.demo = false;
        c.consent.secretEnv = "LGW_TEST_CONSENT_SECRET";
        c.keys.watermarkSecretEnv = "LGW_TEST_CONSENT_SECRET";
        c.marketing.mode = "http";
        c.marketing.url = "http://127.0.0.1:9/api/packages";  // never called here
        c.marketing.secretEnv = "LGW_TEST_CONSENT_SECRET";
        std::filesystem::create_directories(std::filesystem::path(c.dataDir) / "keys");
        std::ofstream(c.dataPath(c.keys.file)) << "1 " << std::string(64, '7') << "\n";
        std::ofstream(c.dataPath(c.audit.signingKeyFile))
            << security::PrivateKey::generate(security::SignatureAlg::kEcdsaP256Sha256).pem();
        for (auto* f : {&c.keys.file, &c.audit.signingKeyFile})
            std::filesystem::permissions(c.dataPath(*f), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    });
    HttpClient c(s.gw->port);
    EXPECT_EQ(c.request("GET", "/v1/applications/YK1", "", kFrontdesk).status, 401);
}

TEST(Server, WithoutDemoModeMissingKeyMaterialStopsStartUp) {
    try {
        TestGateway gw([](config::Config& c) { c.demo = false; });
        FAIL() << "started without key material";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("does not exist; create it with"), std::string::npos) << e.what();
    }
}

TEST(Server, WrongContentTypeIs415) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto r = c.request("PUT", "/v1/applications/YK1", kAppBody,
                       {{"Authorization", "Bearer demo-frontdesk"}, {"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(r.jsonString("code"), "unsupported_media_type");
}

TEST(Server, OversizedBodyIs413) {
    // A megabyte under a sanitizer on a loaded CI machine needs more than the fixture's 500 ms.
    TestGateway gw([](config::Config& c) { c.server.readTimeoutMs = 15000; });
    HttpClient c(gw.port);
    std::string big(1024 * 1024 + 1, 'x');
    auto r = c.request("PUT", "/v1/applications/YK1", big, kFrontdesk);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.jsonString("code"), "too_large");
    EXPECT_NE(r.jsonString("detail").find("1048576"), std::string::npos);
    EXPECT_FALSE(r.keepAlive);
}

TEST(Server, OversizedChunkedBodyIs413) {
    // A megabyte under a sanitizer on a loaded CI machine needs more than the fixture's 500 ms.
    TestGateway gw([](config::Config& c) { c.server.readTimeoutMs = 15000; });
    HttpClient c(gw.port);
    std::string chunk(64 * 1024, 'x');
    std::string raw =
        "PUT /v1/applications/YK1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-frontdesk\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 17; ++i) raw += size + chunk + "\r\n";
    raw += "0\r\n\r\n";
    c.writeRaw(raw);
    auto r = c.readResponse();
    EXPECT_EQ(r.status, 413);
}

TEST(Server, HugeHeadersAre431) {
    TestGateway gw;
    HttpClient c(gw.port);
    c.writeRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    EXPECT_EQ(c.readResponse().status, 431);
}

TEST(Server, MalformedRequestLineIs400AndCloses) {
    TestGateway gw;
    HttpClient c(gw.port);
    c.writeRaw("GET\x01 /healthz HTTP/1.1\r\n\r\n");
    auto r = c.readResponse();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.jsonString("code"), "bad_request");
    EXPECT_TRUE(c.closedWithin(3s));
}

TEST(Server, StalledHalfRequestIsClosedAfterTheReadTimeout) {
    TestGateway gw;  // read_timeout_ms = 500
    HttpClient c(gw.port);
    c.writeRaw("PUT /v1/applications/YK1 HTTP/1.1\r\nHost: x\r\nContent-Le");
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closedWithin(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

TEST(Server, StalledBodyIsClosedAfterTheReadTimeout) {
    TestGateway gw;
    HttpClient c(gw.port);
    c.writeRaw("PUT /v1/applications/YK1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-frontdesk\r\n"
               "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
    EXPECT_TRUE(c.closedWithin(5s));
}

TEST(Server, ConnectionLimitAnswers503) {
    TestGateway gw([](config::Config& c) {
        c.server.maxConnections = 2;
        c.server.probeConnections = 0;
    });
    HttpClient a(gw.port), b(gw.port);
    EXPECT_EQ(a.request("GET", "/healthz").status, 200);
    EXPECT_EQ(b.request("GET", "/healthz").status, 200);
    HttpClient third(gw.port);
    auto r = third.readResponse();
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.jsonString("code"), "too_many_connections");
    EXPECT_EQ(r.header("retry-after"), "1");
}

TEST(Server, ShutdownFinishesTheRequestInFlight) {
    TestGateway gw([](config::Config& c) { c.server.readTimeoutMs = 10000; });  // the body arrives in two parts
    HttpClient c(gw.port);
    // Headers and half the body: the request is in flight when the shutdown starts.
    c.writeRaw("PUT /v1/applications/YK7 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-frontdesk\r\n"
               "Content-Type: application/json\r\nContent-Length: " + std::to_string(kAppBody.size()) + "\r\n\r\n" +
               kAppBody.substr(0, 20));
    std::this_thread::sleep_for(200ms);
    gw.requestShutdown();
    std::this_thread::sleep_for(200ms);
    EXPECT_FALSE(gw.stopped());
    // New connections are no longer accepted.
    EXPECT_ANY_THROW({
        HttpClient late(gw.port);
        late.request("GET", "/healthz");
    });
    c.writeRaw(kAppBody.substr(20));
    auto r = c.readResponse();
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_FALSE(r.keepAlive);
    gw.join();
}

TEST(Server, MetricsAfterTraffic) {
    TestGateway gw;
    HttpClient c(gw.port);
    c.request("GET", "/healthz");
    c.request("GET", "/v1/applications/YK1");
    auto m = c.request("GET", "/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
    EXPECT_NE(m.body.find("lgw_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
              std::string::npos);
    EXPECT_NE(m.body.find("route=\"/v1/applications/{application_id}\",method=\"GET\",status=\"401\""),
              std::string::npos);
    EXPECT_NE(m.body.find("lgw_build_info{version="), std::string::npos);
    EXPECT_NE(m.body.find("lgw_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"),
              std::string::npos);
}

TEST(Server, ReadyzChecksStoreAndKeys) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto ok = c.request("GET", "/readyz");
    EXPECT_EQ(ok.status, 200) << ok.body;
    std::filesystem::remove(gw.dataDir / "keys" / "kek.keyring");
    auto bad = c.request("GET", "/readyz");
    EXPECT_EQ(bad.status, 503);
    EXPECT_EQ(parse(bad).at("checks").as_object().at("store").as_string(), "ok");
    EXPECT_NE(std::string(parse(bad).at("checks").as_object().at("keys").as_string()).find("keys.file: cannot read"),
              std::string::npos);
}

TEST(Server, IdentityCodeValidationRoute) {
    TestGateway gw;
    HttpClient c(gw.port);
    auto ok = c.request("POST", "/v1/identity-codes/validate", R"({"code":"91110102MA01C7Q59Y"})", kFrontdesk);
    EXPECT_EQ(ok.status, 200);
    EXPECT_TRUE(parse(ok).at("valid").as_bool());
    auto bad = c.request("POST", "/v1/identity-codes/validate", R"({"code":"91110102MA01C7Q59X","type":"credit_code"})",
                         kFrontdesk);
    EXPECT_FALSE(parse(bad).at("valid").as_bool());
    EXPECT_EQ(bad.jsonString("reason"), "check character should be 'Y', got 'X'");
}

TEST(Server, BindFailureNamesTheAddress) {
    TestGateway first;
    try {
        TestGateway second([&](config::Config& c) { c.server.port = first.port; });
        FAIL() << "two servers bound the same port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port)),
                  std::string::npos)
            << e.what();
    }
}

// ---- TLS ----------------------------------------------------------------------------------------

class TlsServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = freshTempDir("tls");
        auto run = [](const std::string& cmd) {
            ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0) << cmd;
        };
        std::string d = dir_.string();
        run("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
            "-keyout ca.key -out ca.crt -subj /CN=test-ca");
        for (std::string name : {"server", "client"}) {
            std::string cn = name == "server" ? "127.0.0.1" : "marketing-system";
            run("cd " + d + " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
                ".key -out " + name + ".csr -subj /CN=" + cn);
            run("cd " + d + " && printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && openssl x509 -req -in " + name +
                ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out " + name + ".crt");
        }
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

    static std::unique_ptr<TestGateway> start(bool requireClientCert) {
        return std::make_unique<TestGateway>([&](config::Config& c) {
            c.server.tls.certFile = (dir_ / "server.crt").string();
            c.server.tls.keyFile = (dir_ / "server.key").string();
            c.server.tls.clientCaFile = (dir_ / "ca.crt").string();
            c.server.tls.requireClientCert = requireClientCert;
            c.auth.clientCerts.push_back({"marketing-system", "marketing"});
        });
    }
    static TlsOptions client(bool withCert, int maxVersion = 0) {
        TlsOptions o;
        o.caFile = (dir_ / "ca.crt").string();
        if (withCert) {
            o.certFile = (dir_ / "client.crt").string();
            o.keyFile = (dir_ / "client.key").string();
        }
        o.maxVersion = maxVersion;
        return o;
    }
    static inline std::filesystem::path dir_;
};

TEST_F(TlsServer, ServesHttpsAndMapsClientCertificateToRole) {
    auto gw = start(false);
    HttpClient anonymous(gw->port, client(false));
    EXPECT_EQ(anonymous.request("GET", "/healthz").status, 200);
    EXPECT_EQ(anonymous.request("GET", "/v1/applications/YK1").status, 401);
    HttpClient marketing(gw->port, client(true));
    auto r = marketing.request("GET", "/v1/applications/YK1");
    EXPECT_EQ(r.status, 404) << r.body;  // authenticated as marketing: the application just does not exist
}

TEST_F(TlsServer, RefusesOldProtocolsAndMissingClientCertWhenRequired) {
    auto gw = start(true);
    EXPECT_ANY_THROW(HttpClient(gw->port, client(true, TLS1_1_VERSION)));
    EXPECT_NO_THROW(HttpClient(gw->port, client(true, TLS1_2_VERSION)).request("GET", "/healthz"));
    EXPECT_ANY_THROW({
        HttpClient noCert(gw->port, client(false));
        noCert.request("GET", "/healthz");
    });
}
