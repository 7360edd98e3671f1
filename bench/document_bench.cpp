// Document-security figures of issue 5, each next to a baseline measured in the same process:
//  1. documents/s storing a 1 MB scan end to end (seal, blob written + fsync + rename + directory
//     fsync, metadata committed with synchronous=FULL) vs writing the same 1 MB plaintext file
//     durably (write, fsync, rename, fsync directory): the disk's floor;
//  2. watermark render of an A4 page at 300 DPI (decode, tiled text, invisible mark, PNG encode)
//     vs decode + PNG encode alone;
//  3. durable audit appends/s (hash chain, one transaction each) vs plain SQLite inserts of rows of
//     the same size with the same pragmas, one transaction each;
//  4. audit verify events/s (ChainVerifier over the store's events) vs SHA-256 of the same
//     canonical bytes alone.
// Usage: lgw-document-bench [--seconds N] [--dir DIR]   (DIR should be on the data disk)
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include "bench/bench_stats.hpp"
#include "adapters/blob/encrypted_file_vault.hpp"
#include "adapters/store/sqlite_store.hpp"
#include "gateway/services/audit.hpp"
#include "security/audit_chain.hpp"
#include "gateway/app/malloc_tuning.hpp"
#include "imaging/canvas.hpp"
#include "security/crypto.hpp"
#include "security/watermark.hpp"

using namespace lgw;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsArg = 3;

// Runs `op` repeatedly for secondsArg; returns operations per second.
double rate(const std::function<void()>& op) { return 1.0 / bench::secondsPer(op, secondsArg); }

void durableWrite(const fs::path& target, const std::string& bytes) {
    fs::path tmp = target;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) || ::fsync(fd) != 0) {
        std::perror("baseline write");
        std::exit(1);
    }
    ::close(fd);
    fs::rename(tmp, target);
    int dfd = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
    ::fsync(dfd);
    ::close(dfd);
}

void row(const char* what, double ours, double base, const char* unit) {
    std::printf("%-44s %12.1f %12.1f %-10s %6.2f\n", what, ours, base, unit, ours / base);
}

}  // namespace

int main(int argc, char** argv) {
    gateway::tuneAllocatorForDocuments();  // as the gateway's main does
    fs::path dir = fs::temp_directory_path();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--seconds")) secondsArg = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    }
    dir /= "lgw-document-bench-" + security::randomId128().substr(0, 8);
    fs::create_directories(dir / "plain");
    std::printf("%-44s %12s %12s %-10s %6s\n", "measure", "ours", "baseline", "unit", "ratio");

    // 1. Storing a 1 MB scan.
    {
        store::SqliteStore st({(dir / "gateway.db").string(), 5000});
        security::Keyring ring;
        ring.keys[1] = security::randomBytes(32);
        adapters::blob::EncryptedFileVault vault((dir / "blobs").string(), ring);
        const std::string scan = security::randomBytes(1024 * 1024);
        int i = 0;
        double ours = rate([&] {
            store::DocumentMeta d;
            d.id = "doc-" + std::to_string(i++);
            d.applicationId = "YK-BENCH";
            d.source = "scan";
            d.docType = "business_licence";
            d.contentType = "image/png";
            d.createdBy = "bench";
            d.createdAt = 1;
            vault.put(d, scan);
            st.insertDocument(d);
        });
        int j = 0;
        double base = rate([&] { durableWrite(dir / "plain" / ("f" + std::to_string(j++)), scan); });
        row("store a 1 MB scan (docs/s)", ours, base, "docs/s");
    }

    // 2. Watermark render, A4 at 300 DPI.
    {
        imaging::Canvas page(2480, 3508, {250, 250, 250});
        imaging::Font font(imaging::findCjkFont());
        for (int y = 300; y < 3300; y += 90) page.drawText(font, 200, y, "统一社会信用代码 91350100M000100Y43 合成示例", 60, {20, 20, 20});
        const std::string png = page.encodePng();
        security::WatermarkText text{"YK-BENCH-0001", "demo-frontdesk", "2026-11-24 10:00 UTC", "5eed0a11c0ffee42"};
        const auto markKey = security::MarkKey::derive("the benchmark's watermark secret");
        double ours = 1000.0 / rate([&] {
            if (!security::watermarkImage(png, text, markKey)) std::exit(1);
        });
        double base = 1000.0 / rate([&] { imaging::Canvas::decode(png)->encodePng(); });
        row("watermark an A4 page at 300 DPI (ms/page)", ours, base, "ms");
        // The same codec's work on the copy itself: the mark on every pixel makes the page several
        // times the bytes to compress, which no drawing can save.
        const std::string copy = *security::watermarkImage(png, text, markKey);
        double copyBase = 1000.0 / rate([&] { imaging::Canvas::decode(copy)->encodePng(); });
        std::printf("(the page %.1f MB as PNG, the watermarked copy %.1f MB)\n", static_cast<double>(png.size()) / 1e6,
                    static_cast<double>(copy.size()) / 1e6);
        row("  vs decode + encode of the copy (ms/page)", ours, copyBase, "ms");
        std::printf("ratio watermark_vs_codec %.2f\n", ours / base);
    }

    // 3. Audit appends vs plain inserts.
    {
        store::SqliteStore st({(dir / "audit.db").string(), 5000});
        store::AuditEvent e;
        e.actor = "demo-frontdesk";
        e.role = "frontdesk";
        e.action = "document.read";
        e.target = security::randomId128();
        e.applicationId = "YK-BENCH-0001";
        e.outcome = "allowed";
        e.requestId = "0123456789abcdef";
        e.detailJson = R"({"download_id":"5eed0a11c0ffee42","sha256_of_copy":")" + std::string(64, 'a') + "\"}";
        double ours = rate([&] {
            e.at = 1;
            st.appendAudit(e, &security::auditHash);
        });
        sqlite3* db = nullptr;
        sqlite3_open((dir / "plain.db").c_str(), &db);
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                         "CREATE TABLE t(seq INTEGER PRIMARY KEY, at INT, actor TEXT, role TEXT, action TEXT, target TEXT,"
                         " application_id TEXT, subject TEXT, outcome TEXT, request_id TEXT, detail TEXT, alert INT,"
                         " prev_hash TEXT, hash TEXT)",
                     nullptr, nullptr, nullptr);
        sqlite3_stmt* ins = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO t VALUES (NULL,1,?,?,?,?,?,'',?,?,?,0,?,?)", -1, &ins, nullptr);
        std::string h(64, 'b');
        double base = rate([&] {
            int k = 1;
            for (std::string* v : {&e.actor, &e.role, &e.action, &e.target, &e.applicationId, &e.outcome,
                                         &e.requestId, &e.detailJson, &h, &h})
                sqlite3_bind_text(ins, k++, v->c_str(), static_cast<int>(v->size()), SQLITE_STATIC);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        });
        sqlite3_finalize(ins);
        sqlite3_close(db);
        row("durable audit appends (events/s)", ours, base, "events/s");

        // 4. Verify what was appended.
        auto all = st.auditRange(1, st.auditHead()->seq);
        double ours4 = static_cast<double>(all.size()) * rate([&] {
            security::ChainVerifier v(std::nullopt, std::string(64, '0'));
            for (auto& ev : all) v.add(ev);
            if (!v.finish().ok) std::exit(1);
        });
        std::vector<std::string> canon;
        for (auto& ev : all) canon.push_back(security::canonicalAuditEvent(ev));
        double base4 = static_cast<double>(all.size()) * rate([&] {
            for (auto& c : canon) security::sha256Hex(c);
        });
        std::printf("(verify over %zu events)\n", all.size());
        row("audit verify (events/s)", ours4, base4, "events/s");
    }
    fs::remove_all(dir);
}
