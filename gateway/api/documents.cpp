// Section 3 of API.md: documents. The copy that leaves is decrypted and watermarked for this
// download (a sealed OFD licence leaves as the platform sealed it); every decision, allowed or denied, is an audit event, and a denied read of content is
// also an alert. Who may read what is the access policy's (security/access_policy.hpp).
#include <boost/json.hpp>

#include <chrono>

#include "adapters/blob/document_vault.hpp"
#include "adapters/marketing/push_body.hpp"
#include "gateway/api/access_checks.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/services/time_text.hpp"
#include "security/crypto.hpp"
#include "security/watermark.hpp"

namespace lgw::gateway {

namespace json = boost::json;

namespace {

struct DocCtx {
    Services* s;
    Auditor* auditor;
    adapters::blob::DocumentVault* vault;
};

// Whether the document went out in a delivered package of its application: a material the push
// carried (present, or present in disagreement), not one that stayed behind (expired). Blocking.
bool inDeliveredPackage(store::Store& st, const store::DocumentMeta& doc) {
    for (auto& p : st.packagesOf(doc.applicationId)) {
        if (p.status != "delivered") continue;
        // Which documents went with the package is the push body's rule, not restated here.
        auto body = adapters::marketing::PushBody::fromStored(p.bodyJson);
        if (!body) continue;
        for (auto& m : body->materials())
            if (m.documentId == doc.id) return true;
    }
    return false;
}

// The kept report of an OFD licence's seals as stored (the `ofd verify --json` report); null for
// an image or a report that does not parse.
json::value sealJson(const std::string& report) {
    if (report.empty()) return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(report, ec);
    return ec ? json::value(nullptr) : v;
}

// Whose data a document is: an e-licence's holder (`licence`, its row); a scan's credit code or ID
// number when the page gave one that passed its checks (ok or corrected by a person), else nobody
// known.
std::string subjectOf(const store::DocumentMeta& doc, const std::optional<store::LicenceRecord>& licence) {
    if (doc.source == "e_licence") return licence ? licence->holderCode : std::string();
    boost::system::error_code ec;
    auto fields = json::parse(doc.fieldsJson, ec);
    if (ec || !fields.is_object()) return {};
    for (const char* name : {"credit_code", "id_number"}) {
        auto* f = fields.as_object().if_contains(name);
        if (!f || !f->is_object()) continue;
        auto* value = f->as_object().if_contains("value");
        auto* status = f->as_object().if_contains("status");
        if (value && value->is_string() && status && status->is_string() && status->as_string() != "needs_review")
            return std::string(value->as_string());
    }
    return {};
}

// A document's fields without what was read: each field keeps its status, box and confidence.
json::value fieldNamesOnly(const json::value& fields) {
    if (!fields.is_object()) return nullptr;
    json::object out;
    for (auto& [name, f] : fields.as_object()) {
        json::object kept;
        if (f.is_object())
            for (auto& [k, v] : f.as_object())
                if (k == "status" || k == "confidence" || k == "box" || k == "corrected_by") kept[k] = v;
        out[name] = std::move(kept);
    }
    return out;
}

asio::awaitable<HttpResponse> serve(DocCtx c, HttpRequest req, bool content) {
    std::string id = req.pathParams.at("document_id");
    struct Loaded {
        std::optional<store::DocumentMeta> doc;
        std::optional<store::Application> app;
        bool pushed = false;
        std::string subject;  ///< whose data it is: the subject of its reads (their access record)
        std::string sealReport;  ///< an OFD licence's kept seal report (JSON), else ""
    };
    const bool marketing = req.principal->role == "marketing";
    std::function<Loaded()> load = [c, id, marketing] {
        Loaded l;
        l.doc = c.s->store.document(id);
        if (!l.doc) return l;
        l.app = c.s->store.application(l.doc->applicationId);
        if (marketing) l.pushed = inDeliveredPackage(c.s->store, *l.doc);
        // An e-licence's row, read once: its holder is the subject, its seal report is shown.
        std::optional<store::LicenceRecord> licence;
        if (l.doc->source == "e_licence") licence = c.s->store.licence(l.doc->id);
        l.subject = subjectOf(*l.doc, licence);
        if (licence) l.sealReport = licence->sealReportJson;
        return l;
    };
    auto loaded = co_await c.s->blocking.call(std::move(load));
    auto& doc = loaded.doc;
    auto& app = loaded.app;
    store::AuditEvent e = requestEvent(req, content ? "document.read" : "document.meta");
    e.target = id;
    if (!doc) {
        e.outcome = "denied";
        e.detailJson = R"({"reason":"not_found"})";
        co_await c.auditor->record(std::move(e));
        co_return toResponse(makeProblem(404, "document_not_found", "no document " + id), req.requestId);
    }
    e.applicationId = doc->applicationId;
    e.subject = loaded.subject;
    auto& policy = *c.s->access;
    const auto facts = documentFacts(policy, *req.principal, *doc, app, loaded.pushed);
    auto decision = policy.decide(req.principal->role, content ? "document.read" : "document.meta", facts);
    if (!decision.allowed)
        co_return co_await refuse(*c.auditor, req, content ? "document.read" : "document.meta", id, doc->applicationId,
                                  makeProblem(403, "access_denied", decision.reason), loaded.subject);
    if (!content) {
        // The values read from the document are its content: only for who may read that.
        const bool withValues = policy.decide(req.principal->role, "document.read", facts).allowed;
        e.outcome = "allowed";
        e.detailJson = json::serialize(json::object{{"field_values", withValues}});
        co_await c.auditor->record(std::move(e));
        boost::system::error_code ec;
        auto fields = json::parse(doc->fieldsJson, ec);
        if (!ec && !withValues) fields = fieldNamesOnly(fields);
        co_return jsonResponse(200, {{"document_id", doc->id},
                                     {"application_id", doc->applicationId},
                                     {"source", doc->source},
                                     {"doc_type", doc->docType},
                                     {"content_type", doc->contentType},
                                     {"size", doc->size},
                                     {"sha256", doc->sha256},
                                     {"created_by", doc->createdBy},
                                     {"created_at_ms", doc->createdAt},
                                     {"purged", doc->purgedAt != 0},
                                     {"fields", ec ? json::value(nullptr) : fields},
                                     {"seal", sealJson(loaded.sealReport)}});
    }
    std::string downloadId = security::randomId128().substr(0, 16);
    security::WatermarkText text{doc->applicationId, req.principal->id, utcFormat(c.s->nowMs(), "%Y-%m-%d %H:%M UTC"), downloadId};
    store::DocumentMeta meta = *doc;
    // A sealed OFD licence leaves byte for byte: a mark in it would break the seal that gives it
    // legal effect, and the recipient verifies that seal itself. The download id is in the header
    // and the trail (with the copy's SHA-256, which is the stored file's).
    const bool sealedFile = doc->contentType == "application/ofd";
    // Decryption and rendering are CPU work: on the blocking pool, never on an I/O thread.
    std::function<std::optional<std::string>()> render = [c, meta, text, sealedFile]() -> std::optional<std::string> {
        auto plain = c.vault->get(meta);
        if (!plain || sealedFile) return plain;
        return security::watermarkImage(*plain, text, c.s->markKey);
    };
    auto copy = co_await c.s->blocking.call(std::move(render));
    if (!copy) {
        if (!doc->purgedAt)
            logger("documents")->error("document {} cannot be decrypted or decoded request_id={} key_version={}", id,
                                       req.requestId, doc->keyVersion);
        e.outcome = "error";
        e.detailJson = R"({"reason":"unreadable"})";
        co_await c.auditor->record(std::move(e));
        co_return toResponse(makeProblem(doc->purgedAt ? 410 : 500, doc->purgedAt ? "document_purged" : "document_unreadable",
                                         doc->purgedAt ? "the document was purged after its retention period"
                                                       : "the stored document cannot be decrypted or decoded"),
                             req.requestId);
    }
    e.outcome = "allowed";
    e.detailJson = json::serialize(json::object{{"download_id", downloadId},
                                                {"sha256_of_copy", security::sha256Hex(*copy)},
                                                {"copy", sealedFile ? "sealed_file" : "watermarked"}});
    co_await c.auditor->record(std::move(e));
    HttpResponse r;
    r.contentType = sealedFile ? "application/ofd" : "image/png";
    r.body = std::move(*copy);
    r.headers.emplace_back("X-Download-Id", downloadId);
    co_return r;
}

}  // namespace

void addDocumentRoutes(Router& router, Services& services, Auditor& auditor, adapters::blob::DocumentVault& vault) {
    DocCtx c{&services, &auditor, &vault};
    // Every role is admitted to the route so that the policy decides, and every denial is audited.
    const std::vector<std::string> all = {"frontdesk", "marketing", "auditor", "admin"};
    router.add({"GET", "/v1/documents/{document_id}", all, 0, {}, [c](HttpRequest r) { return serve(c, std::move(r), true); }});
    router.add({"GET", "/v1/documents/{document_id}/meta", all, 0, {},
                [c](HttpRequest r) { return serve(c, std::move(r), false); }});
}

}  // namespace lgw::gateway
