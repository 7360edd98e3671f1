#pragma once
// An SMS template's parameters as a reminder stores them until it is due: a JSON object of names
// to values, read back as the strings a provider's template takes.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <variant>

namespace lgw::adapters::sms {

/// Non-string values (a number of days) come back as their JSON text; anything but an object
/// gives no parameters.
std::map<std::string, std::string> decodeTemplateParams(const std::string& json);

/// A parameter as a reminder stores it: text, or a number (of days).
struct TemplateValue {
    std::variant<std::string, std::int64_t> v;
    TemplateValue(std::string s) : v(std::move(s)) {}
    TemplateValue(const char* s) : v(std::string(s)) {}
    TemplateValue(int i) : v(static_cast<std::int64_t>(i)) {}
};

/// The JSON object decodeTemplateParams reads back, members in the order given.
std::string encodeTemplateParams(std::initializer_list<std::pair<std::string, TemplateValue>> params);

}  // namespace lgw::adapters::sms
