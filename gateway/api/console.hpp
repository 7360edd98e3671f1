#pragma once
// The browser console (web/): its static files, served from memory with the page security headers,
// and the session that stands in for the API key in a page. A person signs in once with their key;
// the gateway answers an HttpOnly, SameSite=Strict cookie holding a random token (stored only as its
// SHA-256, in the store, so that several instances share sessions) and a CSRF token derived from it
// that every state-changing request must echo in X-CSRF-Token. Sessions end after an idle period,
// at an absolute age, or at sign-out.
//
//   POST   /v1/session  {"api_key": "..."}  -> 201 {principal, csrf_token, ...} + Set-Cookie
//   GET    /v1/session                      -> 200 the same (401 session_expired when gone)
//   DELETE /v1/session                      -> 200, the cookie cleared
//   GET    /  and  /assets/{file}           -> the console
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/auth.hpp"
#include "gateway/http/dispatcher.hpp"
#include "gateway/http/router.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

class Auditor;

struct StaticFile {
    std::string body;
    std::string contentType;
    std::string etag;
};

/// Reads every file of `dir` (index.html and assets/) into memory. Throws std::runtime_error naming
/// the path when `dir` has no index.html.
std::map<std::string, StaticFile> loadConsoleFiles(const std::string& dir);

/// The web/ directory to serve: console.dir, or the source tree's web/ when that is "".
std::string consoleDir(const config::Config& cfg);

class ConsoleService {
public:
    /// `tls`: the gateway serves HTTPS itself (the cookie is then Secure).
    ConsoleService(Services& services, Auditor& auditor, const Authenticator& auth, bool tls);

    /// Session routes always; the static files when console.enabled (throws when its dir is unusable).
    void addRoutes(Router& router);

    /// The hooks the dispatcher resolves cookies with.
    Dispatcher::SessionHooks hooks();

    /// X-CSRF-Token for a session token: only a holder of the (HttpOnly) token can learn it, from
    /// GET /v1/session.
    static std::string csrfFor(std::string_view token);

    struct Ctx;

private:
    std::shared_ptr<Ctx> ctx_;
};

}  // namespace lgw::gateway
