// GET /healthz, /readyz, /metrics: no authentication, so that probes and scrapers need no key.
#include <boost/json/serialize.hpp>

#include "gateway/api/routes.hpp"

namespace lgw::gateway {

HttpResponse jsonResponse(int status, const boost::json::value& body) {
    HttpResponse r;
    r.status = status;
    r.body = boost::json::serialize(body);
    return r;
}

namespace {

asio::awaitable<HttpResponse> healthz(Services*, HttpRequest) { co_return jsonResponse(200, {{"status", "ok"}}); }

asio::awaitable<HttpResponse> readyz(Services* s, HttpRequest) {
    std::function<bool()> ping = [s] { return s->store.ping(); };
    bool storeOk = co_await s->blocking.call(std::move(ping));
    std::function<std::string()> keys = s->checkKeys;
    std::string keyProblem = co_await s->blocking.call(std::move(keys));
    bool ready = storeOk && keyProblem.empty();
    boost::json::object checks{{"store", storeOk ? "ok" : "unreachable"},
                               {"keys", keyProblem.empty() ? std::string("ok") : keyProblem},
                               // Informational: an open circuit does not take the gateway out of rotation,
                               // since scans, documents and packages still work without the platform.
                               {"govdata_circuit", s->govCircuitState()}};
    co_return jsonResponse(ready ? 200 : 503, {{"status", ready ? "ready" : "not_ready"}, {"checks", checks}});
}

asio::awaitable<HttpResponse> metrics(Services* s, HttpRequest) {
    HttpResponse r;
    r.contentType = "text/plain; version=0.0.4; charset=utf-8";
    r.body = s->metrics.render();
    co_return r;
}

}  // namespace

void addOpsRoutes(Router& router, Services& services) {
    Services* s = &services;
    router.add({"GET", "/healthz", {}, 0, {}, [s](HttpRequest r) { return healthz(s, std::move(r)); }});
    router.add({"GET", "/readyz", {}, 0, {}, [s](HttpRequest r) { return readyz(s, std::move(r)); }});
    router.add({"GET", "/metrics", {}, 0, {}, [s](HttpRequest r) { return metrics(s, std::move(r)); }});
}

}  // namespace lgw::gateway
