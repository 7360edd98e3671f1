#pragma once
// An SMS template's parameters as a reminder stores them until it is due: a JSON object of names
// to values, read back as the strings a provider's template takes.
#include <map>
#include <string>

namespace lgw::adapters::sms {

/// Non-string values (a number of days) come back as their JSON text; anything but an object
/// gives no parameters.
std::map<std::string, std::string> decodeTemplateParams(const std::string& json);

}  // namespace lgw::adapters::sms
