#include "config/materials.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace lgw::config;

namespace {

::testing::AssertionResult hasError(const MaterialsResult& r, const std::string& needle) {
    std::string all;
    for (auto& e : r.errors) {
        if (e.str().find(needle) != std::string::npos) return ::testing::AssertionSuccess();
        all += "\n  " + e.str();
    }
    return ::testing::AssertionFailure() << "no error containing \"" << needle << "\" among:" << all;
}

}  // namespace

TEST(Materials, TheShippedChecklistsFollowPractice) {
    const char* src = std::getenv("LGW_SOURCE_DIR");
    auto r = loadMaterialsFile(std::string(src ? src : ".") + "/config/materials.toml");
    ASSERT_TRUE(r.materials) << (r.errors.empty() ? "" : r.errors[0].str());
    auto* res = r.materials->category("low_voltage_residential");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->materials.size(), 3u);  // identity, property, application (or power of attorney)
    EXPECT_TRUE(res->materials[0].identity);
    auto* hv = r.materials->category("high_voltage");
    ASSERT_TRUE(hv);
    EXPECT_EQ(hv->materials.size(), 7u);  // the seven core materials
    EXPECT_FALSE(hv->materials.back().required);  // the project approval, only where one is required
    auto* lvn = r.materials->category("low_voltage_non_residential");
    ASSERT_TRUE(lvn);
    EXPECT_GT(lvn->materials.size(), res->materials.size());
    EXPECT_LT(lvn->materials.size(), hv->materials.size());
}

TEST(Materials, EveryMistakeIsNamed) {
    auto r = parseMaterials(R"(
[categories.low_voltage_residential]
name = "x"
[[categories.low_voltage_residential.materials]]
id = "identity_proof"
name = "身份证明"
identity = true
deferrable = true
defer_days = 10
satisfied_by = ["e_licence:id_card"]
[[categories.low_voltage_residential.materials]]
id = "identity_proof"
name = "again"
satisfied_by = ["fax:id_card"]
colour = "red"
[[categories.low_voltage_residential.materials]]
id = "property_proof"
name = "产权"
deferrable = true
remind_days = [1]
satisfied_by = ["any:property_certificate"]
[categories.medium_voltage]
name = "y"
)", "m.toml");
    EXPECT_FALSE(r.materials);
    EXPECT_TRUE(hasError(r, "materials[0].deferrable: an identity proof starts the application"));
    EXPECT_TRUE(hasError(r, "materials[1].id: \"identity_proof\" appears twice"));
    EXPECT_TRUE(hasError(r, "materials[1].satisfied_by: entries are"));
    EXPECT_TRUE(hasError(r, "materials[1].colour: unknown key"));
    EXPECT_TRUE(hasError(r, "materials[2].defer_days: a deferrable material needs a period"));
    EXPECT_TRUE(hasError(r, "categories.medium_voltage: unknown customer category"));
    EXPECT_TRUE(hasError(r, "categories.high_voltage: is missing"));
}

TEST(Materials, ACategoryNeedsAnIdentityProof) {
    std::string noIdentity;
    for (const char* c : kCustomerCategories)
        noIdentity += std::string("[categories.") + c + "]\nname = \"n\"\n[[categories." + c +
                      ".materials]]\nid = \"p\"\nname = \"p\"\nsatisfied_by = [\"any:property_certificate\"]\n";
    EXPECT_TRUE(hasError(parseMaterials(noIdentity, "m.toml"), "mark at least one identity proof"));
    EXPECT_TRUE(hasError(parseMaterials("categories = 3", "m.toml"), "categories: expected table"));
    EXPECT_TRUE(hasError(parseMaterials("[categories", "m.toml"), "m.toml:1"));
}
