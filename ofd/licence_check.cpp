#include "ofd/licence_check.hpp"

#include <boost/json/serialize.hpp>

#include "ofd/report_json.hpp"
#include "ofd/text.hpp"

namespace lgw::ofd {

namespace {

std::string firstProblem(const OfdReport& r) {
    if (!r.readable) return r.readError;
    for (const auto& s : r.signatures)
        if (!s.ok()) return "signature " + s.id + " (" + s.location + "): " + s.problems.front();
    if (!r.problems.empty()) return r.problems.front();
    return "the file does not verify";
}

}  // namespace

std::string sealSummary(const OfdReport& r) {
    std::string out = std::to_string(r.signatures.size()) + (r.signatures.size() == 1 ? " seal" : " seals") +
                      (r.ok() ? " verified" : " NOT verified");
    std::size_t warnings = 0;
    for (const auto& s : r.signatures) {
        out += ": " + s.format + ", signer \"" + s.signer + "\", seal \"" + s.sealName + "\"";
        if (s.signedAt) out += ", signed " + utcText(*s.signedAt);
        out += ", " + std::to_string(s.referencesChecked) + " references";
        warnings += s.warnings.size();
    }
    if (warnings) out += " (" + std::to_string(warnings) + " warnings)";
    return out;
}

std::string sealReportJson(const OfdReport& report) { return boost::json::serialize(reportJson(report)); }

LicenceFileCheck checkOfdLicence(const security::ELicence& l, const LicenceFileTrust& trust, std::int64_t nowS) {
    LicenceFileCheck c;
    const std::string who = "licence " + l.number + ": ";
    std::string error;
    auto pkg = OfdPackage::read(l.fileBytes, &error);
    if (!pkg) {
        c.report.readError = error;
        c.reason = who + "the OFD file cannot be read: " + error;
        return c;
    }
    VerifyOptions options{trust.anchors, trust.sealMakerAnchors, nowS};
    c.report = verifyOfd(*pkg, options);
    if (!c.report.ok()) {
        c.reason = who + "its seal does not verify: " + firstProblem(c.report);
        return c;
    }
    const DocumentText text = documentText(*pkg);
    auto onPage = [&](const std::string& value, const char* what) -> bool {
        if (value.empty() || text.pages.find(value) != std::string::npos) return true;
        c.reason = who + "the sealed page does not state the " + what + " \"" + value + "\" of the record";
        return false;
    };
    auto annotated = [&](const std::string& value, const char* what) -> bool {
        if (value.empty() || text.annotations.find(value) != std::string::npos) return true;
        c.reason = who + "the sealed annotation does not state the " + what + " \"" + value + "\"";
        return false;
    };
    if (!onPage(l.holder, "holder") || !onPage(l.holderCode, "holder code") || !onPage(l.number, "number")) return c;
    if (!annotated(l.annotationPurpose, "purpose") || !annotated(l.annotationRequester, "requester") ||
        !annotated(l.annotationExpiresAt, "expiry"))
        return c;
    c.ok = true;
    return c;
}

}  // namespace lgw::ofd
