// Envelope encryption throughput: seal (fresh data key, AES-256-GCM, key wrap) and open for 100 KB,
// 1 MB and 10 MB documents. Prints MB/s per size and operation as "size op MB/s" lines that
// bench/crypto_bench.sh sets next to `openssl speed -evp aes-256-gcm` measured in the same run.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "gateway/app/malloc_tuning.hpp"
#include "security/crypto.hpp"
#include "security/envelope.hpp"

using namespace lgw::security;
using Clock = std::chrono::steady_clock;

// Usage: lgw-crypto-bench [SIZE [SECONDS]]; without arguments 100 KB, 1 MB and 10 MB for 2 s each.
int main(int argc, char** argv) {
    lgw::gateway::tuneAllocatorForDocuments();  // as the gateway's main does
    Keyring ring;
    ring.keys[1] = randomBytes(32);
    std::vector<std::size_t> sizes = {100 * 1024, 1024 * 1024, 10 * 1024 * 1024};
    double seconds = 2;
    if (argc > 1) sizes = {static_cast<std::size_t>(std::atoll(argv[1]))};
    if (argc > 2) seconds = std::atof(argv[2]);
    for (std::size_t size : sizes) {
        std::string doc = randomBytes(size);
        Sealed s = seal(ring, "doc", doc);
        for (int op = 0; op < 2; ++op) {
            std::size_t bytes = 0;
            auto start = Clock::now();
            while (Clock::now() - start < std::chrono::duration<double>(seconds)) {
                if (op == 0) s = seal(ring, "doc", doc);
                else if (!open(ring, "doc", s.keyVersion, s.wrappedKey, s.ciphertext)) return 1;
                bytes += size;
            }
            double secs = std::chrono::duration<double>(Clock::now() - start).count();
            std::printf("%zu %s %.1f\n", size, op == 0 ? "seal" : "open", static_cast<double>(bytes) / secs / 1e6);
        }
    }
}
