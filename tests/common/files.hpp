#pragma once
// A whole file as bytes, for tests and their fixtures ("" when it cannot be read: the assertion on
// the content then says what is missing).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lgw::testing {

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace lgw::testing
