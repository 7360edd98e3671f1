#include "security/keyring.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "security/crypto.hpp"
#include "security/key_files.hpp"

namespace lgw::security {

KeyringResult parseKeyring(const std::string& text, const std::string& sourceName) {
    Keyring ring;
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream fields(line);
        std::string version, hex, extra;
        if (!(fields >> version)) continue;
        auto where = sourceName + " line " + std::to_string(lineNo);
        if (!(fields >> hex) || (fields >> extra))
            return KeyringError{where + ": expected '<version> <64 hex characters>'"};
        char* end = nullptr;
        unsigned long v = std::strtoul(version.c_str(), &end, 10);
        if (*end != '\0' || v == 0 || v > 0xffffffffUL)
            return KeyringError{where + ": version must be a positive integer"};
        auto raw = fromHex(hex);
        if (!raw || raw->size() != 32) return KeyringError{where + ": key must be 64 hex characters (256 bits)"};
        if (!ring.keys.emplace(static_cast<std::uint32_t>(v), *raw).second)
            return KeyringError{where + ": version " + version + " appears twice"};
    }
    if (ring.keys.empty()) return KeyringError{sourceName + ": no key found"};
    return ring;
}

KeyringResult loadKeyringFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return KeyringError{"cannot read key file " + path + ": " + std::strerror(errno)};
    std::ostringstream ss;
    ss << f.rdbuf();
    return parseKeyring(ss.str(), path);
}

KeyringResult loadKeyringEnv(const std::string& variable) {
    const char* value = std::getenv(variable.c_str());
    if (!value) return KeyringError{"environment variable " + variable + " is not set"};
    return parseKeyring(value, "environment variable " + variable);
}

std::variant<std::uint32_t, KeyringError> rotateKeyringFile(const std::string& path) {
    auto loaded = loadKeyringFile(path);
    if (auto* e = std::get_if<KeyringError>(&loaded)) return *e;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string content = ss.str();
    if (!content.empty() && content.back() != '\n') content += '\n';
    std::uint32_t next = std::get<Keyring>(loaded).newest() + 1;
    content += std::to_string(next) + " " + toHex(randomBytes(32)) + "\n";
    std::string tmp = path + ".rotate-tmp";
    ::unlink(tmp.c_str());  // a leftover of an interrupted rotation (a link is removed, not followed)
    if (auto err = writeNewKeyFile(tmp, content)) return KeyringError{*err};
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return KeyringError{"cannot replace " + path};
    }
    auto dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return next;
}

Keyring retireBelow(Keyring ring, std::uint32_t minVersion) {
    std::erase_if(ring.keys, [&](auto& kv) { return kv.first < minVersion; });
    return ring;
}

std::variant<std::monostate, KeyringError> generateKeyringFile(const std::string& path) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::string content = "# Licence Gateway key-encryption keys: <version> <hex>. Generated for the demo; keep it secret.\n1 " +
                          toHex(randomBytes(32)) + "\n";
    if (auto err = writeNewKeyFile(path, content)) return KeyringError{*err};
    return std::monostate{};
}

}  // namespace lgw::security
