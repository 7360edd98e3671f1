// What /metrics (no authentication) lets a client put into it: a method it invents must not become
// a series of its own (issue 18: every distinct token made a new lgw_http_requests_total series).
#include <gtest/gtest.h>

#include "gateway/http/metrics.hpp"

namespace lgw::gateway {
namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(Metrics, UnknownMethodsFoldIntoOneLabel) {
    Metrics m("test");
    for (int i = 0; i < 500; ++i) m.observeRequest("-", "X" + std::to_string(i), 405, 0);
    m.observeRequest("GET /healthz", "GET", 200, 0.001);
    const std::string out = m.render();
    EXPECT_EQ(out.find("X17"), std::string::npos);
    EXPECT_NE(out.find(R"(lgw_http_requests_total{route="-",method="other",status="405"} 500)"), std::string::npos) << out;
    EXPECT_NE(out.find(R"(method="GET")"), std::string::npos);
    EXPECT_EQ(occurrences(out, R"(method="other")"), 1u);
}

}  // namespace
}  // namespace lgw::gateway
