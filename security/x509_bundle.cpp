#include "security/x509_bundle.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace lgw::security {

std::optional<std::vector<X509Ptr>> readPemCertificates(std::string_view pem, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<std::vector<X509Ptr>> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if (!bio) return fail("out of memory");
    std::vector<X509Ptr> certs;
    ERR_clear_error();
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(c);
    const unsigned long last = ERR_peek_last_error();
    // The loop ends with "no start line" at the end of the bundle; anything else is a broken one.
    if (last && !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE))
        return fail("a certificate in the bundle does not parse: " + opensslErrors());
    ERR_clear_error();
    if (certs.empty()) return fail("no PEM certificate in it");
    return certs;
}

std::string opensslErrors() {
    std::string out;
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        const char* reason = ERR_reason_error_string(e);
        std::string one = reason ? reason : "error " + std::to_string(ERR_GET_REASON(e));
        if (data && (flags & ERR_TXT_STRING) && *data) one += std::string(" (") + data + ")";
        out += (out.empty() ? "" : "; ") + one;
    }
    return out.empty() ? "no detail from OpenSSL" : out;
}

}  // namespace lgw::security
