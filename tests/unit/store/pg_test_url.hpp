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

/// A PostgreSQL of the test's own, for a test that restarts it (the shared one serves other tests
/// at the same time): scripts/pg_test_cluster.sh starts it, restart() restarts it on the same port
/// as an operator would, and it is stopped and deleted with this object. Throws when it cannot start.
class OwnPostgres {
public:
    explicit OwnPostgres(const std::string& tag) {
        const char* src = std::getenv("LGW_SOURCE_DIR");
        script_ = "bash " + std::string(src ? src : ".") + "/scripts/pg_test_cluster.sh ";
        urlFile_ = "/tmp/lgw-pg-" + tag + "-" + std::to_string(::getpid()) + ".url";
        if (std::system((script_ + "start " + urlFile_ + " > /dev/null").c_str()) != 0)
            throw std::runtime_error("scripts/pg_test_cluster.sh could not start a server");
        std::ifstream f(urlFile_);
        std::getline(f, url_);
    }
    ~OwnPostgres() { (void)std::system((script_ + "stop " + urlFile_).c_str()); }
    OwnPostgres(const OwnPostgres&) = delete;
    OwnPostgres& operator=(const OwnPostgres&) = delete;

    const std::string& url() const { return url_; }
    const std::string& urlFile() const { return urlFile_; }
    /// pg_ctl restart: every connection to it is dropped; true once it accepts connections again.
    bool restart() const { return std::system((script_ + "restart " + urlFile_).c_str()) == 0; }

private:
    std::string script_, urlFile_, url_;
};

}  // namespace lgw::testing
