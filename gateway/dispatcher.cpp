#include "gateway/dispatcher.hpp"

#include "adapters/transient_error.hpp"

#include <algorithm>
#include <chrono>

#include "gateway/logging.hpp"
#include "gateway/problem.hpp"

namespace lgw::gateway {

Dispatcher::Dispatcher(const Router& router, const Authenticator& auth, Metrics& metrics,
                       std::uint64_t defaultBodyLimit, std::uint64_t headerLimit)
    : router_(router), auth_(auth), metrics_(metrics), defaultBodyLimit_(defaultBodyLimit), headerLimit_(headerLimit) {}

std::uint64_t Dispatcher::bodyLimitFor(std::string_view method, std::string_view path) const {
    auto m = router_.match(method, path);
    if (m.route && m.route->bodyLimit) return m.route->bodyLimit;
    return defaultBodyLimit_;
}

void Dispatcher::recordTransportError(const std::string& method, int status) {
    metrics_.observeRequest("-", method, status, 0);
}

namespace {

std::string joined(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// Pre-handler checks; a Problem means "answer this instead of calling the handler".
std::optional<Problem> admit(const Route& route, HttpRequest& req, const Authenticator& auth) {
    if (!route.roles.empty()) {
        auto a = auth.authenticate(req);
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

asio::awaitable<HttpResponse> Dispatcher::dispatch(HttpRequest req) {
    auto started = std::chrono::steady_clock::now();
    metrics_.inflight(1);
    const std::string method = req.method.empty() ? "?" : req.method;
    std::string label = "unmatched";
    HttpResponse resp;
    auto m = router_.match(req.method, req.path);
    if (!m.route) {
        Problem p = m.allowedMethods.empty()
                        ? makeProblem(404, "not_found", "no route for " + req.path + "; see the API summary in the README")
                        : makeProblem(405, "method_not_allowed", req.method + " is not allowed on " + req.path +
                                                                     "; allowed: " + joined(m.allowedMethods, ", "));
        resp = toResponse(p, req.requestId);
        if (!m.allowedMethods.empty()) resp.headers.emplace_back("Allow", joined(m.allowedMethods, ", "));
    } else {
        const Route& route = *m.route;
        label = route.pattern;
        req.pathParams = std::move(m.params);
        if (auto p = admit(route, req, auth_)) {
            resp = toResponse(*p, req.requestId);
            if (p->status == 401) resp.headers.emplace_back("WWW-Authenticate", "Bearer");
            if (p->status == 403 && onDenied_) {
                try {
                    co_await onDenied_(req, route, p->detail);
                } catch (const std::exception& e) {
                    logger("http")->error("recording a denial failed request_id={} what=\"{}\"", req.requestId, e.what());
                }
            }
        } else {
            const std::string requestId = req.requestId;
            try {
                auto task = route.handler(std::move(req));
                resp = co_await std::move(task);
            } catch (const adapters::TransientError& e) {
                logger("http")->error("dependency unavailable request_id={} route=\"{} {}\" what=\"{}\"", requestId,
                                      method, label, e.what());
                resp = toResponse(makeProblem(503, "store_unavailable",
                                              "the gateway's database is unavailable right now; retry shortly (request_id " +
                                                  requestId + ")"),
                                  requestId);
                resp.headers.emplace_back("Retry-After", "1");
            } catch (const std::exception& e) {
                logger("http")->error("unhandled exception request_id={} route=\"{} {}\" what=\"{}\"", requestId,
                                      method, label, e.what());
                resp = toResponse(makeProblem(500, "internal_error",
                                              "an unexpected error occurred; quote request_id " + requestId +
                                                  " when reporting it"),
                                  requestId);
            }
        }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.observeRequest(label, method, resp.status, secs);
    resp.route = label;
    metrics_.inflight(-1);
    co_return resp;
}

}  // namespace lgw::gateway
