// Section 2 of API.md: front-desk scans. The upload is read by the OCR pipeline (ocr/) on the OCR
// pool, stored encrypted through the document vault with the fields it yielded, compared with an
// e-licence of the same kind when the application holds one, and every step is audited. A person's
// correction (PATCH) keeps the old value, the new one and who changed it in the audit log.
#include "gateway/api/scans.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>

#include "adapters/blob/document_vault.hpp"
#include "gateway/api/access_checks.hpp"
#include "gateway/api/error_mapping.hpp"
#include "gateway/http/queue_deadline.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/http/blocking.hpp"
#include "gateway/http/json_body.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/services/time_text.hpp"
#include "ocr/scan_json.hpp"
#include "ocr/ocr_process_pool.hpp"
#include "ocr/scan_reader.hpp"
#include "security/crypto.hpp"
#include "security/masking.hpp"

namespace lgw::gateway {

namespace json = boost::json;

struct ScanService::Impl {
    Impl(Services& services, Auditor& a, adapters::blob::DocumentVault& v)
        : s(services), auditor(a), vault(v), ocrThreads(std::max(1, services.config.ocr.workers)) {}
    Services& s;
    Auditor& auditor;
    adapters::blob::DocumentVault& vault;
    std::once_flag once;
    // Declared before the threads that use it, so that it outlives them: no read runs when it goes.
    std::unique_ptr<ocr::OcrProcessPool> pool;
    // The OCR waits (one per worker process) have threads of their own: scans never hold the shared
    // blocking pool that store calls and sign-ins need. Their queue is bounded (ocr.max_queued
    // beyond the workers) and has a deadline (ocr.queue_timeout_ms): past either, 503 ocr_busy.
    BlockingPool ocrThreads;
    std::atomic<int> admitted{0};  ///< scans being read or waiting for a worker

    // The workers start on the first scan (each loads chi_sim, about a second), not with the gateway.
    ocr::OcrProcessPool& engines() {
        std::call_once(once, [this] {
            auto& o = s.config.ocr;
            ocr::OcrProcessOptions opts;
            opts.workerBinary = o.workerBinary.empty() ? ocr::defaultWorkerBinary() : o.workerBinary;
            opts.workers = o.workers;
            opts.language = o.language;
            opts.tessdataDir = o.tessdataDir;
            opts.memoryLimitMb = o.workerMemoryMb;
            opts.cpuSecondsPerScan = o.scanCpuSeconds;
            opts.scanTimeoutMs = o.scanTimeoutMs;
            opts.log = [](const std::string& event) { logger("ocr")->warn("{}", event); };
            pool = std::make_unique<ocr::OcrProcessPool>(std::move(opts));
        });
        return *pool;
    }
};

ScanService::ScanService(Services& services, Auditor& auditor, adapters::blob::DocumentVault& vault)
    : impl_(std::make_unique<Impl>(services, auditor, vault)) {}
ScanService::~ScanService() = default;

namespace {

Problem invalid(const std::string& field, const std::string& message) {
    FieldErrors errors;
    errors.add(field, message);
    return errors.problem();
}

// Which e-licence a scan of this type is compared with, and how its fields line up.
struct Pairing {
    const char* licenceType;
    std::vector<std::pair<const char*, const char*>> fields;  ///< scan field, licence record field
};
const Pairing* pairingFor(const std::string& docType) {
    static const std::map<std::string, Pairing> p = {
        {"business_licence", {"business_licence", {{"credit_code", "holder_code"}, {"name", "holder"}, {"valid_to", "valid_to"}}}},
        {"id_card_front", {"id_card", {{"id_number", "holder_code"}, {"name", "holder"}}}},
        {"property_certificate", {"property_certificate", {{"certificate_number", "number"}, {"owner", "holder"}}}},
    };
    auto it = p.find(docType);
    return it == p.end() ? nullptr : &it->second;
}

std::string licenceValue(const store::LicenceRecord& l, const std::string& field) {
    if (field == "holder_code") return l.holderCode;
    if (field == "holder") return l.holder;
    if (field == "number") return l.number;
    if (field == "valid_to") return l.validTo.empty() ? "长期" : l.validTo;
    return {};
}

struct Stored {
    ocr::ScanResult result;
    std::string documentId;
    json::value crossCheck = nullptr;
    store::DocumentMeta meta;  ///< sealed, not yet in the store: it goes in with its event
};

ocr::ScanError busy(const std::string& why) { return ocr::ScanError{503, "ocr_busy", why + "; try again shortly"}; }

// One place in the OCR queue, held from admission to the end of the read (RAII in the coroutine frame).
struct OcrAdmission {
    explicit OcrAdmission(ScanService::Impl& c)
        : impl(c), admitted(c.admitted.fetch_add(1) < std::max(1, c.s.config.ocr.workers) + c.s.config.ocr.maxQueued) {}
    ~OcrAdmission() { impl.admitted.fetch_sub(1); }
    OcrAdmission(const OcrAdmission&) = delete;
    OcrAdmission& operator=(const OcrAdmission&) = delete;
    ScanService::Impl& impl;
    const bool admitted;
};

// The names of the fields a person still has to look at (exactly: the store's match is textual).
json::array fieldsToReview(const std::string& fieldsJson) {
    json::array names;
    boost::system::error_code ec;
    auto fields = json::parse(fieldsJson, ec);
    if (ec || !fields.is_object()) return names;
    for (auto& [name, f] : fields.as_object()) {
        auto* status = f.is_object() ? f.as_object().if_contains("status") : nullptr;
        if (status && status->is_string() && status->as_string() == "needs_review") names.emplace_back(name);
    }
    return names;
}

// ---- GET /v1/scans?status=needs_review: the desk's work list ----
// Oldest first, only scans of applications the caller may correct (worked_on), at most `limit`.
asio::awaitable<HttpResponse> listForReview(ScanService::Impl* c, HttpRequest req) {
    FieldErrors errs;
    int limit = 50;
    const auto status = req.queryParam("status");
    if (status != "needs_review") errs.add("status", "is required and must be needs_review (GET /v1/scans?status=needs_review)");
    if (auto l = req.queryParam("limit")) {
        char* end = nullptr;
        const long n = std::strtol(l->c_str(), &end, 10);
        if (l->empty() || *end || n < 1 || n > 200) errs.add("limit", "must be 1..200");
        else limit = static_cast<int>(n);
    }
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    // The store's candidates are every desk's; the caller sees its own scope of them.
    constexpr int kCandidates = 2000;
    std::function<std::vector<store::ReviewCandidate>()> job = [c] { return c->s.store.scansAwaitingReview(kCandidates); };
    auto candidates = co_await c->s.blocking.call(std::move(job));
    const AccessPolicy& policy = *c->s.access;
    json::array scans;
    for (auto& cand : candidates) {
        store::Application app;
        app.id = cand.doc.applicationId;
        app.createdBy = cand.applicationCreatedBy;
        if (!policy.decide(req.principal->role, "scan.correct", documentFacts(policy, *req.principal, cand.doc, app, false))
                 .allowed)
            continue;
        json::array names = fieldsToReview(cand.doc.fieldsJson);
        if (names.empty()) continue;
        scans.push_back(json::object{{"document_id", cand.doc.id},
                                     {"application_id", cand.doc.applicationId},
                                     {"doc_type", cand.doc.docType},
                                     {"created_by", cand.doc.createdBy},
                                     {"created_at", rfc3339Utc(cand.doc.createdAt)},
                                     {"fields_to_review", std::move(names)}});
        if (static_cast<int>(scans.size()) >= limit) break;
    }
    store::AuditEvent e = requestEvent(req, "scan.list");
    e.outcome = "allowed";
    e.detailJson = json::serialize(json::object{{"status", "needs_review"}, {"count", scans.size()}});
    co_await c->auditor.record(std::move(e));
    co_return jsonResponse(200, {{"scans", std::move(scans)}});
}

asio::awaitable<HttpResponse> createScan(ScanService::Impl* c, HttpRequest req) {
    const auto appId = req.queryParam("application_id").value_or("");
    const auto hint = req.queryParam("hint").value_or("");
    auto event = [&](const char* outcome, json::object detail) {
        store::AuditEvent e = requestEvent(req, "scan.create");
        e.applicationId = appId;
        e.outcome = outcome;
        e.detailJson = json::serialize(detail);
        return e;
    };
    if (appId.empty())
        co_return toResponse(invalid("application_id", "is required: POST /v1/scans?application_id=..."),
                             req.requestId);
    if (!hint.empty() && !ocr::isDocumentType(hint))
        co_return toResponse(invalid("hint", "must be business_licence, id_card_front, id_card_back, "
                                                             "property_certificate or unknown"),
                             req.requestId);
    const std::string mediaType = req.mediaType();
    const std::int64_t now = c->s.nowMs();
    const std::string who = req.principal->id;
    std::string body = std::move(req.body);
    ApplicationAccess access = co_await accessApplication(c->s, c->auditor, req, "scan.create", appId);
    if (access.refusal) co_return std::move(*access.refusal);
    const store::Application app = *access.app;
    const Principal caller = *req.principal;
    // The page is read in an OCR worker process (a hostile image can kill that one, not the gateway),
    // waited for on the OCR threads.
    ocr::OcrJob ocrJob;
    ocrJob.contentType = mediaType;
    ocrJob.hint = hint;
    ocrJob.today = dateUtc(now);
    ocrJob.options.reviewBelow = static_cast<float>(c->s.config.ocr.reviewBelowPercent) / 100.0f;
    auto bodyView = std::make_shared<const std::string>(std::move(body));
    // No co_await inside a conditional expression (STYLE.md, g++ 12): the branches are statements.
    OcrAdmission admission(*c);
    ocr::ScanOutcome outcome = busy("every OCR worker is busy and " + std::to_string(c->s.config.ocr.maxQueued) +
                                    " scans are waiting");
    if (admission.admitted) {
        // A scan still queued at ocr.queue_timeout_ms is answered then and never read, instead of
        // holding its customer until a thread frees up (a real-time deadline: asio's timer, not the
        // services' clock, which tests freeze).
        std::function<ocr::ScanOutcome()> reading = [c, ocrJob, bodyView]() -> ocr::ScanOutcome {
            return c->engines().read(ocrJob, *bodyView);
        };
        const std::chrono::milliseconds deadline(c->s.config.ocr.queueTimeoutMs);
        auto waiting = callUnlessQueuedPast(c->ocrThreads, std::move(reading), deadline);
        std::optional<ocr::ScanOutcome> read = co_await std::move(waiting);
        if (read)
            outcome = std::move(*read);
        else
            outcome = busy("the scan waited " + std::to_string(deadline.count()) + " ms for an OCR worker");
    }
    if (auto* err = std::get_if<ocr::ScanError>(&outcome)) {
        const bool unavailable = err->status == 503;
        auto e = event(unavailable ? "error" : "denied", {{"reason", err->code}});
        co_await c->auditor.record(std::move(e));
        co_return scanResponse(*err, req.requestId);
    }
    // Encrypting and the cross-check are CPU and disk work: on the blocking pool.
    std::function<Stored()> job = [c, appId, app, caller, mediaType, now, who, bodyView,
                                   read = std::get<ocr::ScanResult>(outcome)]() {
        Stored out;
        out.result = read;
        const ocr::ScanResult* r = &read;
        auto fields = ocr::scanJson(*r, "").at("fields").as_object();
        store::DocumentMeta meta;
        meta.id = security::randomId128();
        meta.applicationId = appId;
        meta.source = "scan";
        meta.docType = r->docType;
        meta.contentType = mediaType;
        meta.createdBy = who;
        meta.createdAt = now;
        meta.fieldsJson = json::serialize(fields);
        c->vault.put(meta, *bodyView);
        out.documentId = meta.id;
        out.meta = meta;
        // Cross-check with an e-licence of the same kind, when the application holds one.
        if (auto* p = pairingFor(r->docType)) {
            for (auto& d : c->s.store.documentsOf(appId)) {
                if (d.source != "e_licence" || d.docType != p->licenceType || d.purgedAt) continue;
                auto l = c->s.store.licence(d.id);
                if (!l) continue;
                // The values only for a caller who may read that e-licence; field names for anyone else.
                auto& policy = *c->s.access;
                const bool mayRead =
                    policy.decide(caller.role, "document.read", documentFacts(policy, caller, d, app, false)).allowed;
                json::array mismatches;
                for (auto& [scanField, licenceField] : p->fields) {
                    auto it = r->fields.find(scanField);
                    std::string want = licenceValue(*l, licenceField);
                    if (it == r->fields.end() || want.empty() || it->second.value == want) continue;
                    if (mayRead)
                        mismatches.push_back(json::object{{"field", scanField}, {"scan", it->second.value}, {"e_licence", want}});
                    else
                        mismatches.push_back(json::object{{"field", scanField}});
                }
                out.crossCheck = json::object{{"against", "e_licence:" + d.id}, {"mismatches", std::move(mismatches)}};
                break;
            }
        }
        return out;
    };
    Stored stored = co_await c->s.blocking.call(std::move(job));
    auto& r = stored.result;
    json::array review, corrected;
    for (auto& [name, f] : r.fields) {
        if (f.status == ocr::FieldStatus::kNeedsReview) review.emplace_back(name);
        if (f.status == ocr::FieldStatus::kCorrected) corrected.emplace_back(name);
    }
    auto e = event("allowed", {{"doc_type", r.docType}, {"needs_review", review}, {"corrected", corrected}});
    e.target = stored.documentId;
    // The document row commits with its scan.create event, or neither (503 audit_unavailable; the
    // sealed blob without its row is never readable).
    store::AuditedAction insert = [c, meta = stored.meta](store::AuditEvent&) {
        c->s.store.insertDocument(meta);
        return true;
    };
    auto inserting = c->auditor.recordWith(std::move(e), std::move(insert));
    co_await std::move(inserting);
    auto answer = ocr::scanJson(r, stored.documentId);
    answer["cross_check"] = stored.crossCheck;
    co_return jsonResponse(201, answer);
}

asio::awaitable<HttpResponse> correctFields(ScanService::Impl* c, HttpRequest req) {
    const std::string id = req.pathParams.at("document_id");
    auto parsed = parseJsonBody(req.body);
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    auto& body = std::get<json::value>(parsed);
    auto* fieldsValue = body.is_object() ? body.as_object().if_contains("fields") : nullptr;
    if (!fieldsValue || !fieldsValue->is_object() || fieldsValue->as_object().empty())
        co_return toResponse(invalid("fields", "an object of field name to corrected value is required"),
                             req.requestId);
    std::vector<std::pair<std::string, std::string>> changes;
    for (auto& [k, v] : fieldsValue->as_object()) {
        if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 500)
            co_return toResponse(invalid("fields." + std::string(k), "must be a non-empty string of at most 500 bytes"),
                                 req.requestId);
        changes.emplace_back(std::string(k), std::string(v.as_string()));
    }
    struct Outcome {
        std::optional<store::DocumentMeta> doc;
        std::optional<store::Application> app;
        std::string unknownField;
        json::array changed;  ///< {field, old, new}
        json::object fields;
    };
    const std::string who = req.principal->id, role = req.principal->role;
    auto policy = c->s.access;
    std::function<Outcome()> job = [c, id, changes, who]() {
        Outcome o;
        o.doc = c->s.store.document(id);
        if (!o.doc || o.doc->source != "scan") {
            o.doc.reset();
            return o;
        }
        o.app = c->s.store.application(o.doc->applicationId);
        boost::system::error_code ec;
        auto stored = json::parse(o.doc->fieldsJson, ec);
        o.fields = !ec && stored.is_object() ? stored.as_object() : json::object{};
        return o;
    };
    Outcome o = co_await c->s.blocking.call(std::move(job));
    store::AuditEvent e = requestEvent(req, "scan.correct");
    e.target = id;
    if (!o.doc) {
        e.outcome = "denied";
        e.detailJson = R"({"reason":"not_found"})";
        co_await c->auditor.record(std::move(e));
        co_return toResponse(makeProblem(404, "document_not_found", "no scan " + id), req.requestId);
    }
    e.applicationId = o.doc->applicationId;
    auto decision = policy->decide(role, "scan.correct", documentFacts(*policy, *req.principal, *o.doc, o.app, false));
    if (!decision.allowed)
        co_return co_await refuse(c->auditor, req, "scan.correct", id, o.doc->applicationId,
                                  makeProblem(403, "access_denied", decision.reason));
    json::array changed, maskedChanges;  // the answer shows the values; the audit trail masks them
    for (auto& [name, value] : changes) {
        auto* f = o.fields.if_contains(name);
        if (!f || !f->is_object())
            co_return toResponse(invalid("fields." + name, "is not a field of this " + o.doc->docType + " scan"),
                                 req.requestId);
        auto& fo = f->as_object();
        json::value old = fo.contains("value") ? fo.at("value") : json::value(nullptr);
        fo["value"] = value;
        fo["status"] = "ok";
        fo["confidence"] = 1.0;
        fo["corrected_by"] = who;
        fo.erase("note");
        changed.push_back(json::object{{"field", name}, {"old", old}, {"new", value}});
        maskedChanges.push_back(json::object{{"field", name},
                                             {"old", old.is_string() ? json::value(security::maskValue(old.as_string()))
                                                                     : json::value(nullptr)},
                                             {"new", security::maskValue(value)}});
    }
    const std::string fieldsJson = json::serialize(o.fields);
    e.outcome = "allowed";
    e.detailJson = json::serialize(json::object{{"changes", maskedChanges}});
    // The correction commits with its event, or neither (503 audit_unavailable).
    store::AuditedAction save = [c, id, fieldsJson](store::AuditEvent&) {
        return c->s.store.updateDocumentFields(id, fieldsJson);
    };
    auto saving = c->auditor.recordWith(std::move(e), std::move(save));
    if (!co_await std::move(saving))
        co_return toResponse(makeProblem(404, "document_not_found", "scan " + id + " no longer exists"), req.requestId);
    co_return jsonResponse(200, json::object{{"document_id", id}, {"fields", o.fields}, {"changes", changed}});
}

}  // namespace

void ScanService::addRoutes(Router& router) {
    Impl* c = impl_.get();
    auto& access = *c->s.access;
    router.add({"POST", "/v1/scans", access.rolesFor("scan.create"), c->s.config.server.scanBodyLimitBytes,
                {"image/jpeg", "image/png", "image/tiff"}, [c](HttpRequest r) { return createScan(c, std::move(r)); }});
    router.add({"GET", "/v1/scans", access.rolesFor("scan.correct"), 0, {},
                [c](HttpRequest r) { return listForReview(c, std::move(r)); }});
    router.add({"PATCH", "/v1/scans/{document_id}/fields", access.rolesFor("scan.correct"), 0, {"application/json"},
                [c](HttpRequest r) { return correctFields(c, std::move(r)); }});
}

}  // namespace lgw::gateway
