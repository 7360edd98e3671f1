#include "ofd/report_json.hpp"

#include <boost/json/array.hpp>

namespace lgw::ofd {

namespace {

boost::json::array strings(const std::vector<std::string>& list) {
    boost::json::array a;
    for (const auto& s : list) a.emplace_back(s);
    return a;
}

}  // namespace

boost::json::object reportJson(const OfdReport& report) {
    boost::json::object o;
    o["ok"] = report.ok();
    o["checked_at"] = utcText(report.checkedAtS);
    if (!report.readable) {
        o["error"] = report.readError;
        return o;
    }
    boost::json::array sigs;
    for (const auto& s : report.signatures) {
        boost::json::object j;
        j["id"] = s.id;
        j["type"] = s.type;
        j["format"] = s.format;
        j["location"] = s.location;
        j["signer"] = s.signer;
        j["seal_name"] = s.sealName;
        j["seal_id"] = s.sealId;
        j["seal_maker"] = s.sealMaker;
        j["signed_at"] = s.signedAt ? boost::json::value(utcText(*s.signedAt)) : boost::json::value(nullptr);
        j["signature"] = s.signature;
        j["seal_signature"] = s.sealSignature;
        j["chain"] = s.chain;
        j["seal_chain"] = s.sealChain;
        j["references"] = {{"checked", s.referencesChecked}, {"failed", strings(s.referencesFailed)}};
        j["problems"] = strings(s.problems);
        j["warnings"] = strings(s.warnings);
        j["ok"] = s.ok();
        sigs.emplace_back(std::move(j));
    }
    o["signatures"] = std::move(sigs);
    o["uncovered_files"] = strings(report.uncoveredFiles);
    o["problems"] = strings(report.problems);
    return o;
}

}  // namespace lgw::ofd
