#pragma once
// The government platform as a unit test scripts it: holders with a phone on record and licences,
// signed with a key of its own (SM2-SM3 over a stand-in for the licence's canonical JSON),
// annotated for the purpose and requester asked. A failure can be set per call. Records the last
// licence query, so a test can check what the gateway asked for.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/govdata/gov_data_platform.hpp"
#include "security/identity_codes.hpp"
#include "security/signature.hpp"

namespace lgw::testing {

class FakeGovData final : public adapters::govdata::GovDataPlatform {
public:
    using GovError = adapters::govdata::GovError;
    template <class T>
    using GovResult = adapters::govdata::GovResult<T>;

    /// A licence the platform would hold; `identifier` carries a correct MOD 37,36 check character.
    static security::ELicence licence(std::string type, std::string holderCode, std::string holder, std::string number,
                                      std::optional<std::string> validTo = std::nullopt) {
        security::ELicence l;
        l.type = std::move(type);
        l.name = l.type == "business_licence" ? "营业执照" : "电子证照";
        l.holderCode = std::move(holderCode);
        l.holder = std::move(holder);
        l.number = std::move(number);
        l.issuer = "模拟市场监督管理局";
        l.issuedOn = "2020-01-01";
        l.validFrom = "2020-01-01";
        l.validTo = std::move(validTo);
        const std::string body = "2001101100000000000" + std::to_string(serial()++ % 10);
        l.identifier = "1.2.156.3005.2." + body + "." + std::string(1, *security::mod37_36CheckChar(body));
        l.fileContentType = "image/png";
        l.fileBytes = "fake licence file of " + l.number;
        return l;
    }

    void addHolder(std::string code, std::string phone, std::vector<security::ELicence> licences = {}) {
        phones_[code] = std::move(phone);
        licences_[std::move(code)] = std::move(licences);
    }
    security::PlatformKeys keys() const { return {{keyId_, key_.publicKey()}}; }

    /// The next contactPhone / queryLicences fails with this (once).
    std::optional<GovError> failNextContact, failNextQuery;
    /// Signs licences as if for another holder or purpose (to test verification).
    bool corruptSignatures = false;
    std::optional<adapters::govdata::LicenceQuery> lastQuery;
    int queries = 0;

    boost::asio::awaitable<GovResult<std::string>> contactPhone(std::string, std::string code) override {
        if (failNextContact) {
            GovError e = *failNextContact;
            failNextContact.reset();
            co_return e;
        }
        auto it = phones_.find(code);
        if (it == phones_.end()) co_return GovError{adapters::govdata::GovErrorCode::kSubjectUnknown, "unknown holder"};
        co_return it->second;
    }

    boost::asio::awaitable<GovResult<std::vector<security::ELicence>>> queryLicences(
        adapters::govdata::LicenceQuery q) override {
        ++queries;
        lastQuery = q;
        if (failNextQuery) {
            GovError e = *failNextQuery;
            failNextQuery.reset();
            co_return e;
        }
        std::vector<security::ELicence> out;
        for (auto l : licences_[q.holderCode]) {
            if (std::find(q.licenceTypes.begin(), q.licenceTypes.end(), l.type) == q.licenceTypes.end()) continue;
            l.annotationPurpose = q.purpose;
            l.annotationRequester = q.requesterOrgCode;
            l.annotationExpiresAt = q.copyExpiresAt;
            l.signatureAlg = "SM2-SM3";
            l.signatureKeyId = keyId_;
            // Below the decoder there is no JSON: the fake signs a text that stands for the licence's
            // canonical form and hands it over as what was signed, as the decoder would.
            l.signatureCovers = "jcs";
            l.signedText = "fake-jcs|" + security::canonicalString(l) + "|" + l.holder + "|" + l.annotationPurpose + "|" +
                           l.annotationRequester;
            l.signatureValue = key_.sign(security::SignatureAlg::kSm2Sm3, l.signedText);
            if (corruptSignatures) l.signatureValue[l.signatureValue.size() / 2] ^= 0x5a;
            out.push_back(std::move(l));
        }
        co_return out;
    }

private:
    static int& serial() {
        static int n = 0;
        return n;
    }
    std::string keyId_ = "fake-gov";
    security::PrivateKey key_ = security::PrivateKey::generate(security::SignatureAlg::kSm2Sm3);
    std::map<std::string, std::string> phones_;
    std::map<std::string, std::vector<security::ELicence>> licences_;
};

}  // namespace lgw::testing
