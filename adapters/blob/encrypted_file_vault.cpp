#include "adapters/blob/encrypted_file_vault.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/crash_point.hpp"
#include "adapters/transient_error.hpp"
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
        // At most 1 MiB per call: bounded syscalls, and a kill can land between them.
        ssize_t n = ::write(fd, bytes.data() + done, std::min<std::size_t>(bytes.size() - done, 1 << 20));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            fs::remove(tmp);
            throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
        if (done >= bytes.size() / 2) crashPoint("blob.half_written");
    }
    crashPoint("blob.written");
    if (::fsync(fd) != 0) {
        ::close(fd);
        fs::remove(tmp);
        throw std::runtime_error("fsync " + tmp.string() + ": " + std::strerror(errno));
    }
    ::close(fd);
    crashPoint("blob.synced");
    fs::rename(tmp, target);
    crashPoint("blob.renamed");
    fsyncPath(target.parent_path(), O_RDONLY | O_DIRECTORY);
    crashPoint("blob.durable");
}

}  // namespace

EncryptedFileVault::EncryptedFileVault(std::string root, security::Keyring ring, security::CipherSuite suite)
    : EnvelopeVault(std::move(ring), suite), root_(std::move(root)) {
    sweepTemporaryFiles();
}

// A crash between creating a temporary file and renaming it leaves ciphertext nobody refers to.
// Only files older than an hour go, so that a write in flight in another process is never touched.
int EncryptedFileVault::sweepTemporaryFiles() {
    int removed = 0;
    std::error_code ec;
    if (!fs::exists(root_, ec)) return 0;
    auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().filename().string().find(".tmp-") == std::string::npos) continue;
        if (it->last_write_time(ec) < cutoff && fs::remove(it->path(), ec)) ++removed;
    }
    return removed;
}

// Two levels of fan-out by the id's hash keep directories small.
std::string EncryptedFileVault::refFor(const std::string& id) {
    std::string h = security::sha256Hex(id);
    return h.substr(0, 2) + "/" + h.substr(2, 2) + "/" + id + ".lgw";
}

void EncryptedFileVault::writeCiphertext(const std::string& ref, std::string_view ciphertext) {
    // A document that cannot be written (disk full, read-only, I/O error) is the storage being
    // unavailable, not a bug: 503 store_unavailable with Retry-After, and nothing was stored.
    try {
        writeDurably(fs::path(root_) / ref, ciphertext);
    } catch (const std::exception& e) {
        throw TransientError(std::string("the document store cannot be written: ") + e.what());
    }
}

std::optional<std::string> EncryptedFileVault::readCiphertext(const std::string& ref) {
    std::ifstream f(fs::path(root_) / ref, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace lgw::adapters::blob
