// The consent domain without HTTP or a socket: the ConsentService on an in-memory SQLite store, a
// scripted platform (FakeGovData), SMS provider (FakeSms), vault and clock (tests/common). Time
// moves by FakeClock::advance, never by sleeping. The same flows over HTTP against the simulator
// are tests/integration/consent_test.cpp.
#include <gtest/gtest.h>

#include "gateway/api/error_mapping.hpp"
#include "gateway/services/consents.hpp"
#include "gateway/services/time_text.hpp"
#include "security/consent_codes.hpp"
#include "security/identity_codes.hpp"
#include "tests/common/service_harness.hpp"
#include "tests/common/fake_gov_data.hpp"
#include "tests/common/fake_sms.hpp"
#include "tests/common/memory_vault.hpp"
#include "tests/common/run_coroutine.hpp"

namespace lgw::gateway {
namespace {

using namespace std::chrono_literals;
using testing::FakeGovData;
using testing::runCoroutine;

// Synthetic holders: a valid credit code and ID number, not of anyone.
const std::string kCompany = "91110102E80346803Q";
const std::string kCompanyPhone = "16000000001";

std::string syntheticIdNumber() {
    const std::string first17 = "11010519491231002";
    return first17 + security::idNumberCheckChar(first17);
}

const Actor kDesk{"desk-a", "front_desk", "req-1"};

class ConsentServiceTest : public ::testing::Test, protected testing::ServiceHarness {
protected:
    ConsentServiceTest() {
        gov.addHolder(kCompany, kCompanyPhone,
                      {FakeGovData::licence("business_licence", kCompany, "模拟电力用户有限公司", kCompany)});
        gov.addHolder(syntheticIdNumber(), "16000000002");
    }

    ConsentRequest request(std::string code = kCompany, std::string type = "enterprise") const {
        return ConsentRequest{"APP-1", "power_connection", std::move(type), std::move(code), {"business_licence"}};
    }
    ConsentResult<ConsentStarted> start(ConsentRequest rq, Actor who = kDesk) {
        return runCoroutine(consents.start(std::move(who), std::move(rq)));
    }
    ConsentResult<GrantIssued> verify(const std::string& id, std::string code, Actor who = kDesk) {
        return runCoroutine(consents.verify(std::move(who), id, std::move(code)));
    }
    ConsentResult<LicencesFetched> fetch(const std::string& grant, Actor who = kDesk) {
        return runCoroutine(consents.fetchLicences(std::move(who), grant, std::nullopt));
    }
    // A consent started and verified: its grant id.
    std::string granted() {
        auto started = start(request());
        EXPECT_TRUE(started) << started.error().detail;
        auto grant = verify(started->consentId, sms.lastCode(started->consentId));
        EXPECT_TRUE(grant) << grant.error().detail;
        return grant->grantId;
    }
    std::vector<store::AuditEvent> events(std::string action) {
        store::AuditFilter f;
        f.action = std::move(action);
        return store.auditEvents(f);
    }

    FakeGovData gov;
    testing::FakeSms sms;
    testing::MemoryVault vault;
    ConsentService consents{{services, auditor, gov, sms, vault, gov.keys(), "code-secret", "sha-of-text"}};
};

TEST_F(ConsentServiceTest, TheWalkFromCodeToStoredLicences) {
    auto started = start(request());
    ASSERT_TRUE(started) << started.error().detail;
    EXPECT_EQ(started->maskedPhone, "160****0001");
    EXPECT_EQ(started->codeExpiresAt, clock->nowMs() + 300000);
    ASSERT_EQ(sms.sent.size(), 1u);
    EXPECT_EQ(sms.sent[0].phone, kCompanyPhone) << "the phone on record, not one the caller gives";
    const std::string code = sms.lastCode(started->consentId);
    EXPECT_TRUE(security::looksLikeSmsCode(code));

    auto grant = verify(started->consentId, code);
    ASSERT_TRUE(grant) << grant.error().detail;
    EXPECT_EQ(grant->applicationId, "APP-1");

    auto fetched = fetch(grant->grantId);
    ASSERT_TRUE(fetched) << fetched.error().detail;
    ASSERT_EQ(fetched->licences.size(), 1u);
    EXPECT_EQ(fetched->autofill.creditCode, kCompany);
    EXPECT_EQ(fetched->autofill.customerName, "模拟电力用户有限公司");
    EXPECT_FALSE(fetched->autofill.idNumber);
    // What the platform was asked: the consented purpose, as the utility, with the consent's evidence.
    ASSERT_TRUE(gov.lastQuery);
    EXPECT_EQ(gov.lastQuery->purpose, "业扩报装");
    EXPECT_EQ(gov.lastQuery->requesterOrgCode, cfg.govdata.orgCode);
    EXPECT_EQ(gov.lastQuery->consentId, started->consentId);
    EXPECT_EQ(gov.lastQuery->consentTextSha256, "sha-of-text");
    // Stored: the file in the vault, the document and its licence record in the store.
    auto docs = store.documentsOf("APP-1");
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].id, fetched->licences[0].documentId);
    EXPECT_EQ(vault.blobs.at(docs[0].id), "fake licence file of " + kCompany);
    EXPECT_TRUE(fetched->licences[0].licence.fileBytes.empty()) << "the file stays in the vault";
    for (const char* action : {"consent.create", "consent.verify", "licence.store", "licences.fetch"}) {
        auto e = events(action);
        ASSERT_EQ(e.size(), 1u) << action;
        EXPECT_EQ(e[0].outcome, "allowed") << action;
        EXPECT_EQ(e[0].actor, "desk-a") << action;
        EXPECT_EQ(e[0].detailJson.find(kCompanyPhone), std::string::npos) << "no full phone in " << action;
    }
}

TEST_F(ConsentServiceTest, AMalformedCodeAsksNobody) {
    auto r = start(request("91110102E8034680", "enterprise"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ConsentErrc::kInvalidSubjectCode);
    EXPECT_TRUE(sms.sent.empty());
    EXPECT_EQ(gov.queries, 0);
}

TEST_F(ConsentServiceTest, AWrongCodeCountsAndTheFifthLocks) {
    auto started = start(request());
    ASSERT_TRUE(started);
    const std::string right = sms.lastCode(started->consentId);
    const std::string wrong = right == "000000" ? "111111" : "000000";
    auto first = verify(started->consentId, wrong);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, ConsentErrc::kCodeMismatch);
    EXPECT_EQ(first.error().attemptsLeft, 4);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(verify(started->consentId, wrong).error().code, ConsentErrc::kCodeMismatch);
    auto locking = verify(started->consentId, wrong);
    ASSERT_FALSE(locking);
    EXPECT_EQ(locking.error().code, ConsentErrc::kConsentLocked);
    EXPECT_EQ(verify(started->consentId, right).error().code, ConsentErrc::kConsentLocked) << "the right code is too late";
    auto alerts = events("consent.verify");
    int alertsSeen = 0;
    for (auto& e : alerts) alertsSeen += e.alert ? 1 : 0;
    EXPECT_EQ(alertsSeen, 1) << "the attempt that locked it is the alert";
}

TEST_F(ConsentServiceTest, TheCodeExpiresOnTheClock) {
    auto started = start(request());
    ASSERT_TRUE(started);
    clock->advance(301s);
    auto late = verify(started->consentId, sms.lastCode(started->consentId));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, ConsentErrc::kConsentExpired);
}

TEST_F(ConsentServiceTest, AResendWaitsItsIntervalAndReplacesTheCode) {
    auto started = start(request());
    ASSERT_TRUE(started);
    const std::string first = sms.lastCode(started->consentId);
    auto soon = runCoroutine(consents.resend(kDesk, started->consentId));
    ASSERT_FALSE(soon);
    EXPECT_EQ(soon.error().code, ConsentErrc::kRateLimited);
    EXPECT_EQ(soon.error().retryAfterS, 60);
    clock->advance(61s);
    auto resent = runCoroutine(consents.resend(kDesk, started->consentId));
    ASSERT_TRUE(resent) << resent.error().detail;
    ASSERT_EQ(sms.sent.size(), 2u);
    const std::string second = sms.lastCode(started->consentId);
    if (second != first) {
        EXPECT_EQ(verify(started->consentId, first).error().code, ConsentErrc::kCodeMismatch);
    }
    EXPECT_TRUE(verify(started->consentId, second));
}

// Issue 18: a consent could be resent without end, each resend renewing it and none counted.
TEST_F(ConsentServiceTest, AConsentTakesThreeNewCodesAndNoMore) {
    auto started = start(request());
    ASSERT_TRUE(started);
    for (int i = 1; i <= 3; ++i) {
        clock->advance(61s);
        auto resent = runCoroutine(consents.resend(kDesk, started->consentId));
        ASSERT_TRUE(resent) << i << ": " << resent.error().detail;
    }
    clock->advance(61s);
    auto fourth = runCoroutine(consents.resend(kDesk, started->consentId));
    ASSERT_FALSE(fourth);
    EXPECT_EQ(fourth.error().code, ConsentErrc::kResendLimit);
    EXPECT_EQ(consentProblem(fourth.error()).status, 409);
    EXPECT_EQ(sms.sent.size(), 4u) << "the first code and three new ones";
    EXPECT_TRUE(verify(started->consentId, sms.lastCode(started->consentId))) << "the last code still serves";
}

TEST_F(ConsentServiceTest, AConsentEndsFifteenMinutesAfterItStartedWhateverItsResends) {
    auto started = start(request());
    ASSERT_TRUE(started);
    clock->advance(std::chrono::minutes(13));
    auto resent = runCoroutine(consents.resend(kDesk, started->consentId));
    ASSERT_TRUE(resent) << resent.error().detail;
    EXPECT_EQ(resent->codeExpiresAt, ServiceHarness::kStartMs + 15 * 60000) << "the new code ends with the consent";
    EXPECT_EQ(sms.sent.back().params.at("valid_minutes"), "2");
    clock->advance(std::chrono::minutes(2) + 1s);
    auto late = verify(started->consentId, sms.lastCode(started->consentId));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, ConsentErrc::kConsentExpired);
    auto again = runCoroutine(consents.resend(kDesk, started->consentId));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ConsentErrc::kConsentExpired);
}

TEST_F(ConsentServiceTest, ResendsCountAgainstThePhonesLimit) {
    cfg.consent.perPhone = {2, 3600};
    auto started = start(request());
    ASSERT_TRUE(started);
    clock->advance(61s);
    ASSERT_TRUE(runCoroutine(consents.resend(kDesk, started->consentId)));
    clock->advance(61s);
    auto third = runCoroutine(consents.resend(kDesk, started->consentId));
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, ConsentErrc::kRateLimited);
    EXPECT_EQ(sms.sent.size(), 2u);
    EXPECT_EQ(store.consent(started->consentId)->resends, 1) << "a refused resend reserves nothing";
}

TEST_F(ConsentServiceTest, AnotherCallersConsentIsNotFound) {
    auto started = start(request());
    ASSERT_TRUE(started);
    Actor other{"desk-b", "front_desk", "req-2"};
    EXPECT_EQ(runCoroutine(consents.resend(other, started->consentId)).error().code, ConsentErrc::kConsentNotFound);
    EXPECT_EQ(verify(started->consentId, sms.lastCode(started->consentId), other).error().code,
              ConsentErrc::kConsentNotFound);
}

// The code is kept (with its consent.create event) before the SMS leaves (issue 18), so no SMS
// carries a code the gateway does not hold; a failed send answers no consent id, so the consent it
// leaves is one nobody can name, resend or verify.
TEST_F(ConsentServiceTest, TheCodeIsStoredBeforeTheSmsLeavesAndAFailedSendNamesNoConsent) {
    sms.failWith = adapters::sms::SmsError{"provider said no"};
    auto r = start(request());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ConsentErrc::kSmsFailed);
    ASSERT_TRUE(std::holds_alternative<adapters::sms::SmsError>(r.error().cause));
    auto failed = events("consent.sms");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].outcome, "error");
    auto created = events("consent.create");
    ASSERT_EQ(created.size(), 1u);
    EXPECT_LT(created[0].seq, failed[0].seq) << "stored and recorded first, then sent";
    EXPECT_EQ(created[0].target, failed[0].target);
    EXPECT_TRUE(store.consent(created[0].target)) << "the code the SMS would have carried is the stored one";
}

TEST_F(ConsentServiceTest, TheLimitPerPhoneHoldsAcrossSubjectsOfThatPhone) {
    cfg.consent.perPhone = {2, 3600};
    ASSERT_TRUE(start(request()));
    ASSERT_TRUE(start(request()));
    auto third = start(request());
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, ConsentErrc::kRateLimited);
    EXPECT_GT(third.error().retryAfterS, 0);
    EXPECT_EQ(sms.sent.size(), 2u);
}

TEST_F(ConsentServiceTest, AGrantServesOneFetchOfItsOwnCaller) {
    const std::string grant = granted();
    Actor other{"desk-b", "front_desk", "req-9"};
    auto stolen = fetch(grant, other);
    ASSERT_FALSE(stolen);
    EXPECT_EQ(stolen.error().code, ConsentErrc::kGrantScope);
    ASSERT_TRUE(fetch(grant));
    auto twice = fetch(grant);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ConsentErrc::kGrantUsed);
    auto denied = events("licences.fetch");
    bool alerted = false;
    for (auto& e : denied) alerted = alerted || (e.alert && e.actor == "desk-b");
    EXPECT_TRUE(alerted) << "another caller's attempt is an alert";
}

TEST_F(ConsentServiceTest, AnOutageGivesTheGrantBack) {
    const std::string grant = granted();
    gov.failNextQuery = adapters::govdata::GovError{adapters::govdata::GovErrorCode::kUpstreamTimeout, "no answer in 5 s"};
    auto failed = fetch(grant);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ConsentErrc::kUpstream);
    EXPECT_TRUE(std::holds_alternative<adapters::govdata::GovError>(failed.error().cause));
    EXPECT_TRUE(fetch(grant)) << "the retry within the grant's lifetime works";
}

// Issue 23: "a store error while writing a fetched licence ... and the grant was already spent".
TEST_F(ConsentServiceTest, AStoreFailureAfterVerificationGivesTheGrantBack) {
    const std::string grant = granted();
    vault.failNextPut = "No space left on device";
    EXPECT_THROW(fetch(grant), adapters::TransientError) << "a 503 store_unavailable, not a 500";
    EXPECT_TRUE(store.documentsOf("APP-1").empty());
    auto released = events("grant.release");
    ASSERT_EQ(released.size(), 1u);
    EXPECT_NE(released[0].detailJson.find("store_unavailable"), std::string::npos) << released[0].detailJson;
    auto retry = fetch(grant);
    ASSERT_TRUE(retry) << "the customer's consent still serves its one fetch: " << retry.error().detail;
    EXPECT_EQ(store.documentsOf("APP-1").size(), 1u);
    auto twice = fetch(grant);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ConsentErrc::kGrantUsed) << "and only one";
}

TEST_F(ConsentServiceTest, ALicenceThatDoesNotVerifyStoresNothing) {
    const std::string grant = granted();
    gov.corruptSignatures = true;
    auto r = fetch(grant);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ConsentErrc::kLicenceRejected);
    const ConsentFailure failure = r.error();
    auto* verdict = std::get_if<security::LicenceVerdict>(&failure.cause);
    ASSERT_NE(verdict, nullptr);
    EXPECT_EQ(verdict->code, "licence_signature_invalid");
    EXPECT_TRUE(store.documentsOf("APP-1").empty());
    EXPECT_TRUE(vault.blobs.empty());
}

TEST_F(ConsentServiceTest, ALicenceEndingSoonGetsItsReminders) {
    const std::string soon = dateUtc(clock->nowMs() + 10LL * 86400000);
    gov.addHolder(kCompany, kCompanyPhone,
                  {FakeGovData::licence("business_licence", kCompany, "模拟电力用户有限公司", kCompany, soon)});
    auto r = fetch(granted());
    ASSERT_TRUE(r) << r.error().detail;
    ASSERT_EQ(r->licences.size(), 1u);
    ASSERT_TRUE(r->licences[0].expiresWithinDays);
    EXPECT_LE(*r->licences[0].expiresWithinDays, 10);
    // 7 and 1 days before the end are ahead (30 is past): two reminders, due once the clock gets there.
    EXPECT_TRUE(store.takeDueReminders(clock->nowMs(), 10).empty());
    auto due = store.takeDueReminders(clock->nowMs() + 11LL * 86400000, 10);
    EXPECT_EQ(due.size(), 2u);
    for (auto& rem : due) EXPECT_EQ(rem.phone, kCompanyPhone);
}

// Every failure has the status API.md gives it; a cause maps through its adapter's problem.
TEST(ConsentErrors, MapToTheirProblems) {
    struct Row {
        ConsentErrc code;
        int status;
        const char* wire;
    };
    for (auto [code, status, wire] : std::vector<Row>{{ConsentErrc::kInvalidSubjectCode, 422, "invalid_subject_code"},
                                                     {ConsentErrc::kConsentNotFound, 404, "consent_not_found"},
                                                     {ConsentErrc::kConsentLocked, 423, "consent_locked"},
                                                     {ConsentErrc::kConsentUsed, 409, "consent_used"},
                                                     {ConsentErrc::kConsentExpired, 410, "consent_expired"},
                                                     {ConsentErrc::kCodeMismatch, 401, "code_mismatch"},
                                                     {ConsentErrc::kGrantNotFound, 404, "grant_not_found"},
                                                     {ConsentErrc::kGrantUsed, 409, "grant_used"},
                                                     {ConsentErrc::kGrantExpired, 410, "grant_expired"},
                                                     {ConsentErrc::kGrantScope, 403, "grant_scope"},
                                                     {ConsentErrc::kRateLimited, 429, "rate_limited"}}) {
        Problem p = consentProblem(ConsentFailure{code, "why"});
        EXPECT_EQ(p.status, status) << wire;
        EXPECT_EQ(p.code, wire);
    }
    ConsentFailure limited{ConsentErrc::kRateLimited, "wait"};
    limited.retryAfterS = 42;
    auto r = consentResponse(limited, "req");
    bool header = false;
    for (auto& [k, v] : r.headers) header = header || (k == "Retry-After" && v == "42");
    EXPECT_TRUE(header);
    ConsentFailure outage{ConsentErrc::kUpstream, "down"};
    outage.cause = adapters::govdata::GovError{adapters::govdata::GovErrorCode::kUpstreamTimeout, "no answer"};
    EXPECT_EQ(consentProblem(outage).status, 504);
}

}  // namespace
}  // namespace lgw::gateway
