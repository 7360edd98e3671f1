#include "security/masking.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "security/key_files.hpp"

using namespace lgw::security;

TEST(Masking, PhonesIdNumbersAndNamesShowOnlyTheirEnds) {
    EXPECT_EQ(maskPhone("13812345678"), "138****5678");
    EXPECT_EQ(maskPhone("123"), "****");
    EXPECT_EQ(maskIdentityCode("110105194912310029"), "1101**********0029");
    EXPECT_EQ(maskIdentityCode("91110000100000000X"), "9111**********000X");
    EXPECT_EQ(maskIdentityCode("short"), "****");
    EXPECT_EQ(maskName("张三"), "张*");
    EXPECT_EQ(maskName("欧阳小明"), "欧***");
    EXPECT_EQ(maskName("A"), "A*");  // one character still hides whether it was all
    EXPECT_EQ(maskName(""), "");
    // A value of any field: by its shape.
    EXPECT_EQ(maskValue("13900001111"), "139****1111");
    EXPECT_EQ(maskValue("110105194912310029"), "1101**********0029");
    EXPECT_EQ(maskValue("北京市东城区示例路1号"), "北********");
}

TEST(Masking, SubjectReferencesMatchTheSameCodeOnlyUnderTheSameKey) {
    auto a = subjectReference("key-1", "110105194912310029");
    EXPECT_EQ(a.rfind("h:", 0), 0u);
    EXPECT_EQ(a.size(), 26u);
    EXPECT_EQ(a.find("1101051949"), std::string::npos);
    EXPECT_EQ(subjectReference("key-1", "1101 0519-4912310029"), a);  // as the code is normalised
    EXPECT_EQ(subjectReference("key-1", "11010519491231002x"), subjectReference("key-1", "11010519491231002X"));
    EXPECT_NE(subjectReference("key-2", "110105194912310029"), a);
    EXPECT_NE(subjectReference("key-1", "110105194912310030"), a);
}

TEST(KeyFiles, APrivateFileIsUsedAndAnOpenOneIsRefusedWithThePathAndTheFix) {
    auto dir = std::filesystem::temp_directory_path() / ("lgw-keyfiles-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "kek.keyring").string();
    ASSERT_FALSE(writeNewKeyFile(path, "1 00\n"));
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_FALSE(keyFileProblem(path, "keys.file"));
    // Never over an existing file, never through a link.
    auto again = writeNewKeyFile(path, "1 11\n");
    ASSERT_TRUE(again);
    EXPECT_NE(again->find(path), std::string::npos);
    std::filesystem::create_symlink(dir / "elsewhere", dir / "link");
    EXPECT_TRUE(writeNewKeyFile((dir / "link").string(), "x"));
    EXPECT_FALSE(std::filesystem::exists(dir / "elsewhere"));
    auto link = keyFileProblem((dir / "link").string(), "keys.file");
    ASSERT_TRUE(link);
    EXPECT_NE(link->find("symbolic link"), std::string::npos);
    // Readable by the group: refused, with the path and chmod.
    std::filesystem::permissions(path, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
    auto open = keyFileProblem(path, "keys.file");
    ASSERT_TRUE(open);
    EXPECT_NE(open->find("keys.file: \"" + path + "\""), std::string::npos) << *open;
    EXPECT_NE(open->find("mode 0640"), std::string::npos) << *open;
    EXPECT_NE(open->find("chmod 600 " + path), std::string::npos) << *open;
    std::filesystem::remove_all(dir);
}
