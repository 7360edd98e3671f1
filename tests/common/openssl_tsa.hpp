#pragma once
// A time-stamping authority that is not ours: OpenSSL's own `openssl ts -reply` (RFC 3161), with
// a throwaway PKI made by the `openssl` command line in a directory of the test's — a root CA and
// a TSA certificate (P-256, extendedKeyUsage critical timeStamping; Debian's OpenSSL cannot sign
// time-stamps with SM2), and a rogue TSA whose certificate chains to a CA nobody trusts.
// `reply` answers a DER TimeStampReq with the DER TimeStampResp that `openssl ts` makes.
// Serialised: `openssl ts` keeps its serial number in a file.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>

#include "tests/common/files.hpp"

namespace lgw::testing {

class OpensslTsaPki {
public:
    explicit OpensslTsaPki(std::filesystem::path dir) : dir_(std::move(dir)) {
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "ext.cnf") << "[tsa_ext]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                           "extendedKeyUsage=critical,timeStamping\n";
        makeTsa("ca", "tsa", "Test TSA");
        makeTsa("rogue-ca", "rogue", "Rogue TSA");
    }

    const std::filesystem::path& dir() const { return dir_; }
    std::string caFile() const { return (dir_ / "ca.pem").string(); }
    std::string caPem() const { return readFile(dir_ / "ca.pem"); }
    std::string rogueCaPem() const { return readFile(dir_ / "rogue-ca.pem"); }

    /// The TimeStampResp of `openssl ts -reply` to `queryDer`, signed by the trusted TSA or, with
    /// `rogue`, by the one whose CA is not trusted. Throws when openssl fails.
    std::string reply(const std::string& queryDer, bool rogue = false) {
        std::lock_guard lock(mutex_);
        const auto query = dir_ / "query.tsq", response = dir_ / "response.tsr";
        std::ofstream(query, std::ios::binary) << queryDer;
        std::filesystem::remove(response);
        run("openssl ts -reply -config " + q(dir_ / (rogue ? "rogue.cnf" : "tsa.cnf")) + " -queryfile " + q(query) +
            " -out " + q(response));
        return readFile(response);
    }

    /// `openssl ts -verify` of a kept token (DER) over `data`, against the trusted CA: true when
    /// OpenSSL's own command says "Verification: OK".
    bool opensslVerifies(const std::string& tokenDer, const std::string& data) {
        std::lock_guard lock(mutex_);
        const auto token = dir_ / "token.der", in = dir_ / "data.bin", out = dir_ / "verify.txt";
        std::ofstream(token, std::ios::binary) << tokenDer;
        std::ofstream(in, std::ios::binary) << data;
        const int rc = std::system(("openssl ts -verify -token_in -in " + q(token) + " -data " + q(in) + " -CAfile " +
                                    q(dir_ / "ca.pem") + " > " + q(out) + " 2>&1")
                                       .c_str());
        return rc == 0 && readFile(out).find("Verification: OK") != std::string::npos;
    }

private:
    static std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
    static void run(const std::string& command) {
        if (std::system((command + " > /dev/null 2>&1").c_str()) != 0)
            throw std::runtime_error("failed: " + command);
    }
    void makeTsa(const std::string& ca, const std::string& tsa, const std::string& name) {
        const auto d = [this](const std::string& f) { return q(dir_ / f); };
        run("openssl ecparam -name prime256v1 -genkey -noout -out " + d(ca + ".key"));
        run("openssl req -new -x509 -key " + d(ca + ".key") + " -out " + d(ca + ".pem") + " -days 3650 -subj '/CN=" +
            name + " Root' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        run("openssl ecparam -name prime256v1 -genkey -noout -out " + d(tsa + ".key"));
        run("openssl req -new -key " + d(tsa + ".key") + " -out " + d(tsa + ".csr") + " -subj '/CN=" + name + "'");
        run("openssl x509 -req -in " + d(tsa + ".csr") + " -CA " + d(ca + ".pem") + " -CAkey " + d(ca + ".key") +
            " -set_serial 2 -out " + d(tsa + ".pem") + " -days 3650 -extfile " + d("ext.cnf") + " -extensions tsa_ext");
        std::ofstream(dir_ / (tsa + ".serial")) << "01\n";
        std::ofstream(dir_ / (tsa + ".cnf")) << "[ tsa ]\ndefault_tsa = tsa_config1\n[ tsa_config1 ]\n"
                                              << "serial = " << (dir_ / (tsa + ".serial")).string() << "\n"
                                              << "crypto_device = builtin\n"
                                              << "signer_cert = " << (dir_ / (tsa + ".pem")).string() << "\n"
                                              << "certs = " << (dir_ / (ca + ".pem")).string() << "\n"
                                              << "signer_key = " << (dir_ / (tsa + ".key")).string() << "\n"
                                              << "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\n"
                                              << "other_policies = 1.2.3.4.5\ndigests = sha256, sha384, sha512\n"
                                              << "accuracy = secs:1\nordering = yes\ntsa_name = yes\n"
                                              << "ess_cert_id_chain = no\ness_cert_id_alg = sha256\n";
    }

    std::filesystem::path dir_;
    std::mutex mutex_;
};

}  // namespace lgw::testing
