#pragma once
// An OFD package (GB/T 33190-2016 §7.2): a ZIP file whose entries are the document's XML and
// resources, read whole into memory with libzip under limits, so that a hostile file can cost no
// more than the limits say: entry count, bytes per entry and in all (as inflated, never as the
// archive claims), path length. Entry names that could leave the package (absolute, `..`,
// backslashes, NUL) or that appear twice are refused; directories are skipped. Paths are kept
// without a leading '/', as OFD writes them in its ST_Loc references ("/Doc_0/Document.xml").
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lgw::ofd {

struct PackageLimits {
    std::size_t maxEntries = 4096;
    std::size_t maxEntryBytes = 32u << 20;
    std::size_t maxTotalBytes = 64u << 20;
    std::size_t maxPathBytes = 512;
};

class OfdPackage {
public:
    /// Reads every entry of the ZIP in `bytes`; nullopt with `error` saying why when it is no ZIP,
    /// is cut or inconsistent, breaks a limit or holds an unsafe or duplicate name.
    static std::optional<OfdPackage> read(std::string_view bytes, std::string* error, const PackageLimits& limits = {});

    /// The bytes of the entry at `path` ("Doc_0/Document.xml", no leading '/'), or nullptr.
    const std::string* file(std::string_view path) const;
    const std::map<std::string, std::string, std::less<>>& files() const { return files_; }

    /// Resolves an OFD location written in the entry `from`: "/a/b" from the package root, "b" or
    /// "../b" from `from`'s folder. nullopt when it is empty or climbs above the root.
    static std::optional<std::string> resolve(std::string_view from, std::string_view location);

private:
    std::map<std::string, std::string, std::less<>> files_;
};

}  // namespace lgw::ofd
