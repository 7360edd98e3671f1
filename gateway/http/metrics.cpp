#include "gateway/http/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lgw::gateway {

const std::vector<double>& Metrics::buckets() {
    static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return b;
}

std::string promEscape(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

Metrics::Metrics(std::string version) : version_(std::move(version)) {}

namespace {
// The method as a label: the ones HTTP defines, anything else "other". A client chooses the method
// it sends, so the raw token would let anyone (before authentication) add series without end.
const std::string& methodLabel(const std::string& method) {
    static const std::string known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"};
    static const std::string other = "other";
    for (auto& k : known)
        if (method == k) return k;
    return other;
}
}  // namespace

void Metrics::observeRequest(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, methodLabel(method), status}];
    auto& h = latency_[route];
    if (h.counts.empty()) h.counts.assign(buckets().size(), 0);
    auto it = std::lower_bound(buckets().begin(), buckets().end(), seconds);
    if (it != buckets().end()) ++h.counts[static_cast<std::size_t>(it - buckets().begin())];
    h.sum += seconds;
    ++h.total;
}

void Metrics::count(const std::string& name, const std::string& labels, double delta) {
    std::lock_guard lock(mutex_);
    counters_[{name, labels}] += delta;
}

void Metrics::addCollector(std::function<void(std::string&)> collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
    std::vector<std::function<void(std::string&)>> collectors;
    std::string out;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP lgw_build_info Build information.\n# TYPE lgw_build_info gauge\n";
        out += fmt::format("lgw_build_info{{version=\"{}\"}} 1\n", promEscape(version_));
        out += "# HELP lgw_http_requests_total HTTP requests by route, method and status.\n"
               "# TYPE lgw_http_requests_total counter\n";
        for (auto& [k, v] : requests_)
            out += fmt::format("lgw_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                               promEscape(std::get<0>(k)), promEscape(std::get<1>(k)), std::get<2>(k), v);
        out += "# HELP lgw_http_request_duration_seconds Request latency by route.\n"
               "# TYPE lgw_http_request_duration_seconds histogram\n";
        for (auto& [route, h] : latency_) {
            std::uint64_t cum = 0;
            auto r = promEscape(route);
            for (std::size_t i = 0; i < buckets().size(); ++i) {
                cum += h.counts[i];
                out += fmt::format("lgw_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r,
                                   buckets()[i], cum);
            }
            out += fmt::format("lgw_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r, h.total);
            out += fmt::format("lgw_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, h.sum);
            out += fmt::format("lgw_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.total);
        }
        out += "# HELP lgw_http_requests_in_flight Requests being handled now.\n"
               "# TYPE lgw_http_requests_in_flight gauge\n";
        out += fmt::format("lgw_http_requests_in_flight {}\n", inflight_.load());
        std::string lastName;
        for (auto& [k, v] : counters_) {
            if (k.first != lastName) {
                out += fmt::format("# TYPE {} counter\n", k.first);
                lastName = k.first;
            }
            out += k.second.empty() ? fmt::format("{} {}\n", k.first, v) : fmt::format("{}{{{}}} {}\n", k.first, k.second, v);
        }
        collectors = collectors_;
    }
    for (auto& c : collectors) c(out);
    return out;
}

}  // namespace lgw::gateway
