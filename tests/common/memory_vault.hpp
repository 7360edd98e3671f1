#pragma once
// A document vault in memory for unit tests: no encryption, the bytes kept by document id. Like the
// real vault it reads nothing once the document's wrapped key is gone (crypto-shredded).
#include <map>
#include <string>

#include "adapters/blob/document_vault.hpp"

namespace lgw::testing {

class MemoryVault final : public adapters::blob::DocumentVault {
public:
    std::map<std::string, std::string> blobs;
    void put(store::DocumentMeta& meta, std::string_view plaintext) override {
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
