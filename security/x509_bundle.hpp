#pragma once
// X.509 certificates of a PEM bundle (a CA file, trust anchors) and OpenSSL's error queue as text:
// what the TSA trust (rfc3161) and the OFD seal trust (ofd/verify) both read.
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lgw::security {

struct X509Free {
    void operator()(X509* c) const { X509_free(c); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

/// Every certificate of a PEM bundle; nullopt with `error` set when there is none or one does not
/// parse.
std::optional<std::vector<X509Ptr>> readPemCertificates(std::string_view pem, std::string* error);

/// What OpenSSL's error queue says about the last failure, emptied.
std::string opensslErrors();

}  // namespace lgw::security
