// Envelope encryption throughput: seal (fresh data key, AES-256-GCM, key wrap) and open for 100 KB,
// 1 MB and 10 MB documents. Prints MB/s per size and operation as "size op MB/s" lines that
// bench/crypto_bench.sh sets next to `openssl speed -evp aes-256-gcm` measured in the same run.
#include <chrono>
#include <cstdio>

#include "security/crypto.hpp"
#include "security/envelope.hpp"

using namespace lgw::security;
using Clock = std::chrono::steady_clock;

int main() {
    Keyring ring;
    ring.keys[1] = randomBytes(32);
    for (std::size_t size : {std::size_t{100 * 1024}, std::size_t{1024 * 1024}, std::size_t{10 * 1024 * 1024}}) {
        std::string doc = randomBytes(size);
        Sealed s = seal(ring, "doc", doc);
        for (int op = 0; op < 2; ++op) {
            std::size_t bytes = 0;
            auto start = Clock::now();
            while (Clock::now() - start < std::chrono::seconds(2)) {
                if (op == 0) s = seal(ring, "doc", doc);
                else if (!open(ring, "doc", s.keyVersion, s.wrappedKey, s.ciphertext)) return 1;
                bytes += size;
            }
            double secs = std::chrono::duration<double>(Clock::now() - start).count();
            std::printf("%zu %s %.1f\n", size, op == 0 ? "seal" : "open", static_cast<double>(bytes) / secs / 1e6);
        }
    }
}
