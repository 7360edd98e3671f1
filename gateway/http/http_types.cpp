#include "gateway/http/http_types.hpp"

#include <algorithm>
#include <cctype>

namespace lgw::gateway {

const std::string* HttpRequest::header(std::string_view lowerName) const {
    for (auto& [k, v] : headers)
        if (k == lowerName) return &v;
    return nullptr;
}

std::optional<std::string> HttpRequest::queryParam(std::string_view name) const {
    for (auto& [k, v] : query)
        if (k == name) return v;
    return std::nullopt;
}

std::string HttpRequest::mediaType() const {
    auto* ct = header("content-type");
    if (!ct) return {};
    std::string_view v(*ct);
    v = v.substr(0, v.find(';'));
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    std::string lowered(v);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    return lowered;
}

}  // namespace lgw::gateway
