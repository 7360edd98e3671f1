// lgw-make-ofd-pki DIR [SEED]: writes the test PKI the government-platform simulator seals its OFD
// licences with (ofd/test_pki: an SM2 root, a seal maker, a signer; keys derived from SEED, by
// default the simulator's own "licence-gateway govsim"), so that a gateway or `ofd verify
// --trust-anchor DIR/root.pem` can trust what a simulator with the same seed seals.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "ofd/test_pki.hpp"

namespace {

bool write(const std::filesystem::path& p, const std::string& text, bool secret) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (secret) ::chmod(p.c_str(), 0600);
    return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: lgw-make-ofd-pki DIR [SEED]\n";
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const std::string seed = argc == 3 ? argv[2] : "licence-gateway govsim";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto pki = lgw::ofd::makeTestPki(seed);
    const bool ok = write(dir / "root.pem", pki.root.certPem, false) && write(dir / "seal-maker.pem", pki.maker.certPem, false) &&
                    write(dir / "seal-maker.key.pem", pki.maker.key.pem(), true) &&
                    write(dir / "signer.pem", pki.signer.certPem, false) && write(dir / "signer.key.pem", pki.signer.key.pem(), true);
    if (!ok) {
        std::cerr << "lgw-make-ofd-pki: cannot write into " << dir << "\n";
        return 1;
    }
    std::cout << "wrote root.pem, seal-maker.pem, seal-maker.key.pem, signer.pem, signer.key.pem to " << dir << " (seed \"" << seed
              << "\")\n";
    return 0;
}
