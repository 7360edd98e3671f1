#include "security/keyring.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

using namespace lgw::security;

namespace {
const std::string kKey1(64, 'a');
const std::string kKey2(64, 'b');
}  // namespace

TEST(Keyring, ParsesVersionsAndPicksNewest) {
    auto r = parseKeyring("# comment\n1 " + kKey1 + "\n\n2 " + kKey2 + "  # newest\n", "test");
    auto* ring = std::get_if<Keyring>(&r);
    ASSERT_TRUE(ring);
    EXPECT_EQ(ring->keys.size(), 2u);
    EXPECT_EQ(ring->newest(), 2u);
    EXPECT_EQ(ring->keys.at(1).size(), 32u);
}

TEST(Keyring, ErrorsNameTheLineButNeverTheKey) {
    auto r = parseKeyring("1 " + kKey1 + "\n2 " + kKey1.substr(0, 60) + "\n", "ring.txt");
    auto* e = std::get_if<KeyringError>(&r);
    ASSERT_TRUE(e);
    EXPECT_NE(e->message.find("ring.txt line 2"), std::string::npos) << e->message;
    EXPECT_EQ(e->message.find(kKey1.substr(0, 60)), std::string::npos);
    EXPECT_TRUE(std::get_if<KeyringError>(&(r = parseKeyring("1 " + kKey1 + "\n1 " + kKey2 + "\n", "t"))));
    EXPECT_TRUE(std::get_if<KeyringError>(&(r = parseKeyring("", "t"))));
    EXPECT_TRUE(std::get_if<KeyringError>(&(r = parseKeyring("0 " + kKey1, "t"))));
}

TEST(Keyring, GeneratedFileIsOwnerOnlyAndLoads) {
    auto dir = std::filesystem::temp_directory_path() / ("lgw-keyring-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto path = (dir / "keys" / "kek.keyring").string();
    ASSERT_TRUE(std::holds_alternative<std::monostate>(generateKeyringFile(path)));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_TRUE(std::holds_alternative<Keyring>(loadKeyringFile(path)));
    // Never overwrites an existing key file.
    EXPECT_TRUE(std::holds_alternative<KeyringError>(generateKeyringFile(path)));
    std::filesystem::remove_all(dir);
}

TEST(Keyring, FromEnvironment) {
    ::setenv("LGW_TEST_KEYRING", ("3 " + kKey2).c_str(), 1);
    auto r = loadKeyringEnv("LGW_TEST_KEYRING");
    ASSERT_TRUE(std::holds_alternative<Keyring>(r));
    EXPECT_EQ(std::get<Keyring>(r).newest(), 3u);
    ::unsetenv("LGW_TEST_KEYRING");
    EXPECT_TRUE(std::holds_alternative<KeyringError>(loadKeyringEnv("LGW_TEST_KEYRING")));
}

TEST(Keyring, RotateAppendsANewestVersionAtomically) {
    auto dir = std::filesystem::temp_directory_path() / ("lgw-rotate-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto path = (dir / "kek.keyring").string();
    ASSERT_TRUE(std::holds_alternative<std::monostate>(generateKeyringFile(path)));
    auto before = std::get<Keyring>(loadKeyringFile(path));
    auto v = rotateKeyringFile(path);
    ASSERT_TRUE(std::holds_alternative<std::uint32_t>(v));
    EXPECT_EQ(std::get<std::uint32_t>(v), 2u);
    auto after = std::get<Keyring>(loadKeyringFile(path));
    EXPECT_EQ(after.newest(), 2u);
    EXPECT_EQ(after.keys.at(1), before.keys.at(1));  // the old version is kept for decryption
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_EQ(retireBelow(after, 2).keys.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<KeyringError>(rotateKeyringFile((dir / "missing").string())));
    std::filesystem::remove_all(dir);
}
