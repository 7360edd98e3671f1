// The marketing push body from a stored package: the materials whose documents go, and what a
// stored body that is not one gives (nothing to push, said as such by the worker).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "adapters/marketing/push_body.hpp"
#include "adapters/sms/template_params.hpp"

using lgw::adapters::marketing::PushBody;

namespace {

const char* kStored = R"({"customer_category":"low_voltage_residential","complete":false,
  "items":[{"material":"id_proof","status":"present","document_id":"d1"},
           {"material":"property_proof","status":"deferred","due_on":"2026-12-20"},
           {"material":"licence","status":"mismatch","document_id":"d2"},
           {"material":"old_bill","status":"expired","document_id":"d3"}],
  "deficiencies":[{"material":"property_proof","due_on":"2026-12-20"}]})";

}  // namespace

TEST(PushBody, CarriesThePresentAndMismatchedDocumentsOnly) {
    auto body = PushBody::fromStored(kStored);
    ASSERT_TRUE(body);
    ASSERT_EQ(body->materials().size(), 2u);
    EXPECT_EQ(body->materials()[0].documentId, "d1");
    EXPECT_EQ(body->materials()[1].material, "licence");
    body->setCustomer("测试客户", "13800000000");
    body->addDocument(body->materials()[0], "scan", "id_card_front", R"({"name":"测试"})", "ab12", "PNG");
    body->addDocument(body->materials()[1], "e_licence", "business_licence", "not json", "cd34", "PNG2");
    auto v = boost::json::parse(body->serialize("p1", "a1")).as_object();
    EXPECT_EQ(v.at("package_id").as_string(), "p1");
    EXPECT_EQ(v.at("customer").at("customer_category").as_string(), "low_voltage_residential");
    EXPECT_EQ(v.at("customer").at("phone").as_string(), "13800000000");
    auto& materials = v.at("materials").as_array();
    ASSERT_EQ(materials.size(), 2u);
    EXPECT_EQ(materials[0].at("fields").at("name").as_string(), "测试");
    EXPECT_TRUE(materials[1].at("fields").as_object().empty());  // unreadable fields are sent as none
    EXPECT_EQ(materials[0].at("document").at("data_base64").as_string(), "UE5H");
    EXPECT_EQ(v.at("deficiencies").as_array().size(), 1u);
    EXPECT_FALSE(v.at("complete").as_bool());
}

TEST(PushBody, AStoredBodyThatIsNotAPackageIsRefused) {
    for (const char* bad : {"", "[]", "{}", R"({"items":{}})", R"({"items":[1]})", R"({"items":[{"status":"present"}]})",
                            R"({"items":[{"material":"m","status":7,"document_id":"d"}]})"})
        EXPECT_FALSE(PushBody::fromStored(bad)) << bad;
}

TEST(TemplateParams, ValuesComeBackAsTheTemplateTakesThem) {
    auto p = lgw::adapters::sms::decodeTemplateParams(R"({"licence":"营业执照","days":30})");
    EXPECT_EQ(p.at("licence"), "营业执照");
    EXPECT_EQ(p.at("days"), "30");
    EXPECT_TRUE(lgw::adapters::sms::decodeTemplateParams("[1,2]").empty());
    EXPECT_TRUE(lgw::adapters::sms::decodeTemplateParams("{bad").empty());
}
