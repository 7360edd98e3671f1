#pragma once
// The routing table: method + path pattern with {param} segments -> route. Matching is exact per
// segment; a path that matches a pattern under another method yields 405 with the allowed methods.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/http/http_types.hpp"

namespace lgw::gateway {

struct Route {
    std::string method;
    std::string pattern;                    ///< e.g. /v1/consents/{consent_id}/verify; also the metrics label
    std::vector<std::string> roles;         ///< admitted roles; empty = no authentication (operations)
    std::uint64_t bodyLimit = 0;            ///< 0 = the server default
    std::vector<std::string> contentTypes;  ///< accepted request media types; empty = no body expected
    Handler handler;
};

struct RouteMatch {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowedMethods;  ///< set when the path exists under other methods
};

class Router {
public:
    /// Throws std::invalid_argument on a malformed pattern or a duplicate method + pattern.
    void add(Route route);
    RouteMatch match(std::string_view method, std::string_view path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
    std::vector<std::vector<std::string>> segments_;
};

std::vector<std::string> splitPath(std::string_view path);

}  // namespace lgw::gateway
