#include "gateway/http/problem.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace lgw::gateway {

std::string statusTitle(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 423: return "Locked";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "Error";
    }
}

Problem makeProblem(int status, std::string code, std::string detail) {
    Problem p;
    p.status = status;
    p.code = std::move(code);
    p.title = statusTitle(status);
    p.detail = std::move(detail);
    return p;
}

std::int64_t retryAfterSeconds(std::int64_t ms) { return std::max<std::int64_t>(1, (ms + 999) / 1000); }

HttpResponse rateLimited(std::string detail, std::int64_t seconds, const std::string& requestId) {
    Problem p = makeProblem(429, "rate_limited", std::move(detail));
    p.extra["retry_after_s"] = seconds;
    auto r = toResponse(p, requestId);
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
}

HttpResponse toResponse(const Problem& p, const std::string& requestId) {
    boost::json::object o;
    o["type"] = "urn:licence-gateway:problem:" + p.code;
    o["title"] = p.title.empty() ? statusTitle(p.status) : p.title;
    o["status"] = p.status;
    o["code"] = p.code;
    o["detail"] = p.detail;
    o["request_id"] = requestId;
    for (auto& [k, v] : p.extra) o[k] = v;
    HttpResponse r;
    r.status = p.status;
    r.contentType = "application/problem+json";
    r.body = boost::json::serialize(o);
    return r;
}

}  // namespace lgw::gateway
