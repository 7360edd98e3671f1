#pragma once
// Prometheus text-format metrics: requests by route, method and status; a latency histogram per
// route; in-flight requests; build info; plus gauges other modules publish by callback.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace lgw::gateway {

class Metrics {
public:
    explicit Metrics(std::string version);

    void observeRequest(const std::string& route, const std::string& method, int status, double seconds);
    void inflight(int delta) { inflight_ += delta; }
    long inflightNow() const { return inflight_.load(); }
    void count(const std::string& name, const std::string& labels, double delta = 1);

    /// A callback that appends whole metric families (HELP, TYPE, samples) at scrape time.
    void addCollector(std::function<void(std::string&)> collector);

    std::string render() const;

    static const std::vector<double>& buckets();

private:
    struct Histogram {
        std::vector<std::uint64_t> counts;  // cumulative at render time, per bucket here
        double sum = 0;
        std::uint64_t total = 0;
    };
    mutable std::mutex mutex_;
    std::string version_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::map<std::pair<std::string, std::string>, double> counters_;
    std::vector<std::function<void(std::string&)>> collectors_;
    std::atomic<long> inflight_{0};
};

/// Escapes a label value for the text format.
std::string promEscape(const std::string& v);

}  // namespace lgw::gateway
