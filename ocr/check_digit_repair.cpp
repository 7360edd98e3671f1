#include "ocr/check_digit_repair.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "security/identity_codes.hpp"

namespace lgw::ocr {
namespace {

// Characters OCR mistakes for one another; a substitution stays inside its group.
constexpr std::array<std::string_view, 6> kConfusions = {"0ODQ", "1IL", "2Z", "5S", "8B", "6G"};

std::string_view groupOf(char c) {
    for (auto g : kConfusions)
        if (g.find(c) != std::string_view::npos) return g;
    return {};
}

bool passes(CodeKind kind, const std::string& code, std::string_view today) {
    auto v = kind == CodeKind::kCreditCode ? security::validateCreditCode(code) : security::validateIdNumber(code, today);
    return v.valid;
}

// GB 11643: 17 digits and a check digit or X. GB 32100: its alphabet (no I, O, S, V, Z), the region
// code in positions 3 to 8 digits only.
bool allowedAt(CodeKind kind, std::size_t i, char c) {
    bool digit = c >= '0' && c <= '9';
    if (kind == CodeKind::kIdNumber) return digit || (i == 17 && c == 'X');
    if (i >= 2 && i <= 7) return digit;
    return digit || (c >= 'A' && c <= 'Z' && std::string_view("IOSVZ").find(c) == std::string_view::npos);
}

std::string normalise(std::string_view read) {
    std::string out;
    for (char c : read) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace

const char* toString(FieldStatus s) {
    switch (s) {
        case FieldStatus::kOk: return "ok";
        case FieldStatus::kCorrected: return "corrected";
        case FieldStatus::kNeedsReview: return "needs_review";
    }
    return "needs_review";
}

CodeRepair repairCode(CodeKind kind, std::string_view read, std::string_view today) {
    CodeRepair r;
    r.raw = normalise(read);
    r.value = r.raw;
    if (r.raw.size() != 18) {
        r.reason = "read " + std::to_string(r.raw.size()) + " characters, a code has 18";
        return r;
    }
    if (passes(kind, r.raw, today)) {
        r.status = FieldStatus::kOk;
        return r;
    }
    // Characters that cannot stand where they are (a letter where only digits go, a letter the
    // code's alphabet excludes) must change: every combination of their in-group alternatives is
    // tried, and nothing else changes. Only when every character may stand is one other character
    // changed within its group. Changing no more than the read forces keeps chance passes rare.
    const std::string& s = r.raw;
    std::vector<std::size_t> forced;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!allowedAt(kind, i, s[i])) forced.push_back(i);
    std::set<std::string> found;
    if (!forced.empty()) {
        std::vector<std::string> partial{s};
        for (auto i : forced) {
            std::vector<std::string> next;
            for (auto& p : partial)
                for (char a : groupOf(s[i]))
                    if (a != s[i] && allowedAt(kind, i, a)) {
                        std::string c = p;
                        c[i] = a;
                        next.push_back(std::move(c));
                    }
            partial = std::move(next);
        }
        for (auto& c : partial)
            if (passes(kind, c, today)) found.insert(c);
    } else {
        for (std::size_t i = 0; i < s.size(); ++i)
            for (char a : groupOf(s[i])) {
                if (a == s[i] || !allowedAt(kind, i, a)) continue;
                std::string c = s;
                c[i] = a;
                if (passes(kind, c, today)) found.insert(c);
            }
    }
    std::vector<std::string> nearest(found.begin(), found.end());
    r.candidates = std::move(nearest);
    if (r.candidates.size() == 1) {
        r.value = r.candidates.front();
        r.status = FieldStatus::kCorrected;
        for (std::size_t i = 0; i < s.size(); ++i)
            if (r.value[i] != s[i])
                r.reason += std::string(r.reason.empty() ? "" : ", ") + "position " + std::to_string(i + 1) + ": " +
                            s[i] + " -> " + r.value[i];
        return r;
    }
    r.reason = r.candidates.empty() ? "fails its check and no usual OCR confusion repairs it"
                                    : std::to_string(r.candidates.size()) + " repairs pass the check; a person must decide";
    return r;
}

std::set<std::string> oneDropCandidates(CodeKind kind, std::string_view read, std::string_view today) {
    const std::string s = normalise(read);
    std::set<std::string> found;
    if (s.size() != 19) return found;
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::string c = s.substr(0, i) + s.substr(i + 1);
        bool allowed = true;
        for (std::size_t k = 0; k < c.size(); ++k) allowed = allowed && allowedAt(kind, k, c[k]);
        if (allowed && passes(kind, c, today)) found.insert(c);
    }
    return found;
}

}  // namespace lgw::ocr
