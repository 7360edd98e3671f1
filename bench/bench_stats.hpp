#pragma once
// What every bench driver measures with: a percentile of latencies, and the time of one call of a
// piece of work repeated for a budget.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace lgw::bench {

/// The `p` quantile (0..1) of `v` by rank; 0 for none.
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

/// Seconds per call of `f`, called at least once and again until `budgetSeconds` have passed.
template <class F>
double secondsPer(F&& f, double budgetSeconds) {
    using Clock = std::chrono::steady_clock;
    long n = 0;
    const auto start = Clock::now();
    double took = 0;
    do {
        f();
        ++n;
        took = std::chrono::duration<double>(Clock::now() - start).count();
    } while (took < budgetSeconds);
    return took / static_cast<double>(n);
}

}  // namespace lgw::bench
