#include <boost/json/serialize.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "gateway/api/copy_trace_json.hpp"
#include "gateway/app/app.hpp"
#include "gateway/app/store_factory.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/key_admin.hpp"
#include "gateway/services/time_text.hpp"
#include "security/audit_chain.hpp"
#include "security/audit_detail.hpp"
#include "security/keyring.hpp"

namespace lgw::gateway::cli {

// Exit 0: whole, unaltered and signed under the trusted key; 1: broken (the first bad seq or
// line named) or unreadable; 2: whole and consistent, but without --public-key nothing shows
// whose it is ("unverified": anyone can write a consistent file with a key of their own). With
// --tsa-ca every RFC 3161 token is verified too (one that fails breaks the file), and the newest
// checkpoint a token covers is named with the TSA's time: those events existed by then.
int auditVerify(const std::string& file, const std::string& keyFile, const std::string& tsaCaFile) {
    auto exported = readWholeFile(file);
    if (!exported) {
        std::cerr << "audit verify: cannot read " << file << "\n";
        return 1;
    }
    std::optional<std::string> key;
    if (!keyFile.empty()) {
        key = readWholeFile(keyFile);
        if (!key) {
            std::cerr << "audit verify: cannot read the public key " << keyFile << "\n";
            return 1;
        }
    }
    std::optional<security::TsaTrust> tsa;
    if (!tsaCaFile.empty()) {
        auto pem = readWholeFile(tsaCaFile);
        std::string error;
        if (pem) tsa = security::TsaTrust::fromPem(*pem, &error);
        if (!tsa) {
            std::cerr << "audit verify: --tsa-ca " << tsaCaFile << ": " << (pem ? error : "cannot read it") << "\n";
            return 1;
        }
    }
    auto v = verifyExport(*exported, key, tsa ? &*tsa : nullptr);
    const char* status = !v.ok ? "broken" : v.authenticated ? "verified" : "unverified";
    boost::json::object o{{"ok", v.ok},         {"status", status}, {"events", v.events}, {"checkpoints", v.checkpoints},
                          {"timestamps", v.timestamps}, {"head", v.head}};
    if (v.ok && v.timestamps > 0) {
        o["timestamped_to_seq"] = v.timestampedToSeq;
        o["timestamped_at"] = rfc3339Utc(v.timestampedAtMs);
    }
    if (v.ok && v.timestampsUnverified > 0) {
        o["timestamps_unverified"] = v.timestampsUnverified;
        o["timestamps_warning"] = std::to_string(v.timestampsUnverified) +
                                  " RFC 3161 time-stamps were not checked: give --tsa-ca with the TSA's CA certificate";
    }
    if (!v.ok) {
        if (v.firstBadSeq) o["first_bad_seq"] = v.firstBadSeq;
        if (v.firstBadLine) o["first_bad_line"] = v.firstBadLine;
        o["reason"] = v.reason;
    }
    if (!key)
        o["warning"] = "unverified: without --public-key (the gateway's published audit key) the file could be anyone's";
    std::cout << boost::json::serialize(o) << "\n";
    return !v.ok ? 1 : v.authenticated ? 0 : 2;
}

// The key commands work on the files and the store directly, so they run beside serving gateways
// (SQLite in WAL mode takes a second connection). Each is recorded in the audit trail.
int keysCommand(const std::string& configPath, bool rotate) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    auto& cfg = *loaded;
    if (!cfg.keys.env.empty()) {
        std::cerr << "keys: the keyring comes from the environment variable " << cfg.keys.env
                  << "; rotate by adding a version to its value, then run keys rewrap\n";
        return 1;
    }
    auto path = cfg.dataPath(cfg.keys.file);
    try {
        auto opened = openStore(cfg);
        store::Store& st = *opened.store;
        store::AuditEvent e;
        e.actor = "cli";
        e.role = "admin";
        e.outcome = "allowed";
        e.at = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
        const auto hasher = auditHasher(cfg.crypto.national());
        std::string out;
        if (rotate) {
            // The new version is written inside the event's transaction: a failed write is recorded
            // as an error, and an event that cannot be written fails the command (the file then
            // holds a version no event records: nothing reports it yet — see the README).
            e.action = "keys.rotate";
            std::optional<security::KeyringError> failed;
            store::AuditedAction write = [&](store::AuditEvent& ev) {
                auto v = security::rotateKeyringFile(path);
                if (auto* err = std::get_if<security::KeyringError>(&v)) {
                    failed = *err;
                    ev.outcome = "error";
                    ev.detailJson = security::AuditDetail{{"error", err->message}}.json();
                    return true;
                }
                ev.detailJson = security::AuditDetail{{"new_version", std::get<std::uint32_t>(v)}}.json();
                out = "new KEK version " + std::to_string(std::get<std::uint32_t>(v)) + " written to " + path +
                      "; restart the gateways so that new documents use it, then run keys rewrap";
                return true;
            };
            st.appendAuditWith(e, hasher, write);
            if (failed) {
                std::cerr << "keys rotate: " << failed->message << "\n";
                return 1;
            }
        } else {
            auto ring = security::loadKeyringFile(path);
            if (auto* err = std::get_if<security::KeyringError>(&ring)) {
                std::cerr << "keys rewrap: " << err->message << "\n";
                return 1;
            }
            e.action = "keys.rewrap";
            const auto& keyring = std::get<security::Keyring>(ring);
            auto report = rewrapAll(st, keyring, hasher, e);
            e.outcome = report.failed ? "error" : "allowed";
            out = std::to_string(report.rewrapped) + " data key(s) re-wrapped under version " +
                  std::to_string(keyring.newest()) +
                  (report.failed ? "; " + std::to_string(report.failed) + " could not be unwrapped (KEK missing)" : "");
        }
        std::cout << out << "\n";
        return e.outcome == "allowed" ? 0 : 1;
    } catch (const std::exception& ex) {
        std::cerr << "keys: " << ex.what() << "\n";
        return 1;
    }
}

// Re-queues a dead-lettered package on the store directly (beside serving gateways), audited.
int packagesReplay(const std::string& configPath, const std::string& packageId) {
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    auto& cfg = *loaded;
    try {
        auto opened = openStore(cfg);
        store::Store& st = *opened.store;
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        auto pkg = st.package(packageId);
        if (!pkg) {
            std::cerr << "packages replay: no package " << packageId << "\n";
            return 1;
        }
        bool ok = false;
        store::AuditEvent e;
        e.at = now;
        e.actor = "cli";
        e.role = "admin";
        e.action = "package.replay";
        e.target = packageId;
        e.applicationId = pkg->applicationId;
        store::AuditedAction requeue = [&](store::AuditEvent& ev) {  // requeued with its event, or neither
            ok = st.requeueDeadLetter(packageId, now);
            ev.outcome = ok ? "allowed" : "denied";
            return true;
        };
        st.appendAuditWith(e, auditHasher(cfg.crypto.national()), requeue);
        if (!ok) {
            std::cerr << "packages replay: " << packageId << " is " << pkg->status << ", not a dead letter\n";
            return 1;
        }
        std::cout << packageId << " queued again; a running gateway delivers it\n";
        return 0;
    } catch (const std::exception& ex) {
        std::cerr << "packages replay: " << ex.what() << "\n";
        return 1;
    }
}

// Reads the download id from a copy (under the config's watermark key) and names the request from
// the audit trail of the config's store.
int watermarkIdentify(const std::string& file, const std::string& configPath, bool noStore) {
    auto copy = readWholeFile(file);
    if (!copy) {
        std::cerr << "watermark identify: cannot read " << file << "\n";
        return 1;
    }
    auto loaded = loadOrReport(configPath);
    if (!loaded) return 1;
    std::unique_ptr<store::Store> st;
    security::MarkKey key;
    try {
        key = loadMarkKey(*loaded, false);
        if (!noStore) st = openStore(*loaded).store;
    } catch (const std::exception& ex) {
        std::cerr << "watermark identify: " << ex.what() << (noStore ? "" : " (pass --no-store to read the id only)") << "\n";
        return 1;
    }
    auto trace = traceCopy(*copy, st.get(), key);
    std::cout << boost::json::serialize(traceJson(trace)) << "\n";
    using Status = CopyTrace::Status;
    if (trace.status == Status::NotAnImage) std::cerr << file << " is not a PNG, JPEG or TIFF image\n";
    if (trace.status == Status::NoMark) std::cerr << "no download id found in " << file << "\n";
    if (trace.status == Status::Forged)
        std::cerr << "the mark in " << file << " is forged or altered: its tag does not match download id "
                  << trace.downloadId << " under this deployment's watermark secret; it names nobody\n";
    bool idRead = trace.status == Status::NotInAuditTrail || trace.status == Status::Identified;
    return trace.status == Status::Identified || (noStore && idRead) ? 0 : 1;
}

}  // namespace lgw::gateway::cli
