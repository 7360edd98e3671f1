#include "adapters/blob/encrypted_file_vault.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "security/crypto.hpp"
#include "security/envelope.hpp"

namespace lgw::adapters::blob {
namespace fs = std::filesystem;

namespace {

void fsyncPath(const fs::path& p, int flags) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + p.string() + ": " + std::strerror(errno));
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw std::runtime_error("fsync " + p.string() + ": " + std::strerror(errno));
}

void writeDurably(const fs::path& target, std::string_view bytes) {
    fs::create_directories(target.parent_path());
    fs::path tmp = target;
    tmp += ".tmp-" + security::randomId128().substr(0, 8);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + tmp.string() + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            fs::remove(tmp);
            throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        fs::remove(tmp);
        throw std::runtime_error("fsync " + tmp.string() + ": " + std::strerror(errno));
    }
    ::close(fd);
    fs::rename(tmp, target);
    fsyncPath(target.parent_path(), O_RDONLY | O_DIRECTORY);
}

}  // namespace

EncryptedFileVault::EncryptedFileVault(std::string root, security::Keyring ring, security::CipherSuite suite)
    : root_(std::move(root)), ring_(std::move(ring)), suite_(suite) {}

void EncryptedFileVault::setKeyring(security::Keyring ring) {
    std::unique_lock lock(mutex_);
    ring_ = std::move(ring);
}

void EncryptedFileVault::put(store::DocumentMeta& meta, std::string_view plaintext) {
    security::Sealed sealed;
    {
        std::shared_lock lock(mutex_);
        sealed = security::seal(ring_, meta.id, plaintext, suite_);
    }
    std::string h = security::sha256Hex(meta.id);
    std::string rel = h.substr(0, 2) + "/" + h.substr(2, 2) + "/" + meta.id + ".lgw";
    writeDurably(fs::path(root_) / rel, sealed.ciphertext);
    meta.blobRef = rel;
    meta.keyVersion = sealed.keyVersion;
    meta.wrappedKey = sealed.wrappedKey;
    meta.size = static_cast<std::int64_t>(plaintext.size());
    meta.sha256 = security::sha256Hex(plaintext);
}

std::optional<std::string> EncryptedFileVault::get(const store::DocumentMeta& meta) {
    if (meta.purgedAt != 0 || meta.wrappedKey.empty()) return std::nullopt;
    std::ifstream f(fs::path(root_) / meta.blobRef, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream ss;
    ss << f.rdbuf();
    std::shared_lock lock(mutex_);
    return security::open(ring_, meta.id, meta.keyVersion, meta.wrappedKey, ss.str());
}

}  // namespace lgw::adapters::blob
