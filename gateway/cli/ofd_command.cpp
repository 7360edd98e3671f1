// `licence-gateway ofd verify`: every signature of an OFD file (../shared/API.md §7), offline.
#include <boost/json/serialize.hpp>

#include <chrono>
#include <iostream>

#include "gateway/cli/commands.hpp"
#include "ofd/report_json.hpp"
#include "ofd/verify.hpp"
#include "text/rfc3339.hpp"

namespace lgw::gateway::cli {

namespace {

// The anchors of every PEM file named; nullopt after saying on stderr which file fails and why.
std::optional<ofd::TrustAnchors> anchorsFrom(const std::vector<std::string>& files, const char* flag) {
    ofd::TrustAnchors all;
    for (const auto& f : files) {
        auto pem = readWholeFile(f);
        std::string error;
        std::optional<ofd::TrustAnchors> one;
        if (pem) one = ofd::TrustAnchors::fromPem(*pem, &error);
        if (!one) {
            std::cerr << "ofd verify: " << flag << " " << f << ": " << (pem ? error : "cannot read it") << "\n";
            return std::nullopt;
        }
        all.add(*one);
    }
    return all;
}

void printText(const ofd::OfdReport& r) {
    std::cout << (r.ok() ? "OK" : "NOT VALID") << " (checked at " << ofd::utcText(r.checkedAtS) << ")\n";
    for (const auto& s : r.signatures) {
        std::cout << "signature " << s.id << " (" << s.type << ", " << s.format << ")";
        if (!s.signer.empty()) std::cout << " by \"" << s.signer << "\"";
        if (!s.sealName.empty()) std::cout << ", seal \"" << s.sealName << "\"";
        if (s.signedAt) std::cout << ", signed " << ofd::utcText(*s.signedAt);
        std::cout << ": " << (s.ok() ? "holds" : "does not hold") << "\n"
                  << "  signed value " << s.signature << ", seal " << s.sealSignature << ", chain " << s.chain
                  << ", seal maker's chain " << s.sealChain << ", references " << s.referencesChecked - s.referencesFailed.size()
                  << " of " << s.referencesChecked << " match\n";
        for (const auto& p : s.problems) std::cout << "  problem: " << p << "\n";
        for (const auto& w : s.warnings) std::cout << "  warning: " << w << "\n";
    }
    for (const auto& p : r.problems) std::cout << "problem: " << p << "\n";
}

}  // namespace

// Exit 0: every signature holds and its chain is trusted; 1: one does not (each problem names the
// signature and the file or certificate); 2: the file is no OFD or cannot be read, or the check
// cannot be made (an anchor file or --at that does not parse).
int ofdVerify(const std::string& file, const std::vector<std::string>& anchorFiles,
              const std::vector<std::string>& sealMakerAnchorFiles, const std::string& at, bool json) {
    ofd::VerifyOptions options;
    auto anchors = anchorsFrom(anchorFiles, "--trust-anchor");
    if (!anchors) return 2;
    options.anchors = std::move(*anchors);
    if (!sealMakerAnchorFiles.empty()) {
        options.sealMakerAnchors = anchorsFrom(sealMakerAnchorFiles, "--seal-maker-anchor");
        if (!options.sealMakerAnchors) return 2;
    }
    if (at.empty()) {
        options.atS = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    } else {
        auto ms = text::parseRfc3339Ms(at);
        if (!ms) {
            std::cerr << "ofd verify: --at " << at << " is no RFC 3339 time (such as 2021-06-01T00:00:00Z)\n";
            return 2;
        }
        options.atS = *ms / 1000;
    }
    auto bytes = readWholeFile(file);
    if (!bytes) {
        std::cerr << "ofd verify: cannot read " << file << "\n";
        return 2;
    }
    const ofd::OfdReport report = ofd::verifyOfdFile(*bytes, options);
    if (!report.readable) {
        if (json) std::cout << boost::json::serialize(ofd::reportJson(report)) << "\n";
        std::cerr << "ofd verify: " << file << ": " << report.readError << "\n";
        return 2;
    }
    if (json) std::cout << boost::json::serialize(ofd::reportJson(report)) << "\n";
    else printText(report);
    if (options.anchors.size() == 0) std::cerr << "ofd verify: no --trust-anchor given: no chain can be trusted\n";
    return report.ok() ? 0 : 1;
}

}  // namespace lgw::gateway::cli
