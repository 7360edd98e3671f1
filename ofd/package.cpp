#include "ofd/package.hpp"

#include <zip.h>

#include <memory>
#include <vector>

namespace lgw::ofd {

namespace {

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// The '/'-separated parts of a relative path with "." dropped and ".." applied; nullopt when ".."
// would climb above the start.
std::optional<std::vector<std::string_view>> normalParts(std::vector<std::string_view> base, std::string_view path) {
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (base.empty()) return std::nullopt;
            base.pop_back();
            continue;
        }
        base.push_back(part);
    }
    return base;
}

std::string joined(const std::vector<std::string_view>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += '/';
        out += p;
    }
    return out;
}

// Why an entry name is unsafe, or "" when it is a plain relative path inside the package.
std::string unsafeName(std::string_view name, std::size_t maxPath) {
    if (name.size() > maxPath) return "is longer than " + std::to_string(maxPath) + " bytes";
    if (name.find('\0') != std::string_view::npos) return "holds a NUL byte";
    if (name.find('\\') != std::string_view::npos) return "holds a backslash";
    if (name.front() == '/') return "is absolute";
    if (name.size() >= 2 && name[1] == ':') return "names a drive";
    std::string_view rest = name;
    while (!rest.empty()) {
        const std::size_t slash = rest.find('/');
        const std::string_view part = rest.substr(0, slash);
        if (part == "..") return "climbs out of the package (..)";
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
    return "";
}

}  // namespace

std::optional<OfdPackage> OfdPackage::read(std::string_view bytes, std::string* error, const PackageLimits& limits) {
    auto fail = [&](std::string why) -> std::optional<OfdPackage> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    if (bytes.empty()) return fail("the file is empty");
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
    if (!src) {
        std::string why = zip_error_strerror(&zerr);
        zip_error_fini(&zerr);
        return fail("cannot read it as ZIP: " + why);
    }
    std::unique_ptr<zip_t, ZipCloser> zip(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr));
    if (!zip) {
        zip_source_free(src);
        std::string why = zip_error_strerror(&zerr);
        zip_error_fini(&zerr);
        return fail("not an OFD package (no readable ZIP: " + why + ")");
    }
    zip_error_fini(&zerr);

    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    if (count < 0) return fail("cannot list the ZIP's entries");
    if (static_cast<std::uint64_t>(count) > limits.maxEntries)
        return fail("the package has " + std::to_string(count) + " entries, more than " + std::to_string(limits.maxEntries));

    OfdPackage pkg;
    std::size_t total = 0;
    std::string buffer(64 * 1024, '\0');
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* raw = zip_get_name(zip.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
        if (!raw || !*raw) return fail("entry " + std::to_string(i) + " has no name");
        const std::string name(raw);
        if (name.back() == '/') continue;  // a folder
        if (std::string why = unsafeName(name, limits.maxPathBytes); !why.empty())
            return fail("entry name \"" + name.substr(0, 80) + "\" " + why);
        if (pkg.files_.count(name)) return fail("entry \"" + name + "\" appears twice");

        std::unique_ptr<zip_file_t, FileCloser> f(zip_fopen_index(zip.get(), static_cast<zip_uint64_t>(i), 0));
        if (!f) return fail("entry \"" + name + "\" cannot be opened: " + zip_strerror(zip.get()));
        std::string content;
        for (;;) {
            const zip_int64_t n = zip_fread(f.get(), buffer.data(), buffer.size());
            if (n < 0) return fail("entry \"" + name + "\" cannot be read: " + zip_file_strerror(f.get()));
            if (n == 0) break;
            content.append(buffer.data(), static_cast<std::size_t>(n));
            total += static_cast<std::size_t>(n);
            if (content.size() > limits.maxEntryBytes)
                return fail("entry \"" + name + "\" inflates to more than " + std::to_string(limits.maxEntryBytes) + " bytes");
            if (total > limits.maxTotalBytes)
                return fail("the package inflates to more than " + std::to_string(limits.maxTotalBytes) + " bytes");
        }
        pkg.files_.emplace(name, std::move(content));
    }
    if (pkg.files_.empty()) return fail("the ZIP holds no file");
    return pkg;
}

const std::string* OfdPackage::file(std::string_view path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
}

std::optional<std::string> OfdPackage::resolve(std::string_view from, std::string_view location) {
    if (location.empty() || location.find('\\') != std::string_view::npos || location.find('\0') != std::string_view::npos)
        return std::nullopt;
    std::vector<std::string_view> base;
    if (location.front() != '/') {
        auto dir = normalParts({}, from);
        if (!dir) return std::nullopt;
        base = std::move(*dir);
        if (!base.empty()) base.pop_back();  // from's own name
    }
    auto parts = normalParts(std::move(base), location);
    if (!parts || parts->empty()) return std::nullopt;
    return joined(*parts);
}

}  // namespace lgw::ofd
