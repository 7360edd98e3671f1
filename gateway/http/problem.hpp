#pragma once
// RFC 9457 problem details with a stable machine `code`; `detail` says what to fix.
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

#include "gateway/http/http_types.hpp"

namespace lgw::gateway {

struct Problem {
    int status = 500;
    std::string code;     ///< stable machine word, e.g. invalid_subject_code
    std::string title;    ///< short, stable per code
    std::string detail;   ///< what went wrong with this request and how to fix it
    boost::json::object extra;  ///< extension members (attempts_left, errors, ...)
};

Problem makeProblem(int status, std::string code, std::string detail);
HttpResponse toResponse(const Problem& p, const std::string& requestId);
/// Default title for a status code ("Unprocessable Content", ...).
std::string statusTitle(int status);

/// Whole seconds to wait for `ms` milliseconds, rounded up, at least 1 (a Retry-After value).
std::int64_t retryAfterSeconds(std::int64_t ms);
/// 429 rate_limited with `detail`, `retry_after_s` and the Retry-After header set to `seconds`.
HttpResponse rateLimited(std::string detail, std::int64_t seconds, const std::string& requestId);

}  // namespace lgw::gateway
