#pragma once
// The throwaway PostgreSQL the test command starts (scripts/pg_test_cluster.sh, a CTest fixture):
// its connection string is in the file LGW_TEST_PG_URL_FILE names, by default the one the build
// directory's fixture writes (LGW_PG_URL_FILE, set by tests/CMakeLists.txt).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace lgw::testing {

inline std::string testPostgresUrl() {
    const char* file = std::getenv("LGW_TEST_PG_URL_FILE");
#ifdef LGW_PG_URL_FILE
    if (!file) file = LGW_PG_URL_FILE;
#endif
    if (!file)
        throw std::runtime_error("LGW_TEST_PG_URL_FILE is not set: run through ctest, which starts PostgreSQL, or "
                                 "run scripts/pg_test_cluster.sh start FILE and export LGW_TEST_PG_URL_FILE=FILE");
    std::ifstream f(file);
    std::string url;
    if (!std::getline(f, url) || url.empty())
        throw std::runtime_error(std::string("no connection string in ") + file + " (did the pg_cluster_start fixture fail?)");
    return url;
}

/// A schema name no other test (or test process) uses: each test starts from an empty database.
inline std::string freshSchema(const std::string& tag) {
    static int n = 0;
    return "t_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

}  // namespace lgw::testing
