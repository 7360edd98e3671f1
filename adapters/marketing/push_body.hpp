#pragma once
// The body of a package push (UPSTREAMS.md, the marketing system's import), built from the package
// as the gateway stored it: the customer, each material with its document (a watermarked copy,
// base64) and fields, whether the package is complete, and its deficiencies (容缺 with due dates).
// The JSON stays here, with the rest of the marketing system's contract; the push worker fills it
// in with C++ values.
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lgw::adapters::marketing {

class PushBody {
public:
    struct Material {
        std::string material;    ///< the checklist's material code
        std::string documentId;  ///< the document that supplies it
    };

    /// nullopt when `storedJson` is not a package body as the gateway stores it.
    static std::optional<PushBody> fromStored(const std::string& storedJson);
    PushBody(PushBody&&) noexcept;
    PushBody& operator=(PushBody&&) noexcept;
    ~PushBody();

    /// The materials whose documents go with the package (present, or in disagreement), in order.
    const std::vector<Material>& materials() const;
    void setCustomer(const std::string& name, const std::string& phone);
    /// `fieldsJson` as the document stores it (an object; anything else sends no fields); `bytes`
    /// the copy that leaves: a watermarked PNG, or a sealed OFD file as it was issued.
    void addDocument(const Material& m, const std::string& source, const std::string& docType,
                     const std::string& fieldsJson, const std::string& sha256, const std::string& bytes,
                     const std::string& contentType = "image/png");
    std::string serialize(const std::string& packageId, const std::string& applicationId) const;

private:
    struct Impl;
    explicit PushBody(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lgw::adapters::marketing
