#pragma once
// A document vault in memory for unit tests: no encryption, the bytes kept by document id. Like the
// real vault it reads nothing once the document's wrapped key is gone (crypto-shredded).
#include <map>
#include <optional>
#include <string>

#include "adapters/blob/document_vault.hpp"
#include "adapters/transient_error.hpp"

namespace lgw::testing {

class MemoryVault final : public adapters::blob::DocumentVault {
public:
    std::map<std::string, std::string> blobs;
    /// Set: the next put fails as a full or failing disk does (TransientError), storing nothing.
    std::optional<std::string> failNextPut;
    void put(store::DocumentMeta& meta, std::string_view plaintext) override {
        if (failNextPut) {
            std::string why = *failNextPut;
            failNextPut.reset();
            throw adapters::TransientError("the document store cannot be written: " + why);
        }
        meta.blobRef = "memory:" + meta.id;
        meta.size = static_cast<std::int64_t>(plaintext.size());
        meta.keyVersion = 1;
        meta.wrappedKey = "memory-key:" + meta.id;
        blobs[meta.id] = std::string(plaintext);
    }
    std::optional<std::string> get(const store::DocumentMeta& meta) override {
        auto it = blobs.find(meta.id);
        if (it == blobs.end() || meta.wrappedKey.empty()) return std::nullopt;
        return it->second;
    }
};

}  // namespace lgw::testing
