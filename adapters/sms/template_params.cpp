#include "adapters/sms/template_params.hpp"

#include <boost/json.hpp>

namespace lgw::adapters::sms {

std::map<std::string, std::string> decodeTemplateParams(const std::string& json) {
    std::map<std::string, std::string> out;
    boost::system::error_code ec;
    auto params = boost::json::parse(json, ec);
    if (ec || !params.is_object()) return out;
    for (auto& [k, v] : params.as_object())
        out[std::string(k)] = v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
    return out;
}

std::string encodeTemplateParams(std::initializer_list<std::pair<std::string, TemplateValue>> params) {
    boost::json::object o;
    for (auto& param : params) {
        const auto& name = param.first;  // not a structured binding: clang 14 cannot capture one
        std::visit([&o, &name](const auto& v) { o[name] = v; }, param.second.v);
    }
    return boost::json::serialize(o);
}

}  // namespace lgw::adapters::sms
