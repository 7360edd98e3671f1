#pragma once
// Route registration, one function per API area. Each adds its routes with their roles, limits and
// media types; the handlers are named coroutines (see STYLE.md on g++ 12).
#include <boost/json/value.hpp>

#include "config/materials.hpp"
#include "gateway/http/router.hpp"
#include "gateway/services/actor.hpp"
#include "gateway/services/services.hpp"
#include "security/identity_codes.hpp"

namespace lgw::gateway {

class Auditor;
void addOpsRoutes(Router& router, Services& services);
void addApplicationRoutes(Router& router, Services& services, Auditor& auditor);
void addIdentityCodeRoutes(Router& router, Services& services);
void addAuditRoutes(Router& router, Services& services, Auditor& auditor);
/// The counter's material checklists (public pages and their QR codes), built from `materials`;
/// `publicBase` (no trailing slash) is where customers reach the pages, the QR codes point there.
void addChecklistRoutes(Router& router, Services& services, const config::Materials& materials,
                        std::string publicBase);
}  // namespace lgw::gateway
namespace lgw::adapters::blob {
class DocumentVault;
}
namespace lgw::gateway {
void addDocumentRoutes(Router& router, Services& services, Auditor& auditor, adapters::blob::DocumentVault& vault);

/// An audit event of `action` by the request's principal (actor and role; empty when there is
/// none), carrying its request id; the caller adds target, application, outcome and detail. Here,
/// not in services/audit: the services know no HTTP request.
inline store::AuditEvent requestEvent(const HttpRequest& req, std::string action) {
    store::AuditEvent e;
    if (req.principal) {
        e.actor = req.principal->id;
        e.role = req.principal->role;
    }
    e.action = std::move(action);
    e.requestId = req.requestId;
    return e;
}

/// Who acts, for a service: the authenticated principal and the request id (a route that calls a
/// service has one: its roles admit no anonymous caller).
inline Actor actorOf(const HttpRequest& req) { return Actor{req.principal->id, req.principal->role, req.requestId}; }

/// JSON helpers shared by handlers.
HttpResponse jsonResponse(int status, const boost::json::value& body);

/// The JSON verdict that `licence-gateway validate` prints and POST /v1/identity-codes/validate answers.
boost::json::object verdictToJson(const security::CodeVerdict& v);

}  // namespace lgw::gateway
