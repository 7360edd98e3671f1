// Section 5 of API.md: the audit trail for compliance auditors. Reading the trail is itself audited.
#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <cstdio>

#include "gateway/services/audit.hpp"
#include "security/audit_chain.hpp"
#include "gateway/api/copy_trace_json.hpp"
#include "gateway/http/json_body.hpp"
#include "gateway/api/routes.hpp"
#include "security/identity_codes.hpp"
#include "security/masking.hpp"
#include "text/rfc3339.hpp"

namespace lgw::gateway {

namespace json = boost::json;

namespace {

struct AuditCtx {
    Services* s;
    Auditor* auditor;
};

bool digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 3339 ("2026-11-23T08:00:00+08:00", "...Z", fractions allowed) or Unix milliseconds.
std::optional<std::int64_t> parseTime(const std::string& v) {
    if (digits(v) && v.size() < 16) return std::stoll(v);
    return text::parseRfc3339Ms(v);
}

// The canonical form (the fields that are hashed), with the hash and the detail as JSON.
json::object eventJson(const store::AuditEvent& e) {
    json::object o = json::parse(canonicalAuditEvent(e)).as_object();
    boost::system::error_code ec;
    auto detail = json::parse(e.detailJson, ec);
    if (!ec) o["detail"] = detail;
    o["hash"] = e.hash;
    return o;
}

asio::awaitable<void> auditRead(AuditCtx c, const HttpRequest& req, std::string action) {
    store::AuditEvent e = requestEvent(req, std::move(action));
    e.outcome = "allowed";
    co_await c.auditor->record(std::move(e));
}

// Reads filters shared by events and alerts; a problem when one is malformed.
// A subject is searched by the code (stored as its keyed reference) or by the reference itself.
std::variant<store::AuditFilter, Problem> filterFrom(const HttpRequest& req, const Auditor& auditor) {
    store::AuditFilter f;
    FieldErrors errs;
    for (auto& [k, v] : req.query) {
        if (k == "actor") f.actor = v;
        else if (k == "subject") f.subject = auditor.subjectReference(v);
        else if (k == "document") f.document = v;
        else if (k == "action") f.action = v;
        else if (k == "download_id") f.downloadId = v;
        else if (k == "outcome") {
            if (v != "allowed" && v != "denied" && v != "error") errs.add("outcome", "must be allowed, denied or error");
            f.outcome = v;
        } else if (k == "from" || k == "to") {
            auto t = parseTime(v);
            if (!t) errs.add(k, "must be RFC 3339 (2026-11-23T08:00:00+08:00) or Unix milliseconds");
            (k == "from" ? f.from : f.to) = t;
        } else if (k == "limit") {
            char* end = nullptr;
            long n = std::strtol(v.c_str(), &end, 10);
            if (*end || n < 1 || n > 1000) errs.add("limit", "must be 1..1000");
            else f.limit = static_cast<int>(n);
        } else if (k == "cursor") {
            char* end = nullptr;
            long long n = std::strtoll(v.c_str(), &end, 10);
            if (*end || n < 1) errs.add("cursor", "must be the next_cursor of a previous page");
            else f.beforeSeq = n;
        } else {
            errs.add(k, "unknown parameter; use actor, subject, document, action, outcome, download_id, from, to, limit, cursor");
        }
    }
    if (!errs.empty()) return errs.problem();
    return f;
}

asio::awaitable<HttpResponse> listEvents(AuditCtx c, HttpRequest req, bool alertsOnly) {
    auto parsed = filterFrom(req, *c.auditor);
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    auto f = std::get<store::AuditFilter>(parsed);
    f.alertsOnly = alertsOnly;
    co_await auditRead(c, req, alertsOnly ? "audit.alerts" : "audit.events");
    std::function<std::vector<store::AuditEvent>()> job = [c, f] { return c.s->store.auditEvents(f); };
    auto events = co_await c.s->blocking.call(std::move(job));
    json::array out;
    for (auto& e : events) out.push_back(eventJson(e));
    json::value next = nullptr;
    if (static_cast<int>(events.size()) == f.limit && !events.empty()) next = std::to_string(events.back().seq);
    co_return jsonResponse(200, {{alertsOnly ? "alerts" : "events", out}, {"next_cursor", next}});
}

// ---- GET /v1/audit/subjects/{code}: the subject's access record ----
// Every event that touched data of this credit code or ID number — consents, fetches, stored
// licences, each read and push of a licence copy, and the auditors' own looks at this record —
// oldest first. Found by the code's keyed reference (events keep only that and a masked form).
asio::awaitable<HttpResponse> subjectRecord(AuditCtx c, HttpRequest req) {
    const std::string raw = req.pathParams.at("code");
    const auto verdict = security::validateIdentityCode(raw);
    if (!verdict.wellFormed) {
        FieldErrors errs;
        errs.add("code", "must be a unified social credit code or an ID number: " + verdict.reason);
        co_return toResponse(errs.problem(), req.requestId);
    }
    const std::string code = verdict.normalized;
    store::AuditEvent look = requestEvent(req, "audit.subject");
    look.subject = code;
    look.outcome = "allowed";
    look.detailJson = json::serialize(json::object{{"subject_masked", security::maskIdentityCode(code)}});
    co_await c.auditor->record(std::move(look));
    constexpr int kPage = 1000, kMaxEvents = 20000;
    const std::string ref = c.auditor->subjectReference(code);
    std::function<std::pair<std::vector<store::AuditEvent>, bool>()> job = [c, ref] {
        std::vector<store::AuditEvent> all;
        store::AuditFilter f;
        f.subject = ref;
        f.limit = kPage;
        for (;;) {
            auto page = c.s->store.auditEvents(f);
            all.insert(all.end(), page.begin(), page.end());
            if (static_cast<int>(page.size()) < kPage) return std::make_pair(std::move(all), false);
            if (static_cast<int>(all.size()) >= kMaxEvents) return std::make_pair(std::move(all), true);
            f.beforeSeq = page.back().seq;
        }
    };
    auto [events, truncated] = co_await c.s->blocking.call(std::move(job));
    json::array out;
    for (auto it = events.rbegin(); it != events.rend(); ++it) out.push_back(eventJson(*it));  // oldest first
    co_return jsonResponse(200, {{"subject_masked", security::maskIdentityCode(code)},
                                 {"events", std::move(out)},
                                 {"truncated", truncated}});
}

asio::awaitable<HttpResponse> verifyChain(AuditCtx c, HttpRequest req) {
    co_await auditRead(c, req, "audit.verify");
    std::function<ChainVerdict()> job = [c] {
        ChainVerifier v(c.auditor->publicKey(), std::string(64, '0'));
        // The checkpoint table and the events are both the store's: someone who rewrote events
        // could delete checkpoints too. So no stretch may lack one, and no head be older than
        // what this gateway has recorded itself.
        v.requireCheckpointEvery(c.auditor->checkpointEvery());
        v.requireReaching(c.auditor->highestSeq());
        for (std::int64_t from = 1;; from += 1000) {
            auto page = c.s->store.auditRange(from, from + 999);
            for (auto& e : page) v.add(e);
            if (page.size() < 1000) break;
        }
        for (auto& cp : c.s->store.checkpoints()) v.addCheckpoint(cp);
        return v.finish();
    };
    auto verdict = co_await c.s->blocking.call(std::move(job));
    json::object o{{"ok", verdict.ok}, {"events", verdict.events}, {"head", verdict.head},
                   {"checkpoints", verdict.checkpoints}};
    if (!verdict.ok) {
        o["first_bad_seq"] = verdict.firstBadSeq;
        o["reason"] = verdict.reason;
    }
    co_return jsonResponse(200, o);
}

asio::awaitable<HttpResponse> exportChain(AuditCtx c, HttpRequest req) {
    std::optional<std::int64_t> from, to;
    FieldErrors errs;
    for (auto& [k, v] : req.query) {
        if (k != "from" && k != "to") {
            errs.add(k, "unknown parameter; use from and to");
            continue;
        }
        auto t = parseTime(v);
        if (!t) errs.add(k, "must be RFC 3339 or Unix milliseconds");
        (k == "from" ? from : to) = t;
    }
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    co_await auditRead(c, req, "audit.export");
    std::function<std::string()> job = [c, from, to] {
        // Sign the head first, so that a file cut short after export is detected too.
        c.auditor->checkpointNow();
        std::vector<store::AuditEvent> picked;
        for (std::int64_t s = 1;; s += 1000) {
            auto page = c.s->store.auditRange(s, s + 999);
            for (auto& e : page)
                if ((!from || e.at >= *from) && (!to || e.at <= *to)) picked.push_back(std::move(e));
            if (page.size() < 1000) break;
        }
        // The chain is verified over consecutive seqs: fill any event inside [first, last] that fell
        // outside the time window because clocks of concurrent appends interleave.
        std::string out;
        std::int64_t first = picked.empty() ? 1 : picked.front().seq, last = picked.empty() ? 0 : picked.back().seq;
        auto key = c.auditor->publicKey();
        out += exportHeaderLine(first, last, key ? key->pem() : std::string());
        // Each checkpoint right after the event it signs, where it was made.
        std::multimap<std::int64_t, store::AuditCheckpoint> bySeq;
        for (auto& cp : c.s->store.checkpoints())
            if (cp.seq >= first && cp.seq <= last) bySeq.emplace(cp.seq, cp);
        ExportTrailer trailer;
        trailer.fromSeq = first;
        if (!picked.empty())
            for (auto& e : c.s->store.auditRange(first, last)) {
                out += exportEventLine(e);
                ++trailer.events;
                trailer.toSeq = e.seq;
                trailer.headHash = e.hash;
                for (auto [it, end] = bySeq.equal_range(e.seq); it != end; ++it) {
                    out += exportCheckpointLine(it->second);
                    ++trailer.checkpoints;
                    if (!it->second.timestamp.empty()) ++trailer.timestamps;
                }
            }
        out += exportTrailerLine(c.auditor->signTrailer(trailer));
        return out;
    };
    HttpResponse r;
    r.contentType = "application/x-ndjson";
    r.body = co_await c.s->blocking.call(std::move(job));
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"audit-export.ndjson\"");
    co_return r;
}

// A leaked copy, uploaded by an auditor: which request issued it. The lookup is audited too.
asio::awaitable<HttpResponse> identifyCopy(AuditCtx c, HttpRequest req) {
    auto body = std::make_shared<std::string>(std::move(req.body));
    std::function<CopyTrace()> job = [c, body] { return traceCopy(*body, &c.s->store, c.s->markKey); };
    auto trace = co_await c.s->blocking.call(std::move(job));
    if (trace.status == CopyTrace::Status::NotAnImage)
        co_return toResponse(makeProblem(422, "image_unreadable",
                                         "The body is not a PNG, JPEG or TIFF image; upload the copy as it was found."),
                             req.requestId);
    auto o = traceJson(trace);
    store::AuditEvent e = requestEvent(req, "audit.identify");
    e.outcome = "allowed";
    if (trace.read) {
        e.target = trace.read->target;
        e.applicationId = trace.read->applicationId;
    }
    e.detailJson = json::serialize(json::object{{"status", o["status"]}, {"download_id", trace.downloadId}});
    co_await c.auditor->record(std::move(e));
    co_return jsonResponse(200, o);
}

}  // namespace

void addAuditRoutes(Router& router, Services& services, Auditor& auditor) {
    AuditCtx c{&services, &auditor};
    const auto roles = services.access->rolesFor("audit.read");
    router.add({"GET", "/v1/audit/events", roles, 0, {}, [c](HttpRequest r) { return listEvents(c, std::move(r), false); }});
    router.add({"GET", "/v1/audit/alerts", roles, 0, {}, [c](HttpRequest r) { return listEvents(c, std::move(r), true); }});
    router.add({"GET", "/v1/audit/subjects/{code}", roles, 0, {},
                [c](HttpRequest r) { return subjectRecord(c, std::move(r)); }});
    router.add({"GET", "/v1/audit/verify", roles, 0, {}, [c](HttpRequest r) { return verifyChain(c, std::move(r)); }});
    router.add({"GET", "/v1/audit/export", roles, 0, {}, [c](HttpRequest r) { return exportChain(c, std::move(r)); }});
    router.add({"POST", "/v1/audit/identify", services.access->rolesFor("audit.identify"), services.config.server.scanBodyLimitBytes,
                {"image/png", "image/jpeg", "image/tiff", "application/octet-stream"},
                [c](HttpRequest r) { return identifyCopy(c, std::move(r)); }});
}

}  // namespace lgw::gateway
