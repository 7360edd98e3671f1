#include "gateway/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace lgw::gateway {

std::vector<std::string> splitPath(std::string_view path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        auto j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.emplace_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

namespace {
bool isParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }
}  // namespace

void Router::add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/')
        throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
    auto segs = splitPath(route.pattern);
    for (auto& s : segs)
        if ((s.find('{') != std::string::npos || s.find('}') != std::string::npos) && !isParam(s))
            throw std::invalid_argument("malformed parameter segment in " + route.pattern);
    for (auto& r : routes_)
        if (r.method == route.method && r.pattern == route.pattern)
            throw std::invalid_argument("duplicate route " + route.method + " " + route.pattern);
    routes_.push_back(std::move(route));
    segments_.push_back(std::move(segs));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch m;
    auto segs = splitPath(path);
    // Literal segments win over parameters: try the most literal pattern first.
    int bestScore = -1;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const auto& pat = segments_[i];
        if (pat.size() != segs.size()) continue;
        std::map<std::string, std::string> params;
        int score = 0;
        bool ok = true;
        for (std::size_t k = 0; k < pat.size() && ok; ++k) {
            if (isParam(pat[k])) {
                if (segs[k].empty()) ok = false;
                else params[pat[k].substr(1, pat[k].size() - 2)] = segs[k];
            } else if (pat[k] == segs[k]) {
                ++score;
            } else {
                ok = false;
            }
        }
        if (!ok) continue;
        if (routes_[i].method != method) {
            if (std::find(m.allowedMethods.begin(), m.allowedMethods.end(), routes_[i].method) == m.allowedMethods.end())
                m.allowedMethods.push_back(routes_[i].method);
            continue;
        }
        if (score > bestScore) {
            bestScore = score;
            m.route = &routes_[i];
            m.params = std::move(params);
        }
    }
    if (m.route) m.allowedMethods.clear();
    return m;
}

}  // namespace lgw::gateway
