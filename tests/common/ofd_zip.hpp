#pragma once
// Test-side OFD packages: the entries of a file as a map, edited and written back as a ZIP with
// libzip (stored or deflated), so that tests can make negative cases from real sealed files.
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "ofd/package.hpp"
#include "tests/common/files.hpp"

namespace lgw::testing {

using OfdEntries = std::map<std::string, std::string>;

inline OfdEntries ofdEntries(const std::string& zipBytes) {
    std::string error;
    auto pkg = ofd::OfdPackage::read(zipBytes, &error);
    if (!pkg) throw std::runtime_error("test package does not read: " + error);
    return OfdEntries(pkg->files().begin(), pkg->files().end());
}

/// A ZIP of `entries` in this order (names exactly as given, so hostile names can be written).
inline std::string zipOf(const OfdEntries& entries, bool deflate = true) {
    char path[] = "/tmp/lgw-ofd-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp");
    close(fd);
    int err = 0;
    zip_t* z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) throw std::runtime_error("zip_open");
    for (const auto& [name, bytes] : entries) {
        zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
        const zip_int64_t i = zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
        if (i < 0) {
            zip_source_free(src);
            throw std::runtime_error("zip_file_add " + name);
        }
        zip_set_file_compression(z, static_cast<zip_uint64_t>(i), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0) throw std::runtime_error("zip_close");
    std::string out = readFile(path);
    std::remove(path);
    return out;
}

}  // namespace lgw::testing
