#include "gateway/http/auth.hpp"

#include <gtest/gtest.h>

#include "security/crypto.hpp"

using namespace lgw;
using namespace lgw::gateway;

namespace {

config::AuthConfig authConfig() {
    config::AuthConfig a;
    a.apiKeys.push_back({"ops", security::sha256Hex("real-admin-key"), "admin", false});
    a.apiKeys.push_back({"demo-frontdesk", security::sha256Hex("demo-frontdesk"), "frontdesk", true});
    a.clientCerts.push_back({"marketing-system", "marketing"});
    return a;
}

HttpRequest withAuth(const std::string& value) {
    HttpRequest r;
    r.headers.emplace_back("authorization", value);
    return r;
}

}  // namespace

TEST(Auth, BearerKeyMapsToItsRole) {
    Authenticator auth(authConfig(), false);
    auto r = auth.authenticate(withAuth("Bearer real-admin-key"));
    ASSERT_TRUE(r.principal);
    EXPECT_EQ(r.principal->id, "ops");
    EXPECT_EQ(r.principal->role, "admin");
    EXPECT_TRUE(auth.authenticate(withAuth("bearer   real-admin-key  ")).principal);
}

TEST(Auth, DemoKeysOnlyInDemoMode) {
    EXPECT_FALSE(Authenticator(authConfig(), false).authenticate(withAuth("Bearer demo-frontdesk")).principal);
    Authenticator demo(authConfig(), true);
    auto r = demo.authenticate(withAuth("Bearer demo-frontdesk"));
    ASSERT_TRUE(r.principal);
    EXPECT_EQ(r.principal->role, "frontdesk");
    EXPECT_EQ(demo.demoKeyCount(), 1u);
}

TEST(Auth, FailuresAreDistinguished) {
    Authenticator auth(authConfig(), false);
    EXPECT_EQ(auth.authenticate(HttpRequest{}).failure, AuthFailure::kMissing);
    EXPECT_EQ(auth.authenticate(withAuth("Basic dXNlcjpwYXNz")).failure, AuthFailure::kMalformed);
    EXPECT_EQ(auth.authenticate(withAuth("Bearer ")).failure, AuthFailure::kMalformed);
    EXPECT_EQ(auth.authenticate(withAuth("Bearer wrong")).failure, AuthFailure::kUnknownKey);
    EXPECT_EQ(auth.authenticate(withAuth("Bearer real-admin-ke")).failure, AuthFailure::kUnknownKey);
}

TEST(Auth, ClientCertificateCommonName) {
    Authenticator auth(authConfig(), false);
    HttpRequest r;
    r.clientCertCn = "marketing-system";
    auto a = auth.authenticate(r);
    ASSERT_TRUE(a.principal);
    EXPECT_EQ(a.principal->role, "marketing");
    EXPECT_EQ(a.principal->via, "client_cert");
    r.clientCertCn = "someone-else";
    EXPECT_EQ(auth.authenticate(r).failure, AuthFailure::kUnknownKey);
}
