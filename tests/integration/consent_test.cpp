// Section 1 of API.md against the simulator on 127.0.0.1:0: consent by SMS code, grants, e-licence
// fetch with signature verification, platform faults, circuit breaker, rate limits, reminders.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <regex>
#include <thread>

#include "ofd/test_pki.hpp"
#include "security/crypto.hpp"
#include "security/identity_codes.hpp"
#include "security/request_signing.hpp"
#include "gateway/http/embedded_server.hpp"
#include "tests/integration/sim_fixture.hpp"

using namespace lgw;
using namespace lgw::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const Holders& holders() {
    static Holders h;
    return h;
}

std::string enterprise(std::size_t skip = 0) {
    return holders().find(
        [](const json::object& h) {
            return h.at("holder_code_type").as_string() == "USCC" &&
                   security::validateCreditCode(std::string(h.at("holder_code").as_string())).valid &&
                   !Holders::soonExpiring(h);
        },
        skip);
}
std::string person() {
    return holders().find([](const json::object& h) { return h.at("holder_code_type").as_string() == "ID"; });
}

std::vector<std::pair<std::string, std::string>> as(const std::string& key) {
    return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}

ClientResponse startConsent(HttpClient& c, const std::string& type, const std::string& code,
                            const std::string& types = R"(["business_licence","property_certificate"])",
                            const std::string& app = "YK2026110001", const std::string& key = "demo-frontdesk") {
    std::string body = R"({"application_id":")" + app + R"(","subject":{"type":")" + type + R"(","code":")" + code +
                       R"("},"licence_types":)" + types + R"(,"purpose":"power_connection"})";
    putApplication(c, app, key);  // 201 the first time, 200 after; a consent needs its application
    return c.request("POST", "/v1/consents", body, as(key));
}

ClientResponse verify(HttpClient& c, const std::string& consentId, const std::string& code,
                      const std::string& key = "demo-frontdesk") {
    return c.request("POST", "/v1/consents/" + consentId + "/verify", R"({"code":")" + code + R"("})", as(key));
}

ClientResponse fetch(HttpClient& c, const std::string& grantId, const std::string& body = "",
                     const std::string& key = "demo-frontdesk") {
    return c.request("POST", "/v1/grants/" + grantId + "/licences", body, as(key));
}

json::object obj(const ClientResponse& r) { return json::parse(r.body).as_object(); }

// consent -> code from the SMS log -> verify: the grant id.
std::string grantFor(SimGateway& s, HttpClient& c, const std::string& type, const std::string& code,
                     const std::string& types = R"(["business_licence","property_certificate"])") {
    auto r = startConsent(c, type, code, types);
    EXPECT_EQ(r.status, 201) << r.body;
    auto id = r.jsonString("consent_id");
    auto v = verify(c, id, s.smsCode(id));
    EXPECT_EQ(v.status, 200) << v.body;
    return v.jsonString("grant_id");
}

std::size_t blobCount(const std::filesystem::path& dataDir) {
    std::size_t n = 0;
    if (std::filesystem::exists(dataDir / "blobs"))
        for (auto& e : std::filesystem::recursive_directory_iterator(dataDir / "blobs"))
            if (e.is_regular_file()) ++n;
    return n;
}

}  // namespace

// Issue 24: the consent text is read to the customer before the code is sent: served as it is on
// disk, with the hash every consent records, cached by ETag; only to whoever may start a consent.
TEST(Consent, TheConsentTextIsServedToTheDeskAsTheFileSaysWithItsHash) {
    SimGateway s;
    HttpClient c(s.gw->port);
    std::ifstream f(sourceDir() + "/config/consent_text.txt", std::ios::binary);
    std::stringstream file;
    file << f.rdbuf();
    auto r = c.request("GET", "/v1/consent-text", "", as("demo-frontdesk"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(obj(r).at("text").as_string(), file.str());
    EXPECT_EQ(obj(r).at("sha256").as_string(), security::sha256Hex(file.str()));
    ASSERT_FALSE(r.header("etag").empty());
    auto again = c.request("GET", "/v1/consent-text", "", {{"Authorization", "Bearer demo-frontdesk"}, {"If-None-Match", r.header("etag")}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(c.request("GET", "/v1/consent-text", "", as("demo-auditor")).status, 403);
    EXPECT_EQ(c.request("GET", "/v1/consent-text").status, 401);
    EXPECT_EQ(c.request("GET", "/v1/consent-text", "", {{"Authorization", "Bearer not-a-key"}}).status, 401);
}

TEST(Consent, EnterpriseHappyPath) {
    SimGateway s;
    HttpClient c(s.gw->port);
    std::string code = enterprise();
    auto created = startConsent(c, "enterprise", code);
    ASSERT_EQ(created.status, 201) << created.body;
    auto co = obj(created);
    EXPECT_TRUE(std::regex_match(std::string(co.at("masked_phone").as_string()), std::regex(R"(1\d\d\*{4}\d{4})")));
    EXPECT_EQ(co.at("resend_after_s").as_int64(), 60);
    EXPECT_FALSE(co.at("checksum_warning").as_bool());
    EXPECT_EQ(created.body.find(s.smsCode(created.jsonString("consent_id"))), std::string::npos);  // never the code

    auto verified = verify(c, created.jsonString("consent_id"), s.smsCode(created.jsonString("consent_id")));
    ASSERT_EQ(verified.status, 200) << verified.body;
    auto grant = verified.jsonString("grant_id");
    EXPECT_EQ(grant.size(), 32u);
    EXPECT_EQ(obj(verified).at("scope").as_object().at("application_id").as_string(), "YK2026110001");

    auto fetched = fetch(c, grant);
    ASSERT_EQ(fetched.status, 200) << fetched.body;
    auto f = obj(fetched);
    auto& ls = f.at("licences").as_array();
    ASSERT_EQ(ls.size(), 2u);
    for (auto& lv : ls) {
        auto& l = lv.as_object();
        EXPECT_EQ(l.at("signature").as_string(), "verified");
        EXPECT_EQ(l.at("holder_code").as_string(), code);
        EXPECT_EQ(l.at("document_id").as_string().size(), 32u);
    }
    auto& autofill = f.at("autofill").as_object();
    EXPECT_EQ(autofill.at("credit_code").as_string(), code);
    EXPECT_FALSE(autofill.at("customer_name").as_string().empty());
    EXPECT_FALSE(autofill.at("legal_representative").as_string().empty());
    EXPECT_TRUE(autofill.at("id_number").is_null());
    // Stored encrypted: two blobs, and no PNG chunk marker anywhere in the data directory's blobs.
    EXPECT_EQ(blobCount(s.gw->dataDir), 2u);
    for (auto& e : std::filesystem::recursive_directory_iterator(s.gw->dataDir / "blobs")) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(bytes.find("IHDR"), std::string::npos) << e.path();
    }
    // A grant serves once.
    auto again = fetch(c, grant);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.jsonString("code"), "grant_used");
}

TEST(Consent, PersonHappyPathFillsTheIdNumber) {
    SimGateway s;
    HttpClient c(s.gw->port);
    std::string id = person();
    auto grant = grantFor(s, c, "person", id, R"(["id_card"])");
    auto fetched = fetch(c, grant);
    ASSERT_EQ(fetched.status, 200) << fetched.body;
    auto f = obj(fetched);
    ASSERT_EQ(f.at("licences").as_array().size(), 1u);
    EXPECT_EQ(f.at("licences").as_array()[0].as_object().at("type").as_string(), "id_card");
    EXPECT_EQ(f.at("autofill").as_object().at("id_number").as_string(), id);
}

TEST(Consent, MalformedSubjectIs422AndAWrongCheckCharacterOnlyWarns) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto bad = startConsent(c, "enterprise", "91110102MA01C7Q5IY");
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.jsonString("code"), "invalid_subject_code");
    EXPECT_NE(bad.jsonString("detail").find("I, O, S, V and Z"), std::string::npos) << bad.body;
    std::string failing = holders().find([](const json::object& h) {
        return h.at("holder_code_type").as_string() == "USCC" &&
               !security::validateCreditCode(std::string(h.at("holder_code").as_string())).valid;
    });
    auto warned = startConsent(c, "enterprise", failing);
    ASSERT_EQ(warned.status, 201) << warned.body;
    EXPECT_TRUE(obj(warned).at("checksum_warning").as_bool());
    auto unknown = startConsent(c, "person", "11010519491231002X");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.jsonString("code"), "subject_unknown");
    auto fields = c.request("POST", "/v1/consents", R"({"application_id":"YK1","licence_types":["car"],"purpose":"x"})",
                            as("demo-frontdesk"));
    EXPECT_EQ(fields.status, 422);
    EXPECT_EQ(obj(fields).at("errors").as_array().size(), 3u) << fields.body;
}

TEST(Consent, FiveWrongCodesLockAndResendDoesNotReset) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto created = startConsent(c, "enterprise", enterprise());
    auto id = created.jsonString("consent_id");
    std::string right = s.smsCode(id), wrong = right == "000000" ? "111111" : "000000";
    for (int left = 4; left >= 1; --left) {
        auto r = verify(c, id, wrong);
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(r.jsonString("code"), "code_mismatch");
        EXPECT_EQ(obj(r).at("attempts_left").as_int64(), left);
        if (left == 3) {
            s.clock.advance(61s);
            auto resent = c.request("POST", "/v1/consents/" + id + "/resend", "", as("demo-frontdesk"));
            EXPECT_EQ(resent.status, 200) << resent.body;
            right = s.smsCode(id);
            wrong = right == "000000" ? "111111" : "000000";
        }
    }
    auto locked = verify(c, id, wrong);
    EXPECT_EQ(locked.status, 423);
    EXPECT_EQ(locked.jsonString("code"), "consent_locked");
    EXPECT_EQ(verify(c, id, right).status, 423);
    EXPECT_EQ(c.request("POST", "/v1/consents/" + id + "/resend", "", as("demo-frontdesk")).status, 423);
    auto m = c.request("GET", "/metrics");
    EXPECT_NE(m.body.find("lgw_alerts_total{action=\"consent.verify\"} 1"), std::string::npos);
}

TEST(Consent, ResendTooSoonIs429) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto id = startConsent(c, "enterprise", enterprise()).jsonString("consent_id");
    auto r = c.request("POST", "/v1/consents/" + id + "/resend", "", as("demo-frontdesk"));
    EXPECT_EQ(r.status, 429);
    EXPECT_FALSE(r.header("retry-after").empty());
}

TEST(Consent, ExpiredCodeIs410) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto id = startConsent(c, "enterprise", enterprise()).jsonString("consent_id");
    s.clock.advance(301s);
    auto r = verify(c, id, s.smsCode(id));
    EXPECT_EQ(r.status, 410);
    EXPECT_EQ(r.jsonString("code"), "consent_expired");
}

TEST(Consent, ConsentServesOneGrant) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto id = startConsent(c, "enterprise", enterprise()).jsonString("consent_id");
    ASSERT_EQ(verify(c, id, s.smsCode(id)).status, 200);
    auto again = verify(c, id, s.smsCode(id));
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.jsonString("code"), "consent_used");
}

TEST(Consent, GrantExpiresAndIsBoundToCallerAndApplication) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto grant = grantFor(s, c, "enterprise", enterprise());
    auto other = fetch(c, grant, "", "demo-marketing");
    EXPECT_EQ(other.status, 403);
    EXPECT_EQ(other.jsonString("code"), "grant_scope");
    auto otherApp = fetch(c, grant, R"({"application_id":"YK-OTHER"})");
    EXPECT_EQ(otherApp.status, 403);
    EXPECT_EQ(otherApp.jsonString("code"), "grant_scope");
    s.clock.advance(601s);
    auto expired = fetch(c, grant);
    EXPECT_EQ(expired.status, 410);
    EXPECT_EQ(expired.jsonString("code"), "grant_expired");
    EXPECT_EQ(fetch(c, "0123456789abcdef0123456789abcdef").status, 404);
}

TEST(Consent, PlatformOutageIs502AndTheGrantSurvivesForARetry) {
    SimGateway s([](config::Config& c) { c.govdata.retries = 1; });
    HttpClient c(s.gw->port);
    auto grant = grantFor(s, c, "enterprise", enterprise());
    s.faults({{"error_rate", 1.0}});
    auto r = fetch(c, grant);
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.jsonString("code"), "upstream_unavailable");
    s.faults({});
    auto retry = fetch(c, grant);
    EXPECT_EQ(retry.status, 200) << retry.body;
}

TEST(Consent, PlatformHangIs504) {
    SimGateway s([](config::Config& c) {
        c.govdata.timeoutMs = 300;
        c.govdata.retries = 0;
    });
    HttpClient c(s.gw->port);
    s.faults({{"hang_ms", 2000}});
    auto r = startConsent(c, "enterprise", enterprise());
    EXPECT_EQ(r.status, 504);
    EXPECT_EQ(r.jsonString("code"), "upstream_timeout");
}

TEST(Consent, MalformedPlatformJsonIs502) {
    SimGateway s;
    HttpClient c(s.gw->port);
    auto grant = grantFor(s, c, "enterprise", enterprise());
    s.faults({{"malformed_json", true}});
    auto r = fetch(c, grant);
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.jsonString("code"), "upstream_bad_payload");
}

TEST(Consent, BadSignatureOrUnknownKeyStoresNothingAndAlerts) {
    SimGateway s;
    HttpClient c(s.gw->port);
    for (auto fault : {"bad_signature", "unknown_key_id"}) {
        auto grant = grantFor(s, c, "enterprise", enterprise());
        s.faults({{fault, true}});
        auto r = fetch(c, grant);
        EXPECT_EQ(r.status, 502) << fault;
        EXPECT_EQ(r.jsonString("code"), "licence_signature_invalid") << fault;
        EXPECT_NE(r.jsonString("detail").find("nothing was stored"), std::string::npos);
        EXPECT_EQ(blobCount(s.gw->dataDir), 0u) << fault;
        s.faults({});
        EXPECT_EQ(fetch(c, grant).status, 409) << "a grant that met a forged licence is spent";
    }
    auto m = c.request("GET", "/metrics");
    EXPECT_NE(m.body.find("lgw_alerts_total{action=\"licence.verify\"} 2"), std::string::npos) << m.body;
}

TEST(Consent, WrongAppSecretIsRefusedByThePlatform) {
    SimGateway s([](config::Config& c) {
        c.govdata.appSecretEnv = "LGW_TEST_WRONG_SECRET";
        ::setenv("LGW_TEST_WRONG_SECRET", "not-the-platform-secret-000000", 1);
    });
    HttpClient c(s.gw->port);
    auto r = startConsent(c, "enterprise", enterprise());
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.jsonString("code"), "upstream_refused");
}

// Issue 18: "the licence signature leaves holder, issuer, data and the annotation's purpose
// unsigned, and the signed annotation.expires_at is never checked". The simulator signs each of
// these licences with its real key; each must still be refused, and nothing stored.
TEST(Consent, ALicenceIsSignedWholeAndItsAnnotationSaysWhatWasAsked) {
    SimGateway s;
    HttpClient c(s.gw->port);
    struct Case {
        const char* fault;
        const char* code;
        const char* says;
    };
    for (auto [fault, code, says] : std::vector<Case>{{"legacy_signature", "licence_signature_invalid", "some fields only"},
                                                      {"tamper_after_signing", "licence_signature_invalid", "does not verify"},
                                                      {"expired_annotation", "licence_rejected", "expired"},
                                                      {"foreign_requester", "licence_rejected", "requester"}}) {
        auto grant = grantFor(s, c, "enterprise", enterprise());
        s.faults({{fault, true}});
        auto r = fetch(c, grant);
        s.faults({});
        EXPECT_EQ(r.status, 502) << fault << ": " << r.body;
        EXPECT_EQ(r.jsonString("code"), code) << fault;
        EXPECT_NE(r.jsonString("detail").find(says), std::string::npos) << fault << ": " << r.body;
        EXPECT_EQ(blobCount(s.gw->dataDir), 0u) << fault;
    }
    // And with no fault the same simulator's licences verify: its canonical JSON is the gateway's.
    auto grant = grantFor(s, c, "enterprise", enterprise());
    EXPECT_EQ(fetch(c, grant).status, 200);
}

TEST(Consent, SimulatorRejectsReplayedNoncesStaleTimestampsAndBadSignatures) {
    SimGateway s;
    HttpClient c(s.sim->port());
    std::string body = R"({"holder_code_type":"USCC","holder_code":")" + enterprise() + R"("})";
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    auto headers = security::signRequest("licence-gateway", kGovSecret, "POST", "/api/v1/subjects/contact", body, now);
    headers.emplace_back("Content-Type", "application/json");
    EXPECT_EQ(c.request("POST", "/api/v1/subjects/contact", body, headers).status, 200);
    auto replay = c.request("POST", "/api/v1/subjects/contact", body, headers);
    EXPECT_EQ(replay.status, 401);
    EXPECT_NE(replay.body.find("nonce replayed"), std::string::npos);
    auto stale = security::signRequest("licence-gateway", kGovSecret, "POST", "/api/v1/subjects/contact", body,
                                       now - 6 * 60 * 1000);
    EXPECT_EQ(c.request("POST", "/api/v1/subjects/contact", body, stale).status, 401);
    auto forged = security::signRequest("licence-gateway", "another-secret-entirely-xxxx", "POST",
                                        "/api/v1/subjects/contact", body, now);
    EXPECT_EQ(c.request("POST", "/api/v1/subjects/contact", body, forged).status, 401);
    EXPECT_EQ(c.request("POST", "/api/v1/subjects/contact", body).status, 401);
}

// Issue 23: "the platform idle for more than its keep-alive (120 s), then 32 consents: 32 x 502:
// the retry after a stale connection took another stale pooled connection; five failures opened
// the breaker". The simulator here closes connections idle for 300 ms.
TEST(Consent, APlatformThatClosedItsIdleConnectionsCostsNoConsent) {
    SimGateway s(
        [](config::Config& c) {
            c.govdata.retries = 0;  // no retry of the gateway's own to hide a failed call
            c.govdata.breakerFailures = 2;
        },
        {}, std::nullopt, 300);
    auto personAt = [](std::size_t i) {
        return holders().find([](const json::object& h) { return h.at("holder_code_type").as_string() == "ID"; }, i);
    };
    std::atomic<int> created{0};
    {
        // Eight desks at once on a slow platform: eight connections to it in the pool.
        s.faults({{"latency_ms", 200}});
        std::vector<std::thread> desks;
        for (int d = 0; d < 8; ++d)
            desks.emplace_back([&, d] {
                HttpClient c(s.gw->port);
                if (startConsent(c, "person", personAt(d), R"(["id_card"])").status == 201) ++created;
            });
        for (auto& d : desks) d.join();
        s.faults({});
    }
    ASSERT_EQ(created, 8);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));  // the platform closes them all
    HttpClient c(s.gw->port);
    for (std::size_t i = 8; i < 16; ++i) EXPECT_EQ(startConsent(c, "person", personAt(i), R"(["id_card"])").status, 201) << i;
    EXPECT_NE(c.request("GET", "/metrics").body.find("lgw_upstream_circuit_open{upstream=\"govdata\"} 0"),
              std::string::npos);
}

TEST(Consent, CircuitBreakerOpensAndCloses) {
    SimGateway s([](config::Config& c) {
        c.govdata.retries = 0;
        c.govdata.breakerFailures = 2;
        c.govdata.breakerCooldownMs = 30000;  // passes on the injected clock below, never in real time
    });
    HttpClient c(s.gw->port);
    s.faults({{"error_rate", 1.0}});
    EXPECT_EQ(startConsent(c, "enterprise", enterprise(0)).status, 502);
    EXPECT_EQ(startConsent(c, "enterprise", enterprise(1)).status, 502);
    auto callsBefore = s.sim->calls();
    auto open = startConsent(c, "enterprise", enterprise(2));
    EXPECT_EQ(open.status, 502);
    EXPECT_NE(open.jsonString("detail").find("circuit open"), std::string::npos) << open.body;
    EXPECT_EQ(s.sim->calls(), callsBefore) << "an open circuit must not call the platform";
    auto ready = c.request("GET", "/readyz");
    EXPECT_NE(ready.body.find("\"govdata_circuit\":\"open\""), std::string::npos) << ready.body;
    EXPECT_NE(c.request("GET", "/metrics").body.find("lgw_upstream_circuit_open{upstream=\"govdata\"} 1"),
              std::string::npos);
    s.faults({});
    EXPECT_EQ(startConsent(c, "enterprise", enterprise(3)).status, 502);  // still open: no time has passed
    s.clock.advance(30001ms);  // the gateway's one clock: the cooldown passes without a sleep
    HttpClient again(s.gw->port);
    EXPECT_EQ(startConsent(again, "enterprise", enterprise(3)).status, 201);
    EXPECT_NE(again.request("GET", "/readyz").body.find("\"govdata_circuit\":\"closed\""), std::string::npos);
}

TEST(Consent, RateLimitsPerPhoneSubjectAndCaller) {
    SimGateway s([](config::Config& c) {
        c.consent.perPhone = {2, 3600};
        c.consent.perSubject = {3, 3600};
        c.consent.perCaller = {4, 3600};  // the fifth request below is the fifth from this caller
    });
    HttpClient c(s.gw->port);
    std::string a = enterprise(0);
    EXPECT_EQ(startConsent(c, "enterprise", a).status, 201);
    EXPECT_EQ(startConsent(c, "enterprise", a).status, 201);
    auto phone = startConsent(c, "enterprise", a);
    EXPECT_EQ(phone.status, 429);
    EXPECT_NE(phone.jsonString("detail").find("to this phone"), std::string::npos) << phone.body;
    EXPECT_FALSE(phone.header("retry-after").empty());
    auto subject = startConsent(c, "enterprise", a);
    EXPECT_EQ(subject.status, 429);
    EXPECT_NE(subject.jsonString("detail").find("for this subject"), std::string::npos) << subject.body;
    auto caller = startConsent(c, "enterprise", enterprise(1));
    EXPECT_EQ(caller.status, 429);
    EXPECT_NE(caller.jsonString("detail").find("from this caller"), std::string::npos) << caller.body;
    s.clock.advance(3601s);
    EXPECT_EQ(startConsent(c, "enterprise", enterprise(1)).status, 201);
}

// The consent is stored before its SMS (issue 18); a failed send names none, so none can be used.
TEST(Consent, FailedSmsNamesNoConsent) {
    SimGateway s([](config::Config& c) { c.sms.logFile = "no-such-dir/sms.ndjson"; });
    HttpClient c(s.gw->port);
    auto r = startConsent(c, "enterprise", enterprise());
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.jsonString("code"), "sms_failed");
    EXPECT_TRUE(r.jsonString("consent_id").empty());
}

TEST(Consent, ExpiringLicenceSetsDaysAndRemindersGoOutOnce) {
    SimGateway s;
    HttpClient c(s.gw->port);
    std::string code = holders().find([](const json::object& h) {
        return h.at("holder_code_type").as_string() == "USCC" &&
               security::validateCreditCode(std::string(h.at("holder_code").as_string())).valid &&
               Holders::soonExpiring(h);
    });
    auto grant = grantFor(s, c, "enterprise", code, R"(["business_licence"])");
    auto f = fetch(c, grant);
    ASSERT_EQ(f.status, 200) << f.body;
    auto fo = obj(f);
    auto& l = fo.at("licences").as_array()[0].as_object();
    ASSERT_TRUE(l.at("expires_within_days").is_int64()) << f.body;
    auto days = l.at("expires_within_days").as_int64();
    EXPECT_LT(days, 30);
    auto reminders = [&] {
        std::size_t n = 0;
        for (auto& line : s.smsLines())
            if (line.at("template").as_string() == "licence_expiring") ++n;
        return n;
    };
    EXPECT_EQ(reminders(), 0u);
    // Past the valid_to day: the 7- and 1-day reminders (those still ahead at fetch time) are due.
    s.clock.advance(std::chrono::hours(24 * (days + 1)));
    for (int i = 0; i < 100 && reminders() == 0; ++i) std::this_thread::sleep_for(20ms);
    std::this_thread::sleep_for(300ms);  // several more scheduler passes
    std::size_t expected = (days >= 7 ? 1u : 0u) + (days >= 1 ? 1u : 0u);
    EXPECT_EQ(reminders(), expected);
}

namespace {

// A fake SMS provider on 127.0.0.1:0: checks the UPSTREAMS.md signature, records what it was asked
// to send, and fails on demand.
class FakeSmsProvider {
public:
    explicit FakeSmsProvider(std::string secret) : secret_(std::move(secret)) {
        http_.router().add({"POST", "/sms/send", {}, 0, {}, [this](gateway::HttpRequest r) { return handle(std::move(r)); }});
        config::ServerConfig sc;
        sc.port = 0;
        sc.ioThreads = 1;
        sc.shutdownGraceMs = 100;
        http_.bind(sc);
        http_.start();
    }
    std::string url() const { return http_.baseUrl(); }
    std::atomic<int> status{200};
    std::mutex mutex;
    std::vector<json::object> received;

private:
    boost::asio::awaitable<gateway::HttpResponse> handle(gateway::HttpRequest req) {
        gateway::HttpResponse r;
        auto* ts = req.header("x-timestamp");
        auto* nonce = req.header("x-nonce");
        auto* sig = req.header("x-signature");
        if (!ts || !nonce || !sig ||
            *sig != security::requestSignature(secret_, req.method, req.path, *ts, *nonce, req.body)) {
            r.status = 401;
            co_return r;
        }
        r.status = status.load();
        if (r.status == 200) {
            std::lock_guard lock(mutex);
            received.push_back(json::parse(req.body).as_object());
        }
        r.body = "{}";
        co_return r;
    }
    std::string secret_;
    gateway::EmbeddedServer http_{"fake-sms"};
};

}  // namespace

TEST(Consent, HttpSmsProviderGetsASignedMessageAndItsFailuresAre502) {
    ::setenv("LGW_TEST_SMS_SECRET", "sms-provider-secret-0123456789", 1);
    FakeSmsProvider provider("sms-provider-secret-0123456789");
    std::string url = provider.url();
    SimGateway s([&](config::Config& c) {
        c.sms.kind = "http";
        c.sms.url = url;
        c.sms.secretEnv = "LGW_TEST_SMS_SECRET";
        c.sms.retries = 1;
    });
    HttpClient c(s.gw->port);
    auto ok = startConsent(c, "enterprise", enterprise());
    ASSERT_EQ(ok.status, 201) << ok.body;
    {
        std::lock_guard lock(provider.mutex);
        ASSERT_EQ(provider.received.size(), 1u);
        auto& m = provider.received[0];
        EXPECT_EQ(m.at("template").as_string(), "consent_code");
        EXPECT_EQ(m.at("params").as_object().at("code").as_string().size(), 6u);
        EXPECT_EQ(m.at("phone").as_string().size(), 11u);
    }
    provider.status = 503;
    auto failed = startConsent(c, "enterprise", enterprise(1));
    EXPECT_EQ(failed.status, 502);
    EXPECT_EQ(failed.jsonString("code"), "sms_failed");
    EXPECT_NE(failed.jsonString("detail").find("503"), std::string::npos) << failed.body;
}

TEST(Consent, PlatformOverHttpsWithConnectionReuse) {
    auto dir = freshTempDir("govtls");
    std::string d = dir.string();
    auto run = [](const std::string& cmd) { ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0) << cmd; };
    run("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-keyout ca.key -out ca.crt -subj /CN=gov-test-ca");
    run("cd " + d + " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout gov.key -out gov.csr "
        "-subj /CN=127.0.0.1");
    run("cd " + d + " && printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && openssl x509 -req -in gov.csr -CA ca.crt "
        "-CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out gov.crt");
    SimGateway s({}, {}, SimGateway::Tls{d + "/gov.crt", d + "/gov.key", d + "/ca.crt"});
    ASSERT_EQ(s.sim->baseUrl().rfind("https://", 0), 0u);
    HttpClient c(s.gw->port);
    for (int i = 0; i < 3; ++i) {
        auto grant = grantFor(s, c, "enterprise", enterprise(static_cast<std::size_t>(i)));
        EXPECT_EQ(fetch(c, grant).status, 200);
    }
    // Six sequential calls over one kept-alive TLS connection.
    EXPECT_EQ(s.sim->calls(), 6u);
    EXPECT_EQ(s.sim->connections(), 1u);
    std::filesystem::remove_all(dir);
}

TEST(Consent, PlatformWithAnUntrustedCertificateIsRefused) {
    auto dir = freshTempDir("govtls2");
    std::string d = dir.string();
    ASSERT_EQ(std::system(("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                                       "-days 2 -keyout gov.key -out gov.crt -subj /CN=127.0.0.1 "
                                       "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1").c_str()), 0);
    ASSERT_EQ(std::system(("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                                       "-days 2 -keyout other.key -out other.crt -subj /CN=other >/dev/null 2>&1").c_str()), 0);
    SimGateway s([](config::Config& c) { c.govdata.retries = 0; }, {},
                 SimGateway::Tls{d + "/gov.crt", d + "/gov.key", d + "/other.crt"});
    HttpClient c(s.gw->port);
    auto r = startConsent(c, "enterprise", enterprise());
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.jsonString("code"), "upstream_unavailable");
    EXPECT_NE(r.jsonString("detail").find("TLS"), std::string::npos) << r.body;
    std::filesystem::remove_all(dir);
}

// Issue 20: the licence file is an OFD 加注件 whose electronic seal is the legal evidence. A page
// changed after sealing, a broken seal, a file slipped in, a seal from a root the gateway does not
// trust, or no trust anchor at all: 502 licence_seal_invalid naming what failed, nothing stored,
// an alert; and the sealed licence that holds is stored with its seal's report.
TEST(Consent, ASealedLicenceThatDoesNotVerifyStoresNothing) {
    SimGateway s;
    HttpClient c(s.gw->port);
    struct Case {
        const char* fault;
        const char* says;
    };
    for (auto [fault, says] : std::vector<Case>{{"ofd_tampered_page", "reference /Doc_0/Pages/Page_0/Content.xml"},
                                                {"ofd_broken_seal", "the signed value"},
                                                {"ofd_uncovered_file", "no signature covers: /Doc_0/Pages/Page_1/Content.xml"}}) {
        auto grant = grantFor(s, c, "enterprise", enterprise());
        s.faults({{fault, true}});
        auto r = fetch(c, grant);
        s.faults({});
        EXPECT_EQ(r.status, 502) << fault << ": " << r.body;
        EXPECT_EQ(r.jsonString("code"), "licence_seal_invalid") << fault;
        EXPECT_NE(r.jsonString("detail").find(says), std::string::npos) << fault << ": " << r.body;
        EXPECT_EQ(blobCount(s.gw->dataDir), 0u) << fault;
    }
    auto m = c.request("GET", "/metrics");
    EXPECT_NE(m.body.find("lgw_alerts_total{action=\"licence.verify\"} 3"), std::string::npos) << m.body;

    auto grant = grantFor(s, c, "enterprise", enterprise());
    auto ok = fetch(c, grant);
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto body = json::parse(ok.body);
    const auto& first = body.at("licences").as_array().at(0).as_object();
    EXPECT_EQ(first.at("content_type").as_string(), "application/ofd");
    EXPECT_NE(std::string(first.at("seal").as_string()).find("1 seal verified"), std::string::npos) << ok.body;
    auto events = c.request("GET", "/v1/audit/events?action=licence.store", "", {{"Authorization", "Bearer demo-auditor"}});
    EXPECT_NE(events.body.find("1 seal verified"), std::string::npos) << events.body;
}

TEST(Consent, ASealFromAnUntrustedRootOrWithoutAnchorsIsRefused) {
    const std::string otherRoot = (freshTempDir("root") / "other-root.pem").string();
    std::ofstream(otherRoot) << ofd::makeTestPki("not the simulator's seed").root.certPem;
    struct Case {
        std::vector<std::string> anchors;
        const char* says;
    };
    for (auto [anchors, says] : std::vector<Case>{{{otherRoot}, "unable to get local issuer certificate"},
                                                  {{}, "govdata.ofd_trust_anchors"}}) {
        SimGateway s([anchors = anchors](config::Config& cfg) { cfg.govdata.ofdTrustAnchors = anchors; });
        HttpClient c(s.gw->port);
        auto r = fetch(c, grantFor(s, c, "enterprise", enterprise()));
        EXPECT_EQ(r.status, 502) << r.body;
        EXPECT_EQ(r.jsonString("code"), "licence_seal_invalid");
        EXPECT_NE(r.jsonString("detail").find(says), std::string::npos) << r.body;
        EXPECT_EQ(blobCount(s.gw->dataDir), 0u);
    }
}
