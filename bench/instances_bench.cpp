// Drives running gateway processes over HTTP (see bench/instances_bench.sh, which starts them on
// SQLite or PostgreSQL, one or two instances): N concurrent consent -> verify -> fetch flows, then
// for each of those applications build a package, push it and wait until it is delivered to the
// marketing receiver. Requests go round-robin over the given ports, as a load balancer would send
// them. Prints flows/s and packages/s with p50/p99 latencies.
//
// Usage: lgw-instances-bench --label L --ports 8081[,8082] --sms-log FILE [--flows N] [--concurrency C]
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_stats.hpp"
#include "tests/integration/http_client.hpp"

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using lgw::testing::HttpClient;

namespace {

const std::vector<std::pair<std::string, std::string>> kFd = {{"Authorization", "Bearer demo-frontdesk"},
                                                              {"Content-Type", "application/json"}};

// The SMS log, read incrementally: each code once, however many flows ask.
class SmsLog {
public:
    explicit SmsLog(std::string path) : path_(std::move(path)) {}
    std::string code(const std::string& consentId) {
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard lock(m_);
                readNew();
                auto it = codes_.find(consentId);
                if (it != codes_.end()) return it->second;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return {};
    }

private:
    void readNew() {
        std::ifstream f(path_, std::ios::binary);
        f.seekg(static_cast<std::streamoff>(offset_));
        std::string line;
        while (std::getline(f, line)) {
            if (f.eof()) break;  // a line still being written: read it next time
            offset_ += line.size() + 1;
            boost::system::error_code ec;
            auto v = json::parse(line, ec);
            if (ec || !v.is_object()) continue;
            auto& o = v.as_object();
            codes_[std::string(o.at("reference").as_string())] = std::string(o.at("params").as_object().at("code").as_string());
        }
    }
    std::string path_;
    std::size_t offset_ = 0;
    std::mutex m_;
    std::map<std::string, std::string> codes_;
};

std::vector<std::string> persons(const std::string& holdersFile) {
    std::ifstream f(holdersFile);
    std::stringstream ss;
    ss << f.rdbuf();
    const json::value doc = json::parse(ss.str());
    std::vector<std::string> out;
    for (auto& h : doc.as_object().at("holders").as_array()) {
        auto& o = h.as_object();
        if (o.at("holder_code_type").as_string() != "ID") continue;
        bool lasting = false;  // a property certificate that does not run out, so the package is whole
        for (auto& l : o.at("licences").as_array())
            if (l.as_object().at("type").as_string() == "property_certificate" && l.as_object().at("valid_to").is_null())
                lasting = true;
        if (lasting) out.emplace_back(o.at("holder_code").as_string());
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::string label = "?", smsLog, holders = std::string(LGW_SOURCE_DIR) + "/config/govsim/holders.json";
    std::vector<std::uint16_t> ports;
    int flows = 300, concurrency = 32;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--label") label = v;
        else if (a == "--sms-log") smsLog = v;
        else if (a == "--flows") flows = std::stoi(v);
        else if (a == "--concurrency") concurrency = std::stoi(v);
        else if (a == "--ports") {
            std::stringstream ss(v);
            std::string p;
            while (std::getline(ss, p, ',')) ports.push_back(static_cast<std::uint16_t>(std::stoi(p)));
        }
    }
    if (ports.empty() || smsLog.empty()) {
        std::fprintf(stderr, "usage: lgw-instances-bench --label L --ports P[,P] --sms-log FILE [--flows N] [--concurrency C]\n");
        return 2;
    }
    const auto people = persons(holders);
    SmsLog sms(smsLog);
    const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
    auto appId = [&](int i) { return "YK-BENCH-" + run + "-" + std::to_string(i); };

    // Phase 1: consent -> verify -> fetch.
    std::atomic<int> next{0}, failed{0};
    std::mutex m;
    std::vector<double> flowMs;
    auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&] {
            std::vector<std::unique_ptr<HttpClient>> clients;
            for (auto p : ports) clients.push_back(std::make_unique<HttpClient>(p));
            for (int i = next++; i < flows; i = next++) {
                HttpClient& c = *clients[static_cast<std::size_t>(i) % clients.size()];
                const std::string app = appId(i);
                const std::string& code = people[static_cast<std::size_t>(i) % people.size()];
                auto put = c.request("PUT", "/v1/applications/" + app,
                                     R"({"customer_category":"low_voltage_residential","customer_name":"合成示例","phone":"13800001111"})", kFd);
                auto start = Clock::now();
                auto consent = c.request("POST", "/v1/consents",
                                         R"({"application_id":")" + app + R"(","subject":{"type":"person","code":")" + code +
                                             R"("},"licence_types":["id_card","property_certificate"],"purpose":"power_connection"})",
                                         kFd);
                if (put.status != 201 || consent.status != 201) {
                    if (failed++ < 3) std::fprintf(stderr, "flow %d: %d %s\n", i, consent.status, consent.body.c_str());
                    continue;
                }
                auto id = consent.jsonString("consent_id");
                auto grant = c.request("POST", "/v1/consents/" + id + "/verify", R"({"code":")" + sms.code(id) + "\"}", kFd);
                auto f = c.request("POST", "/v1/grants/" + grant.jsonString("grant_id") + "/licences", "", kFd);
                if (f.status != 200) {
                    if (failed++ < 3) std::fprintf(stderr, "fetch %d: %d %s\n", i, f.status, f.body.substr(0, 200).c_str());
                    continue;
                }
                double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                std::lock_guard lock(m);
                flowMs.push_back(ms);
            }
        });
    for (auto& t : threads) t.join();
    double flowSecs = std::chrono::duration<double>(Clock::now() - t0).count();

    // Phase 2: build, push, wait for delivered.
    threads.clear();
    next = 0;
    std::vector<double> pushMs;
    std::atomic<int> pushFailed{0};
    auto t1 = Clock::now();
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&] {
            std::vector<std::unique_ptr<HttpClient>> clients;
            for (auto p : ports) clients.push_back(std::make_unique<HttpClient>(p));
            for (int i = next++; i < flows; i = next++) {
                HttpClient& c = *clients[static_cast<std::size_t>(i) % clients.size()];
                auto built = c.request("POST", "/v1/applications/" + appId(i) + "/packages", "", kFd);
                if (built.status != 201) {
                    if (pushFailed++ < 3) std::fprintf(stderr, "build %d: %d %s\n", i, built.status, built.body.c_str());
                    continue;
                }
                auto pkg = built.jsonString("package_id");
                auto start = Clock::now();
                auto pushed = c.request("POST", "/v1/packages/" + pkg + "/push", "", kFd);
                bool delivered = false;
                for (int k = 0; k < 6000 && pushed.status == 202; ++k) {
                    // Poll another instance than the one pushed to: any of them answers from the shared store.
                    HttpClient& other = *clients[static_cast<std::size_t>(i + 1) % clients.size()];
                    auto st = other.request("GET", "/v1/packages/" + pkg, "", kFd);
                    if (st.jsonString("status") == "delivered") {
                        delivered = true;
                        break;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
                if (!delivered) {
                    if (pushFailed++ < 3) std::fprintf(stderr, "push %d: %d %s\n", i, pushed.status, pushed.body.c_str());
                    continue;
                }
                double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                std::lock_guard lock(m);
                pushMs.push_back(ms);
            }
        });
    for (auto& t : threads) t.join();
    double pushSecs = std::chrono::duration<double>(Clock::now() - t1).count();

    std::printf("%-24s flows %4zu  %7.1f flows/s  p50 %7.1f ms  p99 %7.1f ms | packages %4zu  %6.1f pkg/s  p50 %7.1f ms  p99 %7.1f ms | failed %d/%d\n",
                label.c_str(), flowMs.size(), static_cast<double>(flowMs.size()) / flowSecs, lgw::bench::percentile(flowMs, 0.5),
                lgw::bench::percentile(flowMs, 0.99), pushMs.size(), static_cast<double>(pushMs.size()) / pushSecs,
                lgw::bench::percentile(pushMs, 0.5), lgw::bench::percentile(pushMs, 0.99), failed.load(), pushFailed.load());
    return failed || pushFailed ? 1 : 0;
}
