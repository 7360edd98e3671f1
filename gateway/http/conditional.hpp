#pragma once
// Conditional GET for what the gateway serves unchanged until its next start (the console's files,
// the checklists, the OpenAPI document): an ETag on the answer, and 304 without a body when the
// request's If-None-Match names it.
#include <string>
#include <string_view>

#include "gateway/http/http_types.hpp"

namespace lgw::gateway {

/// True when the request's If-None-Match is exactly `etag` (the one validator each answer carries).
inline bool notModified(const HttpRequest& req, const std::string& etag) {
    const std::string* inm = req.header("if-none-match");
    return inm && *inm == etag;
}

/// `body` as `contentType` with its ETag and `cacheControl`, or 304 with neither type nor body when
/// the client already holds it. The caller adds any other header (a CSP) to either.
inline HttpResponse conditionalResponse(const HttpRequest& req, const std::string& etag, const char* cacheControl,
                                        std::string contentType, std::string_view body) {
    HttpResponse resp;
    resp.headers.emplace_back("Cache-Control", cacheControl);
    resp.headers.emplace_back("ETag", etag);
    if (notModified(req, etag)) {
        resp.status = 304;
        resp.contentType.clear();
        return resp;
    }
    resp.contentType = std::move(contentType);
    resp.body = std::string(body);  // copied only when it is sent
    return resp;
}

}  // namespace lgw::gateway
