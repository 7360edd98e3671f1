#include "security/identity_codes.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace lgw::security {
namespace {

constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// GB 32100-2015: weight of position i (0-based) is 3^i mod 31.
constexpr std::array<int, 17> kCreditWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
// GB 11714-1997 organisation code weights.
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
// GB 11643-1999: 2^(17-i) mod 11.
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

// Province-level prefixes of GB/T 2260, plus 81/82/83 (residence permits of Hong Kong, Macao, Taiwan).
bool plausibleProvince(int p) {
    switch (p) {
        case 11: case 12: case 13: case 14: case 15:
        case 21: case 22: case 23:
        case 31: case 32: case 33: case 34: case 35: case 36: case 37:
        case 41: case 42: case 43: case 44: case 45: case 46:
        case 50: case 51: case 52: case 53: case 54:
        case 61: case 62: case 63: case 64: case 65:
        case 71: case 81: case 82: case 83:
            return true;
        default:
            return false;
    }
}

int creditValue(char c) {
    auto pos = kCreditAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

int orgValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return -1;
}

std::string normalize(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (char c : in) {
        if (c == ' ' || c == '\t' || c == '-') continue;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out;
}

std::string todayIso() {
    auto now = std::chrono::system_clock::now();
    std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}

bool isDigits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

// YYYYMMDD -> "YYYY-MM-DD" when it is a real calendar date, else "".
std::string calendarDate(std::string_view yyyymmdd) {
    if (yyyymmdd.size() != 8 || !isDigits(yyyymmdd)) return {};
    int y = std::stoi(std::string(yyyymmdd.substr(0, 4)));
    unsigned m = static_cast<unsigned>(std::stoi(std::string(yyyymmdd.substr(4, 2))));
    unsigned d = static_cast<unsigned>(std::stoi(std::string(yyyymmdd.substr(6, 2))));
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return {};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
}

CodeVerdict fail(CodeVerdict v, std::string problem, std::string reason) {
    v.valid = false;
    v.problem = std::move(problem);
    v.reason = std::move(reason);
    return v;
}

std::string quoteChar(char c) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(c));
        return buf;
    }
    return std::string("'") + c + "'";
}

}  // namespace

const char* toString(CodeKind kind) { return kind == CodeKind::kCreditCode ? "credit_code" : "id_number"; }

char creditCodeCheckChar(std::string_view first17) {
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += creditValue(first17[i]) * kCreditWeights[i];
    int c = (31 - sum % 31) % 31;
    return kCreditAlphabet[static_cast<std::size_t>(c)];
}

char organisationCodeCheckChar(std::string_view first8) {
    int sum = 0;
    for (std::size_t i = 0; i < 8; ++i) sum += orgValue(first8[i]) * kOrgWeights[i];
    int c = 11 - sum % 11;
    if (c == 10) return 'X';
    if (c == 11) return '0';
    return static_cast<char>('0' + c);
}

char idNumberCheckChar(std::string_view first17) {
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
    int c = (12 - sum % 11) % 11;
    return c == 10 ? 'X' : static_cast<char>('0' + c);
}

std::optional<char> mod37_36CheckChar(std::string_view chars) {
    constexpr int m = 36;
    int p = m;
    for (char c : chars) {
        int v = orgValue(c);
        if (v < 0) return std::nullopt;
        int s = (p + v) % m;
        if (s == 0) s = m;
        p = (s * 2) % (m + 1);
    }
    int check = (m + 1 - p) % m;
    return check < 10 ? static_cast<char>('0' + check) : static_cast<char>('A' + check - 10);
}

CodeVerdict validateCreditCode(std::string_view code) {
    CodeVerdict v;
    v.kind = CodeKind::kCreditCode;
    v.input = std::string(code);
    v.normalized = normalize(code);
    const std::string& s = v.normalized;
    if (s.size() != 18)
        return fail(v, "wrong_length",
                    "a unified social credit code has 18 characters, got " + std::to_string(s.size()));
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z')
            return fail(v, "forbidden_character",
                        "character " + std::to_string(i + 1) + " is " + quoteChar(c) +
                            ": the letters I, O, S, V and Z are never used (did you mean 1, 0, 5, U or 2?)");
        if (creditValue(c) < 0)
            return fail(v, "forbidden_character",
                        "character " + std::to_string(i + 1) + " is " + quoteChar(c) +
                            ": only digits and the letters ABCDEFGHJKLMNPQRTUWXY are allowed");
    }
    static constexpr std::string_view kAuthorities = "123456789ANY";
    if (kAuthorities.find(s[0]) == std::string_view::npos)
        return fail(v, "bad_registration_authority",
                    "character 1 (registration authority) is " + quoteChar(s[0]) + ", expected one of 1-9, A, N, Y");
    std::string_view region(s.data() + 2, 6);
    if (!isDigits(region))
        return fail(v, "bad_region", "characters 3-8 (administrative region) must be digits, got " + std::string(region));
    int province = std::stoi(std::string(region.substr(0, 2)));
    if (!plausibleProvince(province) && province != 10)
        return fail(v, "bad_region", "characters 3-4 (province) are " + std::string(region.substr(0, 2)) +
                                         ", which is no province-level region code");
    v.wellFormed = true;
    char expect = creditCodeCheckChar(s);
    v.expectedCheck = expect;
    if (s[17] != expect)
        return fail(v, "bad_check_character",
                    std::string("check character should be '") + expect + "', got '" + s[17] + "'");
    char orgExpect = organisationCodeCheckChar(std::string_view(s).substr(8, 8));
    if (s[16] != orgExpect)
        return fail(v, "bad_organisation_check",
                    std::string("the organisation code (characters 9-17) should end in '") + orgExpect + "', got '" +
                        s[16] + "'");
    v.valid = true;
    return v;
}

CodeVerdict validateIdNumber(std::string_view code, std::string_view today) {
    CodeVerdict v;
    v.kind = CodeKind::kIdNumber;
    v.input = std::string(code);
    std::string s = normalize(code);
    v.normalized = s;
    if (s.size() == 15) {
        if (!isDigits(s))
            return fail(v, "forbidden_character", "a 15-digit ID number has digits only");
        v.legacy15 = true;
        std::string first17 = s.substr(0, 6) + "19" + s.substr(6);
        s = first17 + idNumberCheckChar(first17);
        v.normalized = s;
    } else if (s.size() != 18) {
        return fail(v, "wrong_length", "a resident ID number has 18 characters (or 15 for old cards), got " +
                                           std::to_string(s.size()));
    }
    for (std::size_t i = 0; i < 17; ++i)
        if (s[i] < '0' || s[i] > '9')
            return fail(v, "forbidden_character",
                        "character " + std::to_string(i + 1) + " is " + quoteChar(s[i]) + ": the first 17 are digits");
    if (!(s[17] >= '0' && s[17] <= '9') && s[17] != 'X')
        return fail(v, "forbidden_character", "the last character is " + quoteChar(s[17]) + ": it is a digit or X");
    int province = std::stoi(s.substr(0, 2));
    if (!plausibleProvince(province))
        return fail(v, "bad_region", "characters 1-2 (province) are " + s.substr(0, 2) +
                                         ", which is no province-level region code");
    std::string birth = calendarDate(std::string_view(s).substr(6, 8));
    if (birth.empty())
        return fail(v, "bad_birth_date", "characters 7-14 (" + s.substr(6, 8) + ") are not a calendar date");
    std::string now = today.empty() ? todayIso() : std::string(today);
    if (birth > now) return fail(v, "bad_birth_date", "the birth date " + birth + " lies in the future");
    if (birth < "1800-01-01") return fail(v, "bad_birth_date", "the birth date " + birth + " is before 1800");
    v.birthDate = birth;
    v.sex = ((s[16] - '0') % 2 == 1) ? "male" : "female";
    v.wellFormed = true;
    char expect = idNumberCheckChar(s);
    v.expectedCheck = expect;
    if (s[17] != expect)
        return fail(v, "bad_check_character",
                    std::string("check character should be '") + expect + "', got '" + s[17] + "'");
    v.valid = true;
    return v;
}

CodeVerdict validateIdentityCode(std::string_view code, std::string_view today) {
    std::string s = normalize(code);
    if (s.size() == 15 && isDigits(s)) return validateIdNumber(code, today);
    if (s.size() == 18 && isDigits(std::string_view(s).substr(0, 17)) &&
        !calendarDate(std::string_view(s).substr(6, 8)).empty() && (isDigits(s.substr(17)) || s[17] == 'X'))
        return validateIdNumber(code, today);
    return validateCreditCode(code);
}

}  // namespace lgw::security
