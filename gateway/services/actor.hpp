#pragma once
// Who acts on a service, as the audit trail names them, and the request it serves. The routes make
// it from the authenticated principal; the services know no HTTP request.
#include <string>

namespace lgw::gateway {

struct Actor {
    std::string id;
    std::string role;
    std::string requestId;
};

}  // namespace lgw::gateway
