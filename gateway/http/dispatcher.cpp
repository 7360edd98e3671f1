#include "gateway/http/dispatcher.hpp"

#include "adapters/transient_error.hpp"

#include <algorithm>
#include <chrono>

#include "gateway/http/logging.hpp"
#include "gateway/http/problem.hpp"
#include "security/crypto.hpp"

namespace lgw::gateway {

Dispatcher::Dispatcher(const Router& router, const Authenticator& auth, Metrics& metrics,
                       std::uint64_t defaultBodyLimit, std::uint64_t headerLimit)
    : router_(router), auth_(auth), metrics_(metrics), defaultBodyLimit_(defaultBodyLimit), headerLimit_(headerLimit) {}

void Dispatcher::recordTransportError(const std::string& method, int status) {
    metrics_.observeRequest("-", method, status, 0);
}

namespace {

std::string joined(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

bool safeMethod(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// Pre-handler checks; a Problem means "answer this instead of calling the handler". `session` is
// the principal a console session cookie resolved to, when the request came that way.
std::optional<Problem> admitTo(const Route& route, HttpRequest& req, const Authenticator& auth,
                             std::optional<Principal> session) {
    if (!route.roles.empty()) {
        auto a = session ? AuthResult{session, AuthFailure::kMissing} : auth.authenticate(req);
        if (!a.principal) {
            switch (a.failure) {
                case AuthFailure::kMissing:
                    return makeProblem(401, "missing_credentials",
                                       "send 'Authorization: Bearer <api key>' or a client certificate");
                case AuthFailure::kMalformed:
                    return makeProblem(401, "malformed_credentials",
                                       "the Authorization header must be 'Bearer <api key>'");
                case AuthFailure::kUnknownKey:
                    return makeProblem(401, "unknown_api_key", "the API key or client certificate is not known");
            }
        }
        req.principal = a.principal;
        if (std::find(route.roles.begin(), route.roles.end(), a.principal->role) == route.roles.end())
            return makeProblem(403, "role_not_admitted",
                               "role '" + a.principal->role + "' may not call " + route.method + " " + route.pattern +
                                   "; admitted: " + joined(route.roles, ", "));
    }
    if (!route.contentTypes.empty()) {
        auto mt = req.mediaType();
        if (std::find(route.contentTypes.begin(), route.contentTypes.end(), mt) == route.contentTypes.end())
            return makeProblem(415, "unsupported_media_type",
                               "Content-Type must be " + joined(route.contentTypes, " or ") + ", got '" +
                                   (mt.empty() ? std::string("none") : mt) + "'");
    }
    return std::nullopt;
}

}  // namespace

std::string cookieValue(const HttpRequest& req, std::string_view name) {
    for (auto& [k, v] : req.headers) {
        if (k != "cookie") continue;
        std::string_view rest(v);
        while (!rest.empty()) {
            auto semi = rest.find(';');
            std::string_view part = rest.substr(0, semi);
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
            auto eq = part.find('=');
            if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
        }
    }
    return {};
}

asio::awaitable<Dispatcher::Admission> Dispatcher::admit(HttpRequest& req) {
    Admission a;
    a.started = std::chrono::steady_clock::now();
    a.bodyLimit = defaultBodyLimit_;
    auto m = router_.match(req.method, req.path);
    if (!m.route) {
        Problem p = m.allowedMethods.empty()
                        ? makeProblem(404, "not_found", "no route for " + req.path + "; see the API summary in the README")
                        : makeProblem(405, "method_not_allowed", req.method + " is not allowed on " + req.path +
                                                                     "; allowed: " + joined(m.allowedMethods, ", "));
        a.answer = toResponse(p, req.requestId);
        if (!m.allowedMethods.empty()) a.answer->headers.emplace_back("Allow", joined(m.allowedMethods, ", "));
        co_return a;
    }
    const Route& route = *m.route;
    a.route = &route;
    a.label = route.pattern;
    if (route.bodyLimit) a.bodyLimit = route.bodyLimit;
    req.pathParams = std::move(m.params);
    // A console session stands in for the API key only when the request names no other identity.
    std::optional<Principal> session;
    std::optional<Problem> sessionProblem;
    std::string token = cookieValue(req, kSessionCookie);
    if (!route.roles.empty() && !token.empty() && sessions_.resolve && !req.header("authorization") &&
        req.clientCertCn.empty()) {
        bool unavailable = false;
        try {
            auto task = sessions_.resolve(token);
            session = co_await std::move(task);
        } catch (const std::exception& e) {  // the store is down: the caller may retry, no 500
            logger("http")->error("resolving a console session failed request_id={} what=\"{}\"", req.requestId, e.what());
            unavailable = true;
        }
        if (unavailable) {
            sessionProblem = makeProblem(503, "store_unavailable",
                                         "the gateway's database is unavailable right now; retry shortly (request_id " +
                                             req.requestId + ")");
        } else if (!session) {
            sessionProblem = makeProblem(401, "session_expired",
                                         "the console session has ended (signed out, idle or too old); sign in again");
        } else if (!safeMethod(req.method)) {
            const std::string* csrf = req.header("x-csrf-token");
            if (!csrf || !security::constantTimeEquals(*csrf, sessions_.csrfFor(token))) {
                req.principal = session;
                sessionProblem = makeProblem(403, csrf ? "csrf_token_mismatch" : "csrf_token_missing",
                                             "a state-changing request on a console session must carry the "
                                             "X-CSRF-Token header that GET /v1/session returns");
            }
        }
    }
    if (auto p = sessionProblem ? sessionProblem : admitTo(route, req, auth_, session)) {
        a.answer = toResponse(*p, req.requestId);
        if (p->status == 401) a.answer->headers.emplace_back("WWW-Authenticate", "Bearer");
        if (p->status == 503) a.answer->headers.emplace_back("Retry-After", "1");
        if (p->status == 403 && onDenied_) {
            try {
                co_await onDenied_(req, route, p->detail);
            } catch (const std::exception& e) {
                logger("http")->error("recording a denial failed request_id={} what=\"{}\"", req.requestId, e.what());
            }
        }
    }
    co_return a;
}

asio::awaitable<HttpResponse> Dispatcher::serve(Admission a, HttpRequest req) {
    const std::string method = req.method.empty() ? "?" : req.method;
    HttpResponse resp;
    if (a.answer) {
        resp = std::move(*a.answer);
    } else {
        metrics_.inflight(1);
        const std::string requestId = req.requestId;
        try {
            auto task = a.route->handler(std::move(req));
            resp = co_await std::move(task);
        } catch (const adapters::AuditUnavailable& e) {
            // Nothing the request asked for happened: an audited action commits with its event.
            logger("http")->error("audit log unavailable request_id={} route=\"{} {}\" what=\"{}\"", requestId, method,
                                  a.label, e.what());
            resp = toResponse(makeProblem(503, "audit_unavailable",
                                          "the audit log cannot be written right now, so nothing was done; retry "
                                          "shortly (request_id " + requestId + ")"),
                              requestId);
            resp.headers.emplace_back("Retry-After", "1");
        } catch (const adapters::TransientError& e) {
            logger("http")->error("dependency unavailable request_id={} route=\"{} {}\" what=\"{}\"", requestId,
                                  method, a.label, e.what());
            resp = toResponse(makeProblem(503, "store_unavailable",
                                          "the gateway's database is unavailable right now; retry shortly (request_id " +
                                              requestId + ")"),
                              requestId);
            resp.headers.emplace_back("Retry-After", "1");
        } catch (const std::exception& e) {
            logger("http")->error("unhandled exception request_id={} route=\"{} {}\" what=\"{}\"", requestId, method,
                                  a.label, e.what());
            resp = toResponse(makeProblem(500, "internal_error",
                                          "an unexpected error occurred; quote request_id " + requestId +
                                              " when reporting it"),
                              requestId);
        }
        metrics_.inflight(-1);
    }
    // Browsers must not sniff, frame or leak URLs of anything the gateway answers; handlers that serve
    // pages set their own Content-Security-Policy.
    auto has = [&](std::string_view n) {
        return std::any_of(resp.headers.begin(), resp.headers.end(), [&](auto& h) { return h.first == n; });
    };
    if (!has("Content-Security-Policy"))
        resp.headers.emplace_back("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
    resp.headers.emplace_back("Referrer-Policy", "no-referrer");
    resp.headers.emplace_back("X-Frame-Options", "DENY");
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - a.started).count();
    metrics_.observeRequest(a.label, method, resp.status, secs);
    resp.route = a.label;
    co_return resp;
}

asio::awaitable<HttpResponse> Dispatcher::dispatch(HttpRequest req) {
    auto admitting = admit(req);
    Admission a = co_await std::move(admitting);
    auto serving = serve(std::move(a), std::move(req));
    co_return co_await std::move(serving);
}

}  // namespace lgw::gateway
