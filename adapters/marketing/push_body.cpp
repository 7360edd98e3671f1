#include "adapters/marketing/push_body.hpp"

#include <boost/json.hpp>

#include "security/crypto.hpp"

namespace lgw::adapters::marketing {

namespace json = boost::json;

struct PushBody::Impl {
    json::object stored;
    json::object customer;
    json::array documents;
    std::vector<Material> materials;
};

PushBody::PushBody(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PushBody::PushBody(PushBody&&) noexcept = default;
PushBody& PushBody::operator=(PushBody&&) noexcept = default;
PushBody::~PushBody() = default;

std::optional<PushBody> PushBody::fromStored(const std::string& storedJson) {
    boost::system::error_code ec;
    auto stored = json::parse(storedJson, ec);
    if (ec || !stored.is_object()) return std::nullopt;
    auto impl = std::make_unique<Impl>();
    impl->stored = std::move(stored.as_object());
    auto* items = impl->stored.if_contains("items");
    if (!items || !items->is_array()) return std::nullopt;
    for (auto& itemValue : items->as_array()) {
        if (!itemValue.is_object()) return std::nullopt;
        auto& item = itemValue.as_object();
        auto* status = item.if_contains("status");
        auto* material = item.if_contains("material");
        if (!status || !status->is_string() || !material || !material->is_string()) return std::nullopt;
        auto* docId = item.if_contains("document_id");
        if (!docId || !docId->is_string() || (status->as_string() != "present" && status->as_string() != "mismatch"))
            continue;
        impl->materials.push_back({std::string(material->as_string()), std::string(docId->as_string())});
    }
    impl->customer = json::object{{"customer_category", impl->stored["customer_category"]}};
    return PushBody(std::move(impl));
}

const std::vector<PushBody::Material>& PushBody::materials() const { return impl_->materials; }

void PushBody::setCustomer(const std::string& name, const std::string& phone) {
    impl_->customer["customer_name"] = name;
    impl_->customer["phone"] = phone;
}

void PushBody::addDocument(const Material& m, const std::string& source, const std::string& docType,
                           const std::string& fieldsJson, const std::string& sha256, const std::string& bytes,
                           const std::string& contentType) {
    boost::system::error_code ec;
    json::value fields = json::parse(fieldsJson, ec);
    if (ec) fields = json::object{};
    impl_->documents.push_back(json::object{
        {"material", m.material},
        {"source", source},
        {"doc_type", docType},
        {"fields", fields},
        {"document", json::object{{"content_type", contentType}, {"sha256", sha256},
                                  {"data_base64", security::base64Encode(bytes)}}}});
}

std::string PushBody::serialize(const std::string& packageId, const std::string& applicationId) const {
    auto& p = impl_->stored;
    json::object body{{"package_id", packageId},
                      {"application_id", applicationId},
                      {"customer", impl_->customer},
                      {"complete", p["complete"]},
                      {"materials", impl_->documents},
                      {"deficiencies", p["deficiencies"]}};
    return json::serialize(body);
}

}  // namespace lgw::adapters::marketing
