#pragma once
// SMS verification codes: six digits from the CSPRNG, kept only as an HMAC bound to the consent.
#include <string>
#include <string_view>

namespace lgw::security {

/// Six decimal digits, uniformly distributed (rejection sampling over RAND_bytes).
std::string generateSmsCode();

/// HMAC-SHA256(secret, consentId ":" code): what the store keeps instead of the code.
std::string smsCodeHmac(std::string_view secret, std::string_view consentId, std::string_view code);

/// True for exactly six ASCII digits.
bool looksLikeSmsCode(std::string_view code);

}  // namespace lgw::security
