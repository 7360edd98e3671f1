#include "config/materials.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "config/impl/table_reader.hpp"

namespace lgw::config {

using impl::TableReader;

const Category* Materials::category(const std::string& id) const {
    for (auto& c : categories)
        if (c.id == id) return &c;
    return nullptr;
}

MaterialsResult parseMaterials(const std::string& tomlText, const std::string& sourceName) {
    MaterialsResult out;
    toml::table root;
    try {
        root = toml::parse(tomlText, sourceName);
    } catch (const toml::parse_error& e) {
        out.errors.push_back({"", sourceName + ":" + std::to_string(e.source().begin.line) + ":" +
                                      std::to_string(e.source().begin.column) + ": " + std::string(e.description())});
        return out;
    }
    auto& errors = out.errors;
    Materials m;
    TableReader r(&root, "", errors);
    const toml::table* cats = r.table("categories");
    r.finish();
    if (!cats) {
        errors.push_back({"categories", "is required: one table per customer category"});
        return out;
    }
    for (auto&& [key, node] : *cats) {
        std::string cid(key.str());
        std::string path = "categories." + cid;
        bool known = false;
        for (const char* k : kCustomerCategories) known = known || cid == k;
        if (!known) {
            errors.push_back({path, "unknown customer category; use high_voltage, low_voltage_non_residential or "
                                    "low_voltage_residential"});
            continue;
        }
        auto* ct = node.as_table();
        if (!ct) {
            errors.push_back({path, "expected table"});
            continue;
        }
        Category c;
        c.id = cid;
        TableReader cr(ct, path, errors);
        cr.string("name", c.name);
        std::set<std::string> ids;
        bool anyIdentity = false;
        cr.tables("materials", [&](TableReader& mr) {
            Material mat;
            mr.string("id", mat.id);
            mr.string("name", mat.name);
            mr.boolean("identity", mat.identity);
            mr.boolean("required", mat.required);
            mr.boolean("deferrable", mat.deferrable);
            mr.integer("defer_days", mat.deferDays, 0, 3650);
            mr.intList("remind_days", mat.remindDays, 0, 3650);
            if (auto* sb = mr.array("satisfied_by")) {
                for (std::size_t k = 0; k < sb->size(); ++k) {
                    auto v = sb->get(k)->value_exact<std::string>();
                    auto colon = v ? v->find(':') : std::string::npos;
                    std::string source = v && colon != std::string::npos ? v->substr(0, colon) : "";
                    if (colon == std::string::npos || colon + 1 >= v->size() ||
                        (source != "e_licence" && source != "scan" && source != "any")) {
                        mr.error("satisfied_by", "entries are \"e_licence:TYPE\", \"scan:TYPE\" or \"any:TYPE\"");
                        break;
                    }
                    mat.satisfiedBy.push_back({source, v->substr(colon + 1)});
                }
            }
            mr.finish();
            if (mat.id.empty()) mr.error("id", "is required");
            else if (!ids.insert(mat.id).second) mr.error("id", "\"" + mat.id + "\" appears twice in " + cid);
            if (mat.name.empty()) mr.error("name", "is required");
            if (mat.satisfiedBy.empty()) mr.error("satisfied_by", "name at least one kind of document");
            if (mat.deferrable && mat.deferDays == 0) mr.error("defer_days", "a deferrable material needs a period");
            if (mat.identity && mat.deferrable) mr.error("deferrable", "an identity proof starts the application; it cannot be deferred");
            for (int d : mat.remindDays)
                if (d >= mat.deferDays) mr.error("remind_days", "reminders must fall before the due date (each < defer_days)");
            anyIdentity = anyIdentity || mat.identity;
            c.materials.push_back(std::move(mat));
        });
        cr.finish();
        if (c.materials.empty()) cr.error("materials", "list the materials of the category");
        else if (!anyIdentity) cr.error("materials", "mark at least one identity proof (identity = true): 一证启动 needs one");
        m.categories.push_back(std::move(c));
    }
    for (const char* k : kCustomerCategories)
        if (!m.category(k)) errors.push_back({std::string("categories.") + k, "is missing"});
    if (errors.empty()) out.materials = std::move(m);
    return out;
}

MaterialsResult loadMaterialsFile(const std::string& path) {
    std::ifstream f(path);
    if (!f) return {std::nullopt, {{"", "cannot read " + path}}};
    std::stringstream ss;
    ss << f.rdbuf();
    return parseMaterials(ss.str(), path);
}

}  // namespace lgw::config
