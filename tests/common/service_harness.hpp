#pragma once
// What a unit test of a service stands on: the configuration's defaults, a frozen clock, an
// in-memory SQLite store, a one-thread blocking pool, metrics and the auditor, wired as the
// gateway wires them (Services). A test fixture derives from it and adds the service under test.
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "adapters/store/sqlite_store.hpp"
#include "config/config.hpp"
#include "config/materials.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/services.hpp"
#include "tests/common/fake_clock.hpp"

namespace lgw::testing {

/// The checklists the gateway ships (config/materials.toml).
inline config::Materials shippedMaterials() {
    const char* src = std::getenv("LGW_SOURCE_DIR");
    if (!src) throw std::runtime_error("LGW_SOURCE_DIR is not set (ctest sets it)");
    auto loaded = config::loadMaterialsFile(std::string(src) + "/config/materials.toml");
    if (!loaded.materials) throw std::runtime_error("config/materials.toml does not load");
    return *loaded.materials;
}

struct ServiceHarness {
    static constexpr std::int64_t kStartMs = 1796083200000;  ///< 2026-12-01T00:00:00Z, where the clock stands

    config::Config cfg;
    std::shared_ptr<FakeClock> clock = FakeClock::frozenAt(kStartMs);
    store::SqliteStore store{store::SqliteOptions{":memory:"}};
    gateway::BlockingPool pool{1};
    gateway::Metrics metrics{"test"};
    gateway::Services services{cfg, store, pool, metrics, [] { return std::string(); }, clock};
    gateway::Auditor auditor{store, pool, metrics, clock};
};

}  // namespace lgw::testing
