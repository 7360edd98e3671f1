// GET /healthz, /readyz, /metrics: no API key, so that probes and scrapers need none. /metrics may
// ask for a scrape key of its own (auth.metrics_key_sha256): a bearer key that is no API key and
// admits nothing else. GET /v1/openapi.json: the OpenAPI document (gateway/api/openapi.json,
// compiled in), public like any API description.
#include <boost/json/serialize.hpp>

#include "gateway/api/routes.hpp"
#include "gateway/http/conditional.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/http/queue_deadline.hpp"
#include "security/crypto.hpp"

namespace lgw::gateway {

extern const std::string_view kOpenApiDocument;  // openapi_document.cpp, generated from openapi.json

HttpResponse jsonResponse(int status, const boost::json::value& body) {
    HttpResponse r;
    r.status = status;
    r.body = boost::json::serialize(body);
    return r;
}

namespace {

asio::awaitable<HttpResponse> healthz(Services*, HttpRequest) { co_return jsonResponse(200, {{"status", "ok"}}); }

// Each check has server.readyz_timeout_ms: a store that hangs (a lock, a dead server the pool has
// not noticed) or a full blocking pool makes /readyz say which, in time, instead of hanging with it.
asio::awaitable<HttpResponse> readyz(Services* s, HttpRequest) {
    const std::chrono::milliseconds deadline(s->config.server.readyzTimeoutMs);
    const std::string late = "no answer within " + std::to_string(deadline.count()) + " ms";
    std::function<bool()> ping = [s] { return s->store.ping(); };
    auto pinging = callWithin(s->blocking, std::move(ping), deadline);
    std::optional<bool> storeOk = co_await std::move(pinging);
    std::function<std::string()> keys = s->checkKeys;
    auto checking = callWithin(s->blocking, std::move(keys), deadline);
    std::optional<std::string> keyProblem = co_await std::move(checking);
    std::string store = "ok", keysState = "ok";
    if (!storeOk) store = late;
    else if (!*storeOk) store = "unreachable";
    if (!keyProblem) keysState = late;
    else if (!keyProblem->empty()) keysState = *keyProblem;
    const bool ready = store == "ok" && keysState == "ok";
    boost::json::object checks{{"store", store},
                               {"keys", keysState},
                               // Informational: an open circuit does not take the gateway out of rotation,
                               // since scans, documents and packages still work without the platform.
                               {"govdata_circuit", s->govCircuitState()}};
    co_return jsonResponse(ready ? 200 : 503, {{"status", ready ? "ready" : "not_ready"}, {"checks", checks}});
}

// True when no scrape key is configured, or the request carries it.
bool scrapeAdmitted(const Services& s, const HttpRequest& req) {
    const std::string& want = s.config.auth.metricsKeySha256;
    if (want.empty()) return true;
    const std::string* header = req.header("authorization");
    std::string_view auth = header ? std::string_view(*header) : std::string_view();
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer) return false;
    return security::constantTimeEquals(security::sha256Hex(auth.substr(kBearer.size())), want);
}

asio::awaitable<HttpResponse> metrics(Services* s, HttpRequest req) {
    if (!scrapeAdmitted(*s, req)) {
        auto r = toResponse(makeProblem(401, "metrics_key_required",
                                        "/metrics asks for the scrape key: send Authorization: Bearer <key> "
                                        "(the key whose SHA-256 is auth.metrics_key_sha256)"),
                            req.requestId);
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"metrics\"");
        co_return r;
    }
    HttpResponse r;
    r.contentType = "text/plain; version=0.0.4; charset=utf-8";
    r.body = s->metrics.render();
    co_return r;
}

asio::awaitable<HttpResponse> openApi(const std::string* etag, HttpRequest req) {
    co_return conditionalResponse(req, *etag, "no-cache", "application/json", kOpenApiDocument);
}

}  // namespace

void addOpsRoutes(Router& router, Services& services) {
    Services* s = &services;
    router.add({"GET", "/healthz", {}, 0, {}, [s](HttpRequest r) { return healthz(s, std::move(r)); }});
    router.add({"GET", "/readyz", {}, 0, {}, [s](HttpRequest r) { return readyz(s, std::move(r)); }});
    router.add({"GET", "/metrics", {}, 0, {}, [s](HttpRequest r) { return metrics(s, std::move(r)); }});
    auto etag = std::make_shared<const std::string>("\"" + security::sha256Hex(kOpenApiDocument).substr(0, 16) + "\"");
    router.add({"GET", "/v1/openapi.json", {}, 0, {}, [etag](HttpRequest r) { return openApi(etag.get(), std::move(r)); }});
}

}  // namespace lgw::gateway
