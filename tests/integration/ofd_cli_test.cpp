// `licence-gateway ofd verify` as an auditor or the marketing system runs it: the exit status and
// the report of ../shared/API.md §7 on the shared samples sealed by ofdrw, and on what is no OFD.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace {

struct CommandRun {
    int exit = -1;
    std::string out;
};

CommandRun run(const std::string& args) {
    const std::string cmd = std::string(LGW_BINARY) + " ofd verify " + args + " 2>/dev/null";
    CommandRun r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string data(const std::string& name) { return std::string(std::getenv("LGW_SOURCE_DIR")) + "/tests/data/ofd/" + name; }

TEST(OfdVerifyCommand, ASampleHoldsAtATimeItsSignerWasValid) {
    const CommandRun r = run(data("V4RideRight.ofd") + " --trust-anchor " + data("ofdrw_test_signer.pem") + " --at 2021-06-01T00:00:00Z --json");
    EXPECT_EQ(r.exit, 0) << r.out;
    const auto j = boost::json::parse(r.out).as_object();
    EXPECT_TRUE(j.at("ok").as_bool());
    EXPECT_EQ(j.at("signatures").as_array().at(0).at("references").at("checked").to_number<int>(), 9);
}

TEST(OfdVerifyCommand, TodayItFailsBecauseTheCertificateExpired) {
    const CommandRun r = run(data("allprotected.ofd") + " --trust-anchor " + data("ofdrw_test_signer.pem") + " --json");
    EXPECT_EQ(r.exit, 1) << r.out;
    EXPECT_NE(r.out.find("certificate has expired"), std::string::npos) << r.out;
}

TEST(OfdVerifyCommand, WithoutAnchorsNothingIsTrusted) {
    EXPECT_EQ(run(data("allprotected.ofd") + " --at 2021-06-01T00:00:00Z").exit, 1);
}

TEST(OfdVerifyCommand, WhatIsNoOfdOrCannotBeCheckedExitsTwo) {
    EXPECT_EQ(run(data("NOTICE.md") + " --trust-anchor " + data("ofdrw_test_signer.pem")).exit, 2);
    EXPECT_EQ(run(data("missing.ofd") + " --trust-anchor " + data("ofdrw_test_signer.pem")).exit, 2);
    EXPECT_EQ(run(data("allprotected.ofd") + " --trust-anchor " + data("NOTICE.md")).exit, 2);
    EXPECT_EQ(run(data("allprotected.ofd") + " --trust-anchor " + data("ofdrw_test_signer.pem") + " --at yesterday").exit, 2);
}

}  // namespace
