#pragma once
// A package as the store keeps it (Package::bodyJson) and the API answers it: the checklist of the
// application's customer category judged against its documents. The types are the domain's
// (gateway/services/packages builds them); the JSON is written and read only here, so the stored
// body, the answer and the marketing push (adapters/marketing/push_body) agree on one format.
#include <optional>
#include <string>
#include <vector>

namespace lgw::store {

/// A scan and an e-licence that state different numbers for one material.
struct PackageMismatch {
    std::string eLicence;        ///< the number the e-licence states
    std::string scan;            ///< the number the scan states
    std::string scanDocumentId;
    bool hidden = false;         ///< shown to someone who may not read the e-licence: the field name only
};

struct PackageItem {
    std::string material;  ///< the checklist's material code
    std::string name;
    /// present | mismatch | expired | not_required | deferred | overdue | missing
    std::string status;
    std::string documentId;  ///< present, mismatch, expired
    std::string source;      ///< present, mismatch: e_licence | scan
    std::string docType;     ///< present, mismatch
    std::string validTo;     ///< expired
    std::string due;         ///< deferred, overdue: YYYY-MM-DD
    std::optional<PackageMismatch> mismatch;
};

struct PackageDeficiency {
    std::string material;
    std::string status;
    std::string due;  ///< deferred, overdue
};

struct PackageBody {
    std::string packageId;
    std::string applicationId;
    std::string customerCategory;
    bool complete = false;
    std::string status;  ///< built | suspended (as built; the outbox tells the delivery)
    std::vector<PackageItem> items;
    std::vector<PackageDeficiency> deficiencies;
    std::string createdAt;  ///< RFC 3339
};

/// The JSON object of API.md's package (members in the order of the API's example).
std::string encodePackageBody(const PackageBody& body);
/// nullopt when `json` is not a package body as encodePackageBody writes it.
std::optional<PackageBody> decodePackageBody(const std::string& json);
/// The JSON array of the items alone (the 422 identity_proof_missing answer carries it).
std::string encodePackageItems(const std::vector<PackageItem>& items);

/// The number a document's stored fields state (credit_code, id_number, certificate_number or
/// number; a scan's field is {"value": ...}); "" when none.
std::string statedNumberOf(const std::string& fieldsJson);

}  // namespace lgw::store
