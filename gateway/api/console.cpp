#include "gateway/api/console.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/services/audit.hpp"
#include "gateway/http/conditional.hpp"
#include "gateway/http/json_body.hpp"
#include "gateway/http/logging.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/api/routes.hpp"
#include "gateway/services/time_text.hpp"
#include "security/crypto.hpp"

#ifndef LGW_SOURCE_WEB_DIR
#define LGW_SOURCE_WEB_DIR "web"
#endif

namespace lgw::gateway {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// Scripts and styles only from the gateway itself, never inline; images also from blob: (scan
// previews) and data:; nothing may frame the console.
constexpr const char* kConsoleCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

std::string contentTypeOf(const fs::path& p) {
    auto ext = p.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    return "application/octet-stream";
}

}  // namespace

std::string consoleDir(const config::Config& cfg) {
    return cfg.console.dir.empty() ? std::string(LGW_SOURCE_WEB_DIR) : cfg.console.dir;
}

std::map<std::string, StaticFile> loadConsoleFiles(const std::string& dir) {
    std::map<std::string, StaticFile> files;
    if (!fs::is_regular_file(fs::path(dir) / "index.html"))
        throw std::runtime_error("console.dir: \"" + dir + "\" has no index.html; point console.dir at the web/ "
                                 "directory of the release or set console.enabled = false");
    auto add = [&](const fs::path& p, const std::string& name) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        StaticFile f{ss.str(), contentTypeOf(p), {}};
        f.etag = "\"" + security::sha256Hex(f.body).substr(0, 20) + "\"";
        files.emplace(name, std::move(f));
    };
    add(fs::path(dir) / "index.html", "index.html");
    if (fs::is_directory(fs::path(dir) / "assets"))
        for (auto& e : fs::directory_iterator(fs::path(dir) / "assets"))
            if (e.is_regular_file()) add(e.path(), e.path().filename().string());
    return files;
}

struct ConsoleService::Ctx {
    Services& s;
    Auditor& auditor;
    const Authenticator& auth;
    bool tls;
    std::map<std::string, StaticFile> files;

    std::int64_t idleMs() const { return static_cast<std::int64_t>(s.config.console.sessionIdleMinutes) * 60000; }
    std::int64_t absoluteMs() const {
        return static_cast<std::int64_t>(s.config.console.sessionAbsoluteHours) * 3600000;
    }
    bool secureCookie() const { return tls || s.config.console.cookieSecure == "always"; }

    std::string cookie(const std::string& token, std::int64_t maxAgeS) const {
        return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
               std::to_string(maxAgeS) + (secureCookie() ? "; Secure" : "");
    }
};

namespace {

using Ctx = ConsoleService::Ctx;

// Not a coroutine: callers name the event, then await the auditor with it (STYLE.md on g++ 12).
store::AuditEvent event(const HttpRequest& req, std::string action, std::string actor, std::string role,
                        std::string outcome, const json::object& detail = {}) {
    store::AuditEvent e = requestEvent(req, std::move(action));
    e.actor = std::move(actor);  // sign-in: the key's holder, before there is a principal
    e.role = std::move(role);
    e.outcome = std::move(outcome);
    e.detailJson = json::serialize(detail);
    return e;
}

json::object sessionJson(const store::Session& s, const std::string& csrf, std::int64_t idleMs) {
    return {{"principal", json::object{{"id", s.principalId}, {"role", s.role}}},
            {"csrf_token", csrf},
            {"idle_timeout_s", idleMs / 1000},
            {"expires_at", rfc3339Utc(s.expiresAt)}};
}

asio::awaitable<HttpResponse> signIn(Ctx* c, HttpRequest req) {
    auto parsed = parseJsonObject(req.body, R"({"api_key": "..."})");
    if (auto* p = std::get_if<Problem>(&parsed)) co_return toResponse(*p, req.requestId);
    const json::object& o = std::get<json::object>(parsed);
    FieldErrors errs;
    for (auto& [k, val] : o) {
        (void)val;
        if (k != "api_key") errs.add(std::string(k), "unknown field; expected api_key");
    }
    std::optional<std::string> key = errs.string(o, "api_key", true, 512);
    if (key && key->empty()) errs.add("api_key", "must not be empty");
    if (!errs.empty()) co_return toResponse(errs.problem(), req.requestId);
    auto a = c->auth.authenticateKey(*key);
    if (!a.principal) {
        // Keys are too long to guess, but a flood of wrong ones would flood the audit trail: past
        // kFailuresPerMinute refused sign-ins (all callers together) the answer is 429, unaudited.
        // Right keys are checked first, so a flood never locks a person out.
        constexpr int kFailuresPerMinute = 30;
        std::function<store::RateDecision()> hit = [c, now = c->s.nowMs()] {
            return c->s.store.hitRateLimit("session.sign_in.refused", 60000, kFailuresPerMinute, now);
        };
        auto rate = co_await c->s.blocking.call(std::move(hit));
        if (!rate.allowed) {
            const auto secs = retryAfterSeconds(rate.retryAfterMs);
            co_return rateLimited("too many refused sign-ins; retry in " + std::to_string(secs) + " s", secs, req.requestId);
        }
        // A wrong key at the sign-in page is a denied access like any other (and an alert).
        json::object why{{"reason", "unknown_api_key"}};
        auto e = event(req, "session.sign_in", "", "", "denied", why);
        e.alert = true;
        co_await c->auditor.record(std::move(e));
        auto resp = toResponse(makeProblem(401, "unknown_api_key", "this API key is not known; check it and try again"),
                               req.requestId);
        co_return resp;
    }
    const std::string token = security::randomId128() + security::randomId128();
    const std::int64_t now = c->s.nowMs();
    store::Session session{security::sha256Hex(token), a.principal->id, a.principal->role, now, now,
                           now + c->absoluteMs()};
    // The session exists only with its sign-in event (one transaction).
    auto e = event(req, "session.sign_in", a.principal->id, a.principal->role, "allowed");
    store::AuditedAction insert = [c, session](store::AuditEvent&) {
        c->s.store.insertSession(session);
        return true;
    };
    auto signing = c->auditor.recordWith(std::move(e), std::move(insert));
    co_await std::move(signing);
    auto resp = jsonResponse(201, sessionJson(session, ConsoleService::csrfFor(token), c->idleMs()));
    resp.headers.emplace_back("Set-Cookie", c->cookie(token, c->absoluteMs() / 1000));
    resp.headers.emplace_back("Cache-Control", "no-store");
    co_return resp;
}

asio::awaitable<HttpResponse> getSession(Ctx* c, HttpRequest req) {
    const std::string token = cookieValue(req, kSessionCookie);
    if (req.principal->via != "session" || token.empty())
        co_return jsonResponse(200, {{"principal", json::object{{"id", req.principal->id}, {"role", req.principal->role}}},
                                     {"csrf_token", nullptr},
                                     {"via", req.principal->via}});
    // The dispatcher resolved (and touched) the session a moment ago: its row is in the principal.
    store::Session session;
    session.principalId = req.principal->id;
    session.role = req.principal->role;
    session.expiresAt = req.principal->sessionExpiresAt;
    auto resp = jsonResponse(200, sessionJson(session, ConsoleService::csrfFor(token), c->idleMs()));
    resp.headers.emplace_back("Cache-Control", "no-store");
    co_return resp;
}

asio::awaitable<HttpResponse> signOut(Ctx* c, HttpRequest req) {
    const std::string token = cookieValue(req, kSessionCookie);
    // The session ends with its sign-out event (one transaction).
    auto e = event(req, "session.sign_out", req.principal->id, req.principal->role, "allowed");
    store::AuditedAction end = [c, hash = token.empty() ? std::string() : security::sha256Hex(token)](store::AuditEvent&) {
        if (!hash.empty()) c->s.store.deleteSession(hash);
        return true;
    };
    auto ending = c->auditor.recordWith(std::move(e), std::move(end));
    co_await std::move(ending);
    auto resp = jsonResponse(200, {{"signed_out", true}});
    resp.headers.emplace_back("Set-Cookie", c->cookie("", 0));
    co_return resp;
}

asio::awaitable<HttpResponse> serveFile(Ctx* c, HttpRequest req, std::string name) {
    auto it = c->files.find(name);
    if (it == c->files.end())
        co_return toResponse(makeProblem(404, "not_found", "the console has no file " + name), req.requestId);
    auto resp = conditionalResponse(req, it->second.etag, "no-cache", it->second.contentType, it->second.body);
    resp.headers.emplace_back("Content-Security-Policy", kConsoleCsp);
    co_return resp;
}

asio::awaitable<std::optional<Principal>> resolveSession(Ctx* c, std::string token) {
    std::string hash = security::sha256Hex(token);
    std::function<std::optional<store::Session>()> job = [c, hash, now = c->s.nowMs()] {
        return c->s.store.touchSession(hash, now, c->idleMs());
    };
    auto session = co_await c->s.blocking.call(std::move(job));
    if (!session) co_return std::nullopt;
    if (!c->auth.hasKey(session->principalId, session->role)) {
        // The key was revoked (or its role changed) since sign-in: the session goes with it.
        std::function<bool()> drop = [c, hash] { return c->s.store.deleteSession(hash); };
        co_await c->s.blocking.call(std::move(drop));
        co_return std::nullopt;
    }
    co_return Principal{session->principalId, session->role, "session", session->expiresAt};
}

}  // namespace

ConsoleService::ConsoleService(Services& services, Auditor& auditor, const Authenticator& auth, bool tls)
    : ctx_(std::make_shared<Ctx>(Ctx{services, auditor, auth, tls, {}})) {}

std::string ConsoleService::csrfFor(std::string_view token) {
    return security::sha256Hex(std::string("lgw-csrf:") + std::string(token));
}

Dispatcher::SessionHooks ConsoleService::hooks() {
    Ctx* c = ctx_.get();
    return {[c](std::string token) { return resolveSession(c, std::move(token)); },
            [](std::string_view token) { return csrfFor(token); }};
}

void ConsoleService::addRoutes(Router& router) {
    Ctx* c = ctx_.get();
    const std::vector<std::string> everyone = {"frontdesk", "marketing", "auditor", "admin"};
    router.add({"POST", "/v1/session", {}, 0, {"application/json"}, [c](HttpRequest r) { return signIn(c, std::move(r)); }});
    router.add({"GET", "/v1/session", everyone, 0, {}, [c](HttpRequest r) { return getSession(c, std::move(r)); }});
    router.add({"DELETE", "/v1/session", everyone, 0, {}, [c](HttpRequest r) { return signOut(c, std::move(r)); }});
    if (!c->s.config.console.enabled) return;
    auto dir = consoleDir(c->s.config);
    c->files = loadConsoleFiles(dir);
    logger("console")->info("console served at / from {} ({} files)", dir, c->files.size());
    router.add({"GET", "/", {}, 0, {}, [c](HttpRequest r) { return serveFile(c, std::move(r), "index.html"); }});
    router.add({"GET", "/assets/{file}", {}, 0, {}, [c](HttpRequest r) {
                    std::string name = r.pathParams.at("file");
                    return serveFile(c, std::move(r), std::move(name));
                }});
}

}  // namespace lgw::gateway
