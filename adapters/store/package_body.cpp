#include "adapters/store/package_body.hpp"

#include <boost/json.hpp>

namespace lgw::store {

namespace json = boost::json;

namespace {

json::array itemsJson(const std::vector<PackageItem>& items) {
    json::array out;
    for (auto& i : items) {
        json::object o{{"material", i.material}, {"name", i.name}};
        if (i.mismatch) {
            if (i.mismatch->hidden)
                o["mismatch"] = json::object{{"field", "number"}, {"scan_document_id", i.mismatch->scanDocumentId}};
            else
                o["mismatch"] = json::object{{"e_licence", i.mismatch->eLicence},
                                             {"scan", i.mismatch->scan},
                                             {"scan_document_id", i.mismatch->scanDocumentId}};
        }
        if (!i.documentId.empty()) o["document_id"] = i.documentId;
        if (!i.source.empty()) o["source"] = i.source;
        if (!i.docType.empty()) o["doc_type"] = i.docType;
        if (!i.validTo.empty()) o["valid_to"] = i.validTo;
        if (!i.due.empty()) o["due"] = i.due;
        o["status"] = i.status;
        out.push_back(std::move(o));
    }
    return out;
}

std::string text(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<PackageItem> itemOf(const json::value& v) {
    if (!v.is_object()) return std::nullopt;
    auto& o = v.get_object();
    PackageItem i{text(o, "material"), text(o, "name"), text(o, "status"), text(o, "document_id"),
                  text(o, "source"), text(o, "doc_type"), text(o, "valid_to"), text(o, "due"), std::nullopt};
    if (i.material.empty() || i.status.empty()) return std::nullopt;
    if (auto* m = o.if_contains("mismatch"); m && m->is_object()) {
        auto& mo = m->get_object();
        i.mismatch = PackageMismatch{text(mo, "e_licence"), text(mo, "scan"), text(mo, "scan_document_id"),
                                     !mo.contains("e_licence")};
    }
    return i;
}

}  // namespace

std::string encodePackageItems(const std::vector<PackageItem>& items) { return json::serialize(itemsJson(items)); }

std::string encodePackageBody(const PackageBody& b) {
    json::array deficiencies;
    for (auto& d : b.deficiencies) {
        json::object o{{"material", d.material}, {"status", d.status}};
        if (!d.due.empty()) o["due"] = d.due;
        deficiencies.push_back(std::move(o));
    }
    return json::serialize(json::object{{"package_id", b.packageId},
                                        {"application_id", b.applicationId},
                                        {"customer_category", b.customerCategory},
                                        {"complete", b.complete},
                                        {"status", b.status},
                                        {"items", itemsJson(b.items)},
                                        {"deficiencies", std::move(deficiencies)},
                                        {"created_at", b.createdAt}});
}

std::optional<PackageBody> decodePackageBody(const std::string& s) {
    boost::system::error_code ec;
    json::value v = json::parse(s, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto& o = v.get_object();
    auto* items = o.if_contains("items");
    auto* complete = o.if_contains("complete");
    if (!items || !items->is_array() || !complete || !complete->is_bool()) return std::nullopt;
    PackageBody b;
    b.packageId = text(o, "package_id");
    b.applicationId = text(o, "application_id");
    b.customerCategory = text(o, "customer_category");
    b.complete = complete->get_bool();
    b.status = text(o, "status");
    b.createdAt = text(o, "created_at");
    for (auto& item : items->get_array()) {
        auto i = itemOf(item);
        if (!i) return std::nullopt;
        b.items.push_back(std::move(*i));
    }
    if (auto* defs = o.if_contains("deficiencies"); defs && defs->is_array())
        for (auto& d : defs->get_array())
            if (d.is_object())
                b.deficiencies.push_back({text(d.get_object(), "material"), text(d.get_object(), "status"),
                                          text(d.get_object(), "due")});
    return b;
}

std::string statedNumberOf(const std::string& fieldsJson) {
    boost::system::error_code ec;
    json::value v = json::parse(fieldsJson, ec);
    if (ec || !v.is_object()) return {};
    for (const char* k : {"credit_code", "id_number", "certificate_number", "number"}) {
        auto* f = v.get_object().if_contains(k);
        if (!f) continue;
        if (f->is_string()) return std::string(f->get_string());
        if (f->is_object())
            if (auto* val = f->get_object().if_contains("value"); val && val->is_string())
                return std::string(val->get_string());
    }
    return {};
}

}  // namespace lgw::store
