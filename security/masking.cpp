#include "security/masking.hpp"

#include <algorithm>
#include <cctype>

#include "security/crypto.hpp"

namespace lgw::security {

namespace {

// The byte length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
std::size_t sequenceLength(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

}  // namespace

std::string maskPhone(std::string_view phone) {
    if (phone.size() < 7) return "****";
    return std::string(phone.substr(0, 3)) + std::string(std::max<std::size_t>(4, phone.size() - 7), '*') +
           std::string(phone.substr(phone.size() - 4));
}

std::string maskIdentityCode(std::string_view code) {
    if (code.size() < 9) return "****";
    return std::string(code.substr(0, 4)) + std::string(code.size() - 8, '*') + std::string(code.substr(code.size() - 4));
}

std::string maskName(std::string_view name) {
    if (name.empty()) return "";
    std::size_t first = std::min(name.size(), sequenceLength(static_cast<unsigned char>(name[0])));
    std::size_t rest = 0;
    for (std::size_t i = first; i < name.size(); i += sequenceLength(static_cast<unsigned char>(name[i]))) ++rest;
    return std::string(name.substr(0, first)) + std::string(std::min<std::size_t>(std::max<std::size_t>(rest, 1), 8), '*');
}

std::string maskValue(std::string_view value) {
    std::size_t alnum = std::count_if(value.begin(), value.end(), [](unsigned char c) { return std::isalnum(c); });
    bool allDigits = !value.empty() && alnum == value.size() &&
                     std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); });
    if (allDigits && value.size() == 11) return maskPhone(value);
    if (alnum >= 15 && alnum == value.size()) return maskIdentityCode(value);
    return maskName(value);
}

std::string subjectReference(std::string_view key, std::string_view code) {
    std::string normal;
    for (unsigned char c : code)
        if (c != ' ' && c != '-') normal.push_back(static_cast<char>(std::toupper(c)));
    return "h:" + toHex(hmacSha256(key, normal)).substr(0, 24);
}

}  // namespace lgw::security
