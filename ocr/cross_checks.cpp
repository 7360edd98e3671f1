#include "ocr/cross_checks.hpp"

#include <algorithm>
#include <regex>

#include "ocr/amounts.hpp"
#include "ocr/divisions.hpp"
#include "ocr/text_ops.hpp"
#include "ocr/vocabulary.hpp"

namespace lgw::ocr {
namespace {

// A field another field confirms needs no person, however unsure the engine was of it.
void confirmed(FieldResult& f) {
    if (f.status == FieldStatus::kNeedsReview && f.note == "low confidence") {
        f.status = FieldStatus::kOk;
        f.note.clear();
    }
}

bool checkPassed(const ScanResult& r, std::string_view name) {
    return std::any_of(r.checks.begin(), r.checks.end(), [&](const Check& c) { return c.name == name && c.result != "fail"; });
}

// The province the page's codes name: a checked ID number, a checked credit code (characters 3-8),
// or a unit number of its shape (no check character; used only where a misread is certain).
const Province* pageProvince(const ScanResult& r, bool& checked) {
    checked = true;
    if (auto it = r.fields.find("id_number"); it != r.fields.end() && checkPassed(r, "id_number_checksum"))
        return provinceOf(it->second.value);
    if (auto it = r.fields.find("credit_code"); it != r.fields.end() && checkPassed(r, "credit_code_checksum") && it->second.value.size() == 18)
        return provinceOf(std::string_view(it->second.value).substr(2));
    checked = false;
    if (auto it = r.fields.find("unit_number"); it != r.fields.end() && std::regex_match(it->second.value, unitShape()))
        return provinceOf(it->second.value);
    return nullptr;
}

void placeBeginsWithProvince(const Province& p, FieldResult& f, std::vector<Check>& checks) {
    const std::u32string v = toU32(f.value), name = toU32(p.name);
    if (v.size() <= name.size()) return;
    int differ = 0;
    for (std::size_t i = 0; i < name.size(); ++i) differ += v[i] != name[i];
    checks.push_back({"province_matches_code", differ == 0 ? "pass" : differ == 1 ? "corrected" : "skipped"});
    if (differ != 1) return;  // an address may leave its province out (武汉市武昌区…): only a misread is repaired
    f.raw = f.value;
    f.value = toU8(name + v.substr(name.size()));
    if (f.status == FieldStatus::kOk) f.status = FieldStatus::kCorrected;
    f.note = (f.note.empty() ? "" : f.note + "; ") + "begins one character from " + std::string(p.name) + ", the province its code names";
}

// A certificate number begins with its province's abbreviation: the one `p` names (the page's
// codes), or, when none does, any province's. One that is no province's abbreviation takes p's
// (corrected) or, without p, goes to a person; another province's goes to a person.
void certificateProvince(const Province* p, ScanResult& r) {
    auto cn = r.fields.find("certificate_number");
    if (cn == r.fields.end() || cn->second.value.empty()) return;
    FieldResult& f = cn->second;
    const std::u32string v = toU32(f.value);
    const std::string first = toU8(v.substr(0, 1));
    if (p && std::find(p->abbreviations.begin(), p->abbreviations.end(), first) != p->abbreviations.end()) {
        r.checks.push_back({"certificate_province", "pass"});
    } else if (isProvinceAbbreviation(first)) {
        if (!p) return;  // a province's, and no code says which
        f.status = FieldStatus::kNeedsReview;
        f.note = "begins with " + first + " but the unit number's region is " + std::string(p->name);
        r.checks.push_back({"certificate_province", "fail"});
    } else if (!p) {
        f.status = FieldStatus::kNeedsReview;
        f.note = "begins with " + first + ", no province's abbreviation";
        r.checks.push_back({"certificate_province", "fail"});
    } else {
        f.raw = f.value;
        f.value = std::string(p->abbreviations.front()) + toU8(v.substr(1));
        if (f.status == FieldStatus::kOk) f.status = FieldStatus::kCorrected;
        f.note = (f.note.empty() ? "" : f.note + "; ") + "begins with " + first + ", no province's abbreviation; the unit number's region is " +
                 std::string(p->name);
        r.checks.push_back({"certificate_province", "corrected"});
    }
}

}  // namespace

void crossCheckIdCard(ScanResult& r) {
    auto& id = r.fields["id_number"];
    // A number whose check character holds (as read or repaired) carries them, even when its
    // read was too unsure to pass unreviewed.
    if (checkPassed(r, "id_number_checksum") && id.value.size() == 18) {
        std::string born = id.value.substr(6, 4) + "-" + id.value.substr(10, 2) + "-" + id.value.substr(12, 2);
        auto& bd = r.fields["birth_date"];
        bool birthOk = bd.value == born;
        r.checks.push_back({"birth_date_matches_id", birthOk ? "pass" : "fail"});
        // On a mismatch the ID number's value is offered (its check character passed, so it is the
        // likelier one), the read kept as raw. A read that is another sex or date contradicts the
        // number: a person decides. One that is no sex or date at all (妇, a smudge) only failed to
        // read: the number gives it (corrected).
        auto offer = [](FieldResult& f, const std::string& fromId, bool contradicts) {
            f.note = (f.value.empty() ? std::string("not read") : "read as " + f.value) + "; the ID number says " + fromId;
            if (!f.value.empty()) f.raw = f.value;
            f.value = fromId;
            f.status = contradicts ? FieldStatus::kNeedsReview : FieldStatus::kCorrected;
        };
        if (!birthOk) offer(bd, born, normaliseDate(bd.value) == bd.value && !bd.value.empty());
        else confirmed(bd);
        std::string sex = (id.value[16] - '0') % 2 ? "男" : "女";
        auto& sx = r.fields["sex"];
        bool sexOk = sx.value == sex;
        r.checks.push_back({"sex_matches_id", sexOk ? "pass" : "fail"});
        if (!sexOk) offer(sx, sex, sx.value == "男" || sx.value == "女");
        else confirmed(sx);
    } else {
        r.checks.push_back({"birth_date_matches_id", "skipped"});
        r.checks.push_back({"sex_matches_id", "skipped"});
    }
}

void deriveAmounts(const DocSpec& doc, ScanResult& r) {
    for (auto& d : doc.derived) {
        auto src = r.fields.find(d.from);
        FieldResult out;
        if (src != r.fields.end()) {
            out.box = src->second.box;
            out.confidence = src->second.confidence;
            auto parsed = std::string_view(d.name) == "registered_capital_yuan" ? capitalYuan(src->second.value)
                                                                               : buildingAreaM2(src->second.value);
            if (parsed) {
                out.value = *parsed;
                out.status = src->second.status;
                if (out.status != FieldStatus::kOk) out.note = std::string("from ") + d.from + ", which a person should confirm";
            } else {
                out.note = std::string(d.from) + (src->second.value.empty() ? " was not read" : " does not parse as an amount");
            }
        } else {
            out.note = std::string(d.from) + " was not found";
        }
        r.fields[d.name] = std::move(out);
    }
}

void divisionChecks(ScanResult& r) {
    bool checked = false;
    const Province* p = pageProvince(r, checked);
    if (p)
        for (const char* field : {"address", "location"})
            if (auto it = r.fields.find(field); it != r.fields.end() && (checked || std::string_view(field) == "location"))
                placeBeginsWithProvince(*p, it->second, r.checks);
    certificateProvince(p, r);
}

void issuerMatchesAddress(ScanResult& r) {
    auto is = r.fields.find("issuer"), ad = r.fields.find("address");
    if (is == r.fields.end() || ad == r.fields.end() || is->second.value.empty() || ad->second.value.empty()) return;
    static const std::u32string kSuffix = U"市场监督管理局";
    const std::u32string issuer = toU32(is->second.value), address = toU32(ad->second.value);
    if (issuer.size() < kSuffix.size() + 2 || issuer.compare(issuer.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
        // No registration authority as read (a seal over it, a shadow): the address's city and
        // district name the one it most likely is — offered, for a person to confirm.
        std::u32string place = address;
        for (auto& p : provinces())
            if (const std::u32string name = toU32(p.name); place.compare(0, name.size(), name) == 0 && name.back() == U'省')
                place = place.substr(name.size());
        const auto city = place.find(U'市');
        const auto district = city == std::u32string::npos ? std::u32string::npos : place.find_first_of(U"区县市", city + 1);
        if (district != std::u32string::npos && district - city <= 5 && city >= 1 && city <= 4) {
            FieldResult& f = is->second;
            f.raw = f.value;
            f.value = toU8(place.substr(0, district + 1) + kSuffix);
            f.status = FieldStatus::kNeedsReview;
            f.note = "no registration authority as read (" + f.raw + "); offered from the address's city and district";
            r.checks.push_back({"issuer_matches_address", "offered"});
        }
        return;
    }
    const std::u32string place = issuer.substr(0, issuer.size() - kSuffix.size());
    std::vector<std::u32string> near;
    for (std::size_t i = 0; i + place.size() <= address.size(); ++i) {
        const std::u32string w = address.substr(i, place.size());
        const int d = editDistance(w, place, 1);
        if (d == 0) {
            r.checks.push_back({"issuer_matches_address", "pass"});
            return;
        }
        if (d == 1 && w.back() == place.back() && std::find(near.begin(), near.end(), w) == near.end()) near.push_back(w);
    }
    if (near.size() != 1) {
        r.checks.push_back({"issuer_matches_address", "skipped"});
        return;
    }
    FieldResult& f = is->second;
    f.raw = f.value;
    f.value = toU8(near.front() + kSuffix);
    const bool addressSure = ad->second.status == FieldStatus::kOk;
    f.status = addressSure ? FieldStatus::kCorrected : FieldStatus::kNeedsReview;
    f.note = "the place one character from " + toU8(near.front()) + " in the address" + (addressSure ? "" : ", which a person should confirm");
    r.checks.push_back({"issuer_matches_address", "corrected"});
}

void licenceDates(ScanResult& r) {
    auto est = r.fields.find("established_on"), to = r.fields.find("valid_to");
    if (est == r.fields.end() || to == r.fields.end() || est->second.value.empty()) return;
    const std::string range = to->second.raw.empty() ? to->second.value : to->second.raw;
    const auto zhi = range.find("至");
    if (zhi == std::string::npos) return;
    const std::string start = normaliseDate(range.substr(0, zhi));
    const bool same = start == est->second.value;
    r.checks.push_back({"established_on_starts_term", same ? "pass" : "fail"});
    if (same) {
        confirmed(est->second);
        confirmed(to->second);
    } else if (!start.empty()) {
        est->second.status = FieldStatus::kNeedsReview;  // one of the two is misread
        est->second.note = "the term (营业期限) as read starts on " + start;
    }
}

void idValidityRange(ScanResult& r) {
    auto from = r.fields.find("valid_from"), to = r.fields.find("valid_to");
    if (from == r.fields.end() || to == r.fields.end()) return;
    const std::string& f = from->second.value;
    if (normaliseDate(f) != f || f.size() != 10 || to->second.value == "长期") return;
    std::vector<std::string> candidates;
    for (int years : {5, 10, 20}) candidates.push_back(std::to_string(std::stoi(f.substr(0, 4)) + years) + f.substr(4));
    FieldResult& t = to->second;
    if (std::find(candidates.begin(), candidates.end(), t.value) != candidates.end()) {
        r.checks.push_back({"validity_range", "pass"});
        confirmed(from->second);
        confirmed(t);
        return;
    }
    // The digits as read: the date, or the end of what was read when it is no date at all (the
    // whole range, 2010.03.15-2036503 15: its second date is at its end).
    std::string read;
    if (t.value.size() == 10 && normaliseDate(t.value) == t.value) read = digitsOnly(t.value);
    else read = digitsOnly(t.raw.empty() ? t.value : t.raw);
    if (read.size() > 9) read = read.substr(read.size() - 9);
    std::vector<std::string> near;  // the candidates nearest the read, two digits away at most
    int nearest = 3;
    for (auto& c : candidates) {
        const int d = editDistance(toU32(read), toU32(digitsOnly(c)), 2);
        if (d < nearest) nearest = d, near.clear();
        if (d == nearest && d <= 2) near.push_back(c);
    }
    t.status = FieldStatus::kNeedsReview;
    if (near.size() == 1) {
        if (t.raw.empty()) t.raw = t.value;
        t.value = near.front();
        t.note = "an ID card is valid 5, 10 or 20 years to the day; the read is nearest " + near.front();
    } else {
        t.note = "an ID card is valid 5, 10 or 20 years to the day, or 长期";
    }
    r.checks.push_back({"validity_range", "fail"});
}

void checkAcrossFields(const DocSpec& doc, ScanResult& r) {
    const std::string_view type = doc.type;
    if (type == "id_card_front") crossCheckIdCard(r);
    divisionChecks(r);
    if (type == "business_licence") {
        issuerMatchesAddress(r);
        licenceDates(r);
    }
    if (type == "id_card_back") idValidityRange(r);
    deriveAmounts(doc, r);
}

}  // namespace lgw::ocr
