#pragma once
// RFC 9457 problem details with a stable machine `code`; `detail` says what to fix.
#include <boost/json/object.hpp>

#include <string>

#include "gateway/http_types.hpp"

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

}  // namespace lgw::gateway
