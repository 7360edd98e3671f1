#pragma once
// Everything between "a complete request arrived" and "a response is ready", independent of the
// transport: route matching, authentication, role admission, media types, the handler itself,
// metrics and the last-resort 500 for bugs.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "gateway/http/auth.hpp"
#include "gateway/http/metrics.hpp"
#include "gateway/http/router.hpp"

namespace lgw::gateway {

class Dispatcher {
public:
    Dispatcher(const Router& router, const Authenticator& auth, Metrics& metrics, std::uint64_t defaultBodyLimit,
               std::uint64_t headerLimit);

    std::uint64_t headerLimit() const { return headerLimit_; }

    /// What the request's header alone decides, before a byte of its body is read: the route, the
    /// caller (API key, client certificate or console session), the role's admission and the media
    /// type. When `answer` is set the request is refused with it and its body must not be read.
    struct Admission {
        const Route* route = nullptr;
        std::string label = "unmatched";   ///< the route pattern, for logs and metrics
        std::uint64_t bodyLimit = 0;       ///< the most body bytes the route accepts
        std::optional<HttpResponse> answer;
        std::chrono::steady_clock::time_point started;
    };

    /// Judges `req` (method, path, headers, client certificate; no body yet): fills its principal and
    /// path parameters. Never throws. `req` must outlive the await.
    asio::awaitable<Admission> admit(HttpRequest& req);

    /// Answers an admitted request (its body now read): the handler's response, or the admission's
    /// own answer; adds the browser headers and records metrics. Never throws: a handler's exception
    /// becomes a logged 500 without details for the caller.
    asio::awaitable<HttpResponse> serve(Admission admission, HttpRequest req);

    /// admit() then serve(): for a request whose body is already in hand (tests, simulators).
    asio::awaitable<HttpResponse> dispatch(HttpRequest req);

    /// Records a response the transport produced itself (400 bad request line, 413, 431, 503).
    void recordTransportError(const std::string& method, int status);

    Metrics& metrics() { return metrics_; }

    /// Called for every request a route's role admission turns away (403), so that the
    /// gateway can audit the denial. Must not throw.
    using DeniedHook = std::function<asio::awaitable<void>(const HttpRequest&, const Route&, const std::string& reason)>;
    void onDenied(DeniedHook hook) { onDenied_ = std::move(hook); }

    /// The console's sessions: a request to an authenticated route without an Authorization header
    /// or client certificate but with the session cookie is resolved by this hook (nullopt: unknown
    /// or expired). A state-changing request on a session must carry X-CSRF-Token = csrfFor(token).
    struct SessionHooks {
        std::function<asio::awaitable<std::optional<Principal>>(std::string token)> resolve;
        std::function<std::string(std::string_view token)> csrfFor;
    };
    void onSession(SessionHooks hooks) { sessions_ = std::move(hooks); }

private:
    const Router& router_;
    const Authenticator& auth_;
    Metrics& metrics_;
    std::uint64_t defaultBodyLimit_;
    std::uint64_t headerLimit_;
    DeniedHook onDenied_;
    SessionHooks sessions_;
};

/// The value of cookie `name` in the request's Cookie header(s), "" when absent.
std::string cookieValue(const HttpRequest& req, std::string_view name);

/// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "lgw_session";

}  // namespace lgw::gateway
