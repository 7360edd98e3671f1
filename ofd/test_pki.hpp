#pragma once
// A test PKI for electronic seals, for the government-platform simulator and the tests: a root
// that may sign certificates, and a seal maker (制章者) and a signer it issues, every certificate
// signed with SM2 and SM3 under the default user id, as Chinese CAs issue them. The keys derive
// from a seed, so the same seed always gives the same keys and certificate fields: a root saved
// once (`lgw-make-ofd-pki`, or the simulator's root file) keeps trusting what a restarted
// simulator seals. (SM2 signatures are randomised, so the certificates' signature bytes differ
// between runs; any copy of the root chains them.) Never used by the production path.
#include <cstdint>
#include <string>
#include <string_view>

#include "ofd/seal_maker.hpp"

namespace lgw::ofd {

struct TestPkiMember {
    security::PrivateKey key;
    std::string certDer;
    std::string certPem;
    SealIdentity identity() const { return SealIdentity{key, certDer}; }
};

struct TestPki {
    TestPkiMember root, maker, signer;
};

struct TestPkiOptions {
    std::string name = "Licence Gateway simulator";  ///< the organisation in every subject
    std::int64_t notBefore = 1767225600;             ///< 2026-01-01T00:00:00Z
    std::int64_t rootYears = 20, leafYears = 10;
};

/// The PKI for `seed`. Throws std::runtime_error only if OpenSSL fails.
TestPki makeTestPki(std::string_view seed, const TestPkiOptions& options = {});

}  // namespace lgw::ofd
