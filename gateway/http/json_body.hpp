#pragma once
// Decoding untrusted JSON request bodies into values, with errors that say where and what.
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <variant>

#include "gateway/http/problem.hpp"

namespace lgw::gateway {

/// Parses a request body. A syntax error is a 400 `malformed_json` problem naming line, column and
/// byte offset; an empty body is a 400 too. Depth and size are bounded by Boost.JSON's defaults
/// and the route's body limit.
std::variant<boost::json::value, Problem> parseJsonBody(const std::string& body);

/// parseJsonBody for a body that must be an object: anything else is 422 `validation_failed` at
/// field "(body)", "must be a JSON object" followed by `shape` (an example of the expected body).
std::variant<boost::json::object, Problem> parseJsonObject(const std::string& body, std::string_view shape = {});

/// Field-level validation problems collected for one 422 answer.
class FieldErrors {
public:
    void add(std::string field, std::string message);
    bool empty() const { return errors_.empty(); }
    /// 422 `validation_failed` with every problem in `errors` and the first in `detail`.
    Problem problem() const;

    /// Reads a required/optional string member; records "must be a string" / "is required".
    std::optional<std::string> string(const boost::json::object& o, const char* field, bool required = true,
                                      std::size_t maxLen = 1024);

private:
    std::vector<std::pair<std::string, std::string>> errors_;
};

}  // namespace lgw::gateway
