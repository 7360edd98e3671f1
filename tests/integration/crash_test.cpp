// Issue 5: "a crash at any point leaves the old state or the new one, never half a document —
// test it by killing the process at injected points". A forked child stores a document (blob, then
// metadata) and SIGKILLs itself at one named point (adapters/crash_point.hpp); the parent then
// opens the data directory as a restarted gateway would and checks what a reader sees.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "adapters/blob/encrypted_file_vault.hpp"
#include "adapters/store/sqlite_store.hpp"
#include "security/crypto.hpp"

using namespace lgw;
namespace fs = std::filesystem;

namespace {

struct Point {
    const char* name;
    bool documentVisibleAfter;  // the new state is required (the metadata commit happened)
};

security::Keyring keyring() {
    security::Keyring ring;
    ring.keys[1] = std::string(32, 'k');
    return ring;
}

store::DocumentMeta meta(const std::string& id) {
    store::DocumentMeta d;
    d.id = id;
    d.applicationId = "YK-CRASH";
    d.source = "e_licence";
    d.docType = "business_licence";
    d.contentType = "image/png";
    d.createdBy = "frontdesk";
    d.createdAt = 1;
    return d;
}

// What the child does: exactly the gateway's store path (vault.put, then one transaction).
[[noreturn]] void storeDocument(const fs::path& dir, const std::string& id, const std::string& content, const char* point) {
    ::setenv("LGW_CRASH_AT", point, 1);
    try {
        store::SqliteStore st({(dir / "gateway.db").string(), 5000});
        adapters::blob::EncryptedFileVault vault((dir / "blobs").string(), keyring());
        auto d = meta(id);
        vault.put(d, content);
        store::LicenceRecord rec{id, d.applicationId, "ident-" + id, "business_licence", "N1", "合成示例有限公司",
                                 "91350100M000100Y43", "示例市场监督管理局", "2020-01-01", "2020-01-01", "", "{}"};
        st.insertLicenceDocument(d, rec);
    } catch (...) {
        ::_exit(3);
    }
    ::_exit(0);
}

}  // namespace

TEST(CrashSafety, AKillAtAnyPointLeavesTheOldStateOrTheNew) {
    const Point points[] = {{"blob.half_written", false},          {"blob.written", false},
                            {"blob.synced", false},                {"blob.renamed", false},
                            {"blob.durable", false},               {"store.document.before_commit", false},
                            {"store.document.committed", true}};
    auto dir = fs::temp_directory_path() / ("lgw-crash-" + security::randomId128().substr(0, 8));
    fs::create_directories(dir);
    {
        // The schema exists before the first child, as after a gateway's first start.
        store::SqliteStore st({(dir / "gateway.db").string(), 5000});
    }
    const std::string content = security::randomBytes(3 * 1024 * 1024);  // several write() calls
    int n = 0;
    for (const auto& p : points) {
        SCOPED_TRACE(p.name);
        std::string id = "doc-" + std::to_string(n++);
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) storeDocument(dir, id, content, p.name);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child was not killed at " << p.name;

        // Restart: what does a reader see?
        store::SqliteStore st({(dir / "gateway.db").string(), 5000});
        adapters::blob::EncryptedFileVault vault((dir / "blobs").string(), keyring());
        auto doc = st.document(id);
        if (p.documentVisibleAfter) ASSERT_TRUE(doc) << "committed, so the new state must be there";
        else EXPECT_FALSE(doc) << "not committed, so the old state (no document) must be there";
        if (doc) {
            auto back = vault.get(*doc);
            ASSERT_TRUE(back) << "visible but unreadable: half a document";
            EXPECT_TRUE(*back == content);
            EXPECT_TRUE(st.licence(id));  // the licence row came with it, in the same transaction
        } else {
            EXPECT_FALSE(st.licence(id));
        }
    }
    // The same path without a crash point stores a readable document: the harness can succeed.
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) storeDocument(dir, "doc-ok", content, "none");
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    store::SqliteStore st({(dir / "gateway.db").string(), 5000});
    adapters::blob::EncryptedFileVault vault((dir / "blobs").string(), keyring());
    ASSERT_TRUE(st.document("doc-ok"));
    EXPECT_TRUE(*vault.get(*st.document("doc-ok")) == content);

    // Temporary files the kills left behind are swept once they are an hour old.
    int temps = 0;
    for (auto& e : fs::recursive_directory_iterator(dir / "blobs"))
        if (e.path().filename().string().find(".tmp-") != std::string::npos) {
            ++temps;
            fs::last_write_time(e.path(), fs::file_time_type::clock::now() - std::chrono::hours(2));
        }
    EXPECT_GE(temps, 3);  // half_written, written, synced
    EXPECT_EQ(vault.sweepTemporaryFiles(), temps);
    fs::remove_all(dir);
}
