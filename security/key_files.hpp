#pragma once
// Key and secret files on disk: a file anyone but its owner may read is refused at start (the path
// and the fix named), and a file the gateway writes is created new, never through a symbolic link
// and never over an existing file (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600).
#include <optional>
#include <string>
#include <string_view>

namespace lgw::security {

/// Why the key file at `path` may not be used, or nullopt: it is a symbolic link, not a regular
/// file, or readable or writable by its group or others. `what` names it in the message.
std::optional<std::string> keyFileProblem(const std::string& path, std::string_view what);

/// Writes `content` into the new file `path` (mode 0600, O_EXCL | O_NOFOLLOW, fsync'd). The error
/// says what failed, with the path; nullopt on success.
std::optional<std::string> writeNewKeyFile(const std::string& path, std::string_view content);

}  // namespace lgw::security
