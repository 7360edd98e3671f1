// The audit export's formats (security/audit_chain): format 3 counts and signs the checkpoints'
// RFC 3161 tokens in its trailer; a format-2 file written before tokens existed still verifies,
// and one cannot smuggle a token into it.
#include <gtest/gtest.h>

#include "security/audit_chain.hpp"
#include "security/crypto.hpp"

namespace lgw::security {
namespace {

struct Export {
    std::string text;
    std::string publicPem;
};

// Three chained events, a signed checkpoint after the last, and the trailer, in `format`, with
// `token` (base64) on the checkpoint when given.
Export makeExport(const std::string& format, const std::string& token = "") {
    auto key = PrivateKey::generate(SignatureAlg::kEcdsaP256Sha256);
    std::string header = exportHeaderLine(1, 3, key.publicKey().pem());
    const auto at = header.find(kExportFormat);
    header.replace(at, std::string(kExportFormat).size(), format);
    std::string out = header, prev(64, '0');
    ExportTrailer t;
    t.fromSeq = 1;
    for (std::int64_t seq = 1; seq <= 3; ++seq) {
        AuditEvent e;
        e.seq = seq;
        e.at = 1764670000000 + seq;
        e.actor = "desk-a";
        e.role = "frontdesk";
        e.action = "application.write";
        e.outcome = "allowed";
        e.prevHash = prev;
        e.hash = auditHash(e);
        prev = e.hash;
        out += exportEventLine(e);
        ++t.events;
        t.toSeq = seq;
        t.headHash = e.hash;
    }
    AuditCheckpoint cp{3, prev, 1764670000010, ""};
    cp.signature = base64Encode(key.sign(key.alg(), checkpointMessage(cp)));
    cp.timestamp = token;
    out += exportCheckpointLine(cp);
    t.checkpoints = 1;
    t.timestamps = token.empty() ? 0 : 1;
    t.at = 1764670000020;
    t.signature = base64Encode(key.sign(key.alg(), trailerMessage(t, format)));
    std::string trailer = exportTrailerLine(t);
    trailer.replace(trailer.find(kExportFormat), std::string(kExportFormat).size(), format);
    if (format == kExportFormat2) {  // format 2 had no token count
        const auto count = trailer.find("\"timestamps\":");
        trailer.erase(count, trailer.find(',', count) + 1 - count);
    }
    return {out + trailer, key.publicKey().pem()};
}

TEST(AuditExport, AFormatTwoFileWrittenBeforeTimeStampsStillVerifies) {
    auto old = makeExport(kExportFormat2);
    ASSERT_EQ(old.text.find("timestamps"), std::string::npos) << old.text;
    auto v = verifyExport(old.text, old.publicPem);
    EXPECT_TRUE(v.ok) << v.reason;
    EXPECT_TRUE(v.authenticated);
    EXPECT_EQ(v.timestamps, 0);
}

TEST(AuditExport, FormatThreeSignsHowManyTokensItCarries) {
    auto current = makeExport(kExportFormat, base64Encode("not really a token"));
    auto v = verifyExport(current.text, current.publicPem);
    EXPECT_TRUE(v.ok) << v.reason;
    EXPECT_EQ(v.timestamps, 0);
    EXPECT_EQ(v.timestampsUnverified, 1) << "counted, not checked, without a TSA CA";
    // The count is under the trailer's signature: claiming none while carrying one is a mismatch,
    // and so is a token stripped from a file whose trailer says it has one.
    std::string claimsNone = current.text;
    claimsNone.replace(claimsNone.find("\"timestamps\":1"), 14, "\"timestamps\":0");
    auto mismatch = verifyExport(claimsNone, current.publicPem);
    EXPECT_FALSE(mismatch.ok);
    EXPECT_NE(mismatch.reason.find("0 time-stamps signed; found 1..3, 3, 1, 1"), std::string::npos) << mismatch.reason;
    std::string stripped = current.text;
    const auto tokenAt = stripped.find(",\"timestamp\":\"");
    stripped.erase(tokenAt, stripped.find('"', tokenAt + 14) + 1 - tokenAt);
    EXPECT_FALSE(verifyExport(stripped, current.publicPem).ok);
}

TEST(AuditExport, ATokenInAFormatTwoFileIsRefused) {
    auto old = makeExport(kExportFormat2, base64Encode("smuggled"));
    auto v = verifyExport(old.text, old.publicPem);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.reason.find("has none"), std::string::npos) << v.reason;
}

}  // namespace
}  // namespace lgw::security
