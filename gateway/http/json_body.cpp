#include "gateway/http/json_body.hpp"

#include <boost/json/stream_parser.hpp>

namespace lgw::gateway {

std::variant<boost::json::value, Problem> parseJsonBody(const std::string& body) {
    if (body.empty()) return makeProblem(400, "malformed_json", "the request body is empty: send a JSON object");
    boost::json::stream_parser p;
    boost::system::error_code ec;
    std::size_t used = p.write(body.data(), body.size(), ec);
    if (!ec) {
        p.finish(ec);
        if (ec) used = body.size();
    }
    if (ec) {
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i < used && i < body.size(); ++i) {
            if (body[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        Problem pr = makeProblem(400, "malformed_json",
                                 "the body is not valid JSON: " + ec.message() + " at line " + std::to_string(line) +
                                     ", column " + std::to_string(col) + " (byte " + std::to_string(used) + ")");
        pr.extra["line"] = line;
        pr.extra["column"] = col;
        pr.extra["offset"] = used;
        return pr;
    }
    return p.release();
}

std::variant<boost::json::object, Problem> parseJsonObject(const std::string& body, std::string_view shape) {
    auto parsed = parseJsonBody(body);
    if (auto* p = std::get_if<Problem>(&parsed)) return std::move(*p);
    auto& v = std::get<boost::json::value>(parsed);
    if (v.is_object()) return std::move(v.get_object());
    FieldErrors errs;
    errs.add("(body)", "must be a JSON object" + (shape.empty() ? std::string() : " " + std::string(shape)));
    return errs.problem();
}

void FieldErrors::add(std::string field, std::string message) { errors_.emplace_back(std::move(field), std::move(message)); }

Problem FieldErrors::problem() const {
    Problem p = makeProblem(422, "validation_failed", errors_.empty() ? "" : errors_[0].first + ": " + errors_[0].second);
    boost::json::array list;
    for (auto& [f, m] : errors_) list.push_back(boost::json::object{{"field", f}, {"message", m}});
    p.extra["errors"] = std::move(list);
    return p;
}

std::optional<std::string> FieldErrors::string(const boost::json::object& o, const char* field, bool required,
                                               std::size_t maxLen) {
    auto* v = o.if_contains(field);
    if (!v || v->is_null()) {
        if (required) add(field, "is required");
        return std::nullopt;
    }
    if (!v->is_string()) {
        add(field, "must be a string");
        return std::nullopt;
    }
    std::string s(v->get_string());
    if (s.size() > maxLen) {
        add(field, "is longer than " + std::to_string(maxLen) + " bytes");
        return std::nullopt;
    }
    return s;
}

}  // namespace lgw::gateway
