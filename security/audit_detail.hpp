#pragma once
// An audit event's detail as named values, in the order given, encoded once as the JSON object the
// event stores and the chain hashes. The services say what happened in C++ values; the encoding is
// the audit log's.
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lgw::security {

class AuditDetail {
public:
    struct Value {
        std::variant<std::string, std::int64_t, bool> v;
        Value(std::string s) : v(std::move(s)) {}
        Value(const char* s) : v(std::string(s)) {}
        Value(bool b) : v(b) {}
        template <std::integral I>
            requires(!std::same_as<I, bool>)
        Value(I i) : v(static_cast<std::int64_t>(i)) {}
    };

    AuditDetail() = default;
    AuditDetail(std::initializer_list<std::pair<std::string, Value>> items) : items_(items) {}
    AuditDetail& add(std::string key, Value v) {
        items_.emplace_back(std::move(key), std::move(v));
        return *this;
    }
    /// The JSON object, members in the order added ("{}" when none).
    std::string json() const;

private:
    std::vector<std::pair<std::string, Value>> items_;
};

}  // namespace lgw::security
