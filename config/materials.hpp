#pragma once
// The material checklists of the customer categories (config/materials.toml): which documents an
// application must bring, which can start it (identity proofs, 一证启动), which may follow later
// (容缺) and by when, and which documents satisfy each. Validated at start-up like the config.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace lgw::config {

/// A kind of document that satisfies a material: its source and type, "e_licence:id_card",
/// "scan:id_card_front"; source "any" takes both.
struct DocumentKind {
    std::string source;   ///< e_licence | scan | any
    std::string docType;
};

struct Material {
    std::string id;                 ///< e.g. identity_proof
    std::string name;               ///< as shown to people, e.g. 身份证明
    bool identity = false;          ///< may start an application (一证启动)
    bool required = true;           ///< false: only where it applies (e.g. a project approval)
    bool deferrable = false;        ///< may follow after the start (容缺)
    int deferDays = 0;              ///< how long after the application started it may follow
    std::vector<int> remindDays;    ///< SMS reminders this many days before the due date
    std::vector<DocumentKind> satisfiedBy;
};

struct Category {
    std::string id;                 ///< high_voltage | low_voltage_non_residential | low_voltage_residential
    std::string name;
    std::vector<Material> materials;
};

struct Materials {
    std::vector<Category> categories;
    const Category* category(const std::string& id) const;
};

struct MaterialsResult {
    std::optional<Materials> materials;  ///< set only when errors is empty
    std::vector<ConfigError> errors;
};

inline constexpr const char* kCustomerCategories[] = {"high_voltage", "low_voltage_non_residential",
                                                      "low_voltage_residential"};

MaterialsResult parseMaterials(const std::string& tomlText, const std::string& sourceName);
MaterialsResult loadMaterialsFile(const std::string& path);

}  // namespace lgw::config
