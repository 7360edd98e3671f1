#include "security/key_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lgw::security {

std::optional<std::string> keyFileProblem(const std::string& path, std::string_view what) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return std::string(what) + ": cannot read \"" + path + "\": " + std::strerror(errno);
    if (S_ISLNK(st.st_mode))
        return std::string(what) + ": \"" + path + "\" is a symbolic link; put the key file itself there";
    if (!S_ISREG(st.st_mode)) return std::string(what) + ": \"" + path + "\" is not a regular file";
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return std::string(what) + ": \"" + path + "\" may be read or written by others than its owner (mode " + mode +
               "); make it private: chmod 600 " + path;
    }
    return std::nullopt;
}

std::optional<std::string> writeNewKeyFile(const std::string& path, std::string_view content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot create key file " + path + ": " + std::strerror(errno);
    bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        return "cannot write key file " + path;
    }
    return std::nullopt;
}

}  // namespace lgw::security
