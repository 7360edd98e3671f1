#pragma once
// Named points on durable write paths where a test may kill the process, to prove that a crash
// anywhere leaves the old state or the new one and never half a document. With LGW_CRASH_AT=<name>
// in the environment the process SIGKILLs itself on reaching that point; without it nothing
// happens. Read on every call (not cached), so that a forked test child can set it.
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace lgw::adapters {

inline void crashPoint(const char* name) {
    const char* target = std::getenv("LGW_CRASH_AT");
    if (target && std::strcmp(target, name) == 0) std::raise(SIGKILL);
}

}  // namespace lgw::adapters
