#include "ocr/field_rules.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <regex>
#include <set>

#include "ocr/amounts.hpp"
#include "ocr/impl/trace.hpp"
#include "ocr/text_ops.hpp"
#include "ocr/vocabulary.hpp"

namespace lgw::ocr {
namespace {

Box padded(const PageImage& image, const Box& b) {
    Box region{std::max(0, b.x - 6), std::max(0, b.y - 6), b.w + 12, b.h + 12};
    region.w = std::min(region.w, image.width - region.x);
    region.h = std::min(region.h, image.height - region.y);
    return region;
}

// What a unit number (GB/T 37346) is read again with: its letters and digits.
constexpr const char* kUnitNumberCharacters = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// `otherWay`: binarised the other way than the page was.
LineRead readAgain(const FieldContext& ctx, const Box& region, const std::string& whitelist, bool otherWay = false) {
    const int method = otherWay ? (ctx.image.thresholding == 2 ? 0 : 2) : ctx.image.thresholding;
    LineRead got = ctx.engine.readLine(ctx.image.pix, ctx.image.dpi, region, whitelist, method);
    impl::trace("field reread @%d,%d %dx%d%s%s: %s (%.0f)\n", region.x, region.y, region.w, region.h, whitelist.empty() ? "" : " restricted",
                otherWay ? " binarised the other way" : "", got.text.c_str(), got.confidence);
    return got;
}

// Both reads one character too long: when dropping one character passes the check in exactly one
// way common to both, that is the code.
CodeRepair dropOneCommonToBoth(CodeKind ck, const std::string& strict, const CodeRepair& fromFree, const std::string& free,
                               std::string_view today) {
    auto a = oneDropCandidates(ck, strict, today), b = oneDropCandidates(ck, free, today);
    std::vector<std::string> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    CodeRepair dropped;
    if (both.size() != 1) return dropped;
    dropped.value = both.front();
    dropped.raw = fromFree.raw;
    dropped.status = FieldStatus::kCorrected;
    dropped.reason = "both reads hold one character too many; dropping it passes the check the same way in both";
    return dropped;
}

// A credit code or ID number: read again restricted to its characters, both reads repaired by the
// check character, the better kept.
void codeField(const FieldContext& ctx, const FieldSpec& spec, const RawField& f, FieldResult& fr, std::vector<Check>& checks) {
    const CodeKind ck = spec.kind == Kind::kCreditCode ? CodeKind::kCreditCode : CodeKind::kIdNumber;
    const std::string whitelist = ck == CodeKind::kIdNumber ? "0123456789X" : "0123456789ABCDEFGHJKLMNPQRTUWXY";
    CodeRepair fromFree = repairCode(ck, f.text, ctx.today);
    // A whole line holds its label too: restricted to code characters, that reads as noise. A sure
    // read whose check character holds needs no second read: the check is the confirmation.
    const bool sure = fromFree.status == FieldStatus::kOk && f.confidence / 100.0f >= ctx.reviewBelow;
    LineRead strict = f.wholeLine || sure ? LineRead{} : readAgain(ctx, padded(ctx.image, f.box), whitelist);
    CodeRepair fromStrict = repairCode(ck, strict.text, ctx.today);
    const CodeRepair* pick = f.wholeLine || sure ? &fromFree : &fromStrict;
    if (fromStrict.status != FieldStatus::kOk && fromFree.status == FieldStatus::kOk) pick = &fromFree;
    else if (fromStrict.status == FieldStatus::kNeedsReview && fromFree.status == FieldStatus::kCorrected)
        pick = &fromFree;
    CodeRepair dropped;
    if (pick->status == FieldStatus::kNeedsReview && !f.wholeLine) {
        dropped = dropOneCommonToBoth(ck, strict.text, fromFree, f.text, ctx.today);
        if (dropped.status == FieldStatus::kCorrected) pick = &dropped;
    }
    fr.value = pick->value;
    fr.status = pick->status;
    fr.note = pick->reason;
    if (pick->status == FieldStatus::kCorrected) fr.raw = pick->raw;
    if (pick == &fromStrict) fr.confidence = std::max(fr.confidence, strict.confidence / 100.0f);
    if (pick->status == FieldStatus::kCorrected) fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    checks.push_back({ck == CodeKind::kIdNumber ? "id_number_checksum" : "credit_code_checksum",
                      pick->status == FieldStatus::kOk          ? "pass"
                      : pick->status == FieldStatus::kCorrected ? "corrected"
                                                                : "fail"});
}

// A date: read again as one line of date characters, the unrestricted read kept if that fails.
// The field's date in a read: a range's start for valid_from, its end for a valid_to (or 长期),
// normalised; "" when none.
std::string dateOf(const FieldSpec& spec, std::string text) {
    // "2016.01.01-2036.01.01": from before the dash, to after it.
    auto dash = text.find_first_of("-~至");
    if (std::string_view(spec.name) == "valid_from" && dash != std::string::npos) text = text.substr(0, dash);
    if (spec.kind == Kind::kValidTo) {
        auto cut = text.find_last_of("-~");
        if (text.find("长期") == std::string::npos && cut != std::string::npos && cut > 4)
            text = text.substr(cut + 1);
        else if (auto zhi = text.find("至"); zhi != std::string::npos)
            text = text.substr(zhi + 3);
    }
    return normaliseDate(text);
}

void dateField(const FieldContext& ctx, const FieldSpec& spec, const RawField& f, FieldResult& fr) {
    std::string text = f.text;
    // (Not a whole line found by its shape: its label would read as noise.) A sure read that is a
    // date needs no second read: every date on these documents is checked against another field
    // (the ID number's birth date, the licence's term, the ID card's validity; cross_checks).
    const bool sure = !dateOf(spec, f.text).empty() && f.confidence / 100.0f >= ctx.reviewBelow;
    LineRead strict = f.wholeLine || sure ? LineRead{} : readAgain(ctx, padded(ctx.image, f.box), "0123456789.-年月日至长期");
    auto strictDates = strict.text;
    if (!normaliseDate(strictDates).empty() && strict.confidence / 100.0f > fr.confidence) {
        text = strictDates;
        fr.confidence = strict.confidence / 100.0f;
    }
    std::string d = dateOf(spec, text);
    // The two reads, one restricted to date characters, giving the same date agree: however unsure
    // either was, a person is not needed for it.
    if (!d.empty() && dateOf(spec, strict.text) == d && dateOf(spec, f.text) == d) fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    if (d.empty()) {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "not a date";
    } else if (d != f.text) {
        fr.raw = f.text;
    }
    fr.value = d.empty() ? f.text : d;
}

void sexField(const RawField& f, FieldResult& fr) {
    if (f.text.find("男") != std::string::npos) fr.value = "男";
    else if (f.text.find("女") != std::string::npos) fr.value = "女";
    else {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "neither 男 nor 女";
    }
}

// 不动产单元号 (GB/T 37346): 6 digits of region, 6 of cadastral zone, 2 letters of land kind, 5 digits
// of parcel, F/L/Q/W and 8 digits of the unit. A read of that shape stands; otherwise a read
// restricted to letters and digits may supply it.
void unitNumberField(const FieldContext& ctx, const RawField& f, FieldResult& fr) {
    if (std::regex_match(comparable(f.text), unitShape())) return;
    LineRead again = readAgain(ctx, padded(ctx.image, f.box), kUnitNumberCharacters);
    std::string second = comparable(cleanValue(again.text));
    if (std::regex_match(second, unitShape())) {
        fr.raw = f.text;
        fr.value = second;
        fr.status = FieldStatus::kCorrected;
        fr.note = "format of GB/T 37346 restored by a letters-and-digits read";
    } else {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "not the 28-character unit number of GB/T 37346";
    }
}

// Free text has no check character: a one-row value is read again on its own (single-line
// segmentation, the region alone) and flagged when the two reads disagree, so that a confident
// misread (140 for 14栋) goes to a person instead of passing as ok. When they differ, a third read
// of the region binarised the other way settles it for the page read when it agrees with that one
// (two of three, differently segmented and binarised); else the read Tesseract is surer of is
// offered (the region read alone is right more often than the page read, and less often sure).
// Returns the second read.
std::string secondRead(const FieldContext& ctx, const RawField& f, FieldResult& fr) {
    std::vector<Box> rows = f.rows == 1 ? std::vector<Box>{f.box} : f.rowBoxes;
    // A character or two the page read dropped at the value's end (blurred, faint) is still on the
    // page: the last row is read a little further right.
    if (!rows.empty()) rows.back().w = std::min(rows.back().w + rows.back().h * 3 / 2, ctx.image.width - rows.back().x);
    auto regionRead = [&](bool otherWay, float& confidence) {
        std::string text;
        confidence = 0;
        for (auto& row : rows) {
            LineRead again = readAgain(ctx, padded(ctx.image, row), "", otherWay);
            text += again.text;
            confidence += again.confidence / 100.0f / static_cast<float>(rows.size());
        }
        return cleanValue(text);
    };
    float secondConfidence = 0;
    const std::string second = regionRead(false, secondConfidence);
    if (comparable(second) != comparable(f.text)) {
        float thirdConfidence = 0;
        const std::string third = regionRead(true, thirdConfidence);
        if (!third.empty() && comparable(third) == comparable(f.text)) {
            fr.confidence = std::max(fr.confidence, thirdConfidence);
            return second;  // the page read stands, two of three
        }
        // (The two region reads agreeing against the page read proves little: they share the
        // segmentation, and on the development sets passed four times as many wrong values as ok.)
        fr.status = FieldStatus::kNeedsReview;
        if (!second.empty() && secondConfidence > fr.confidence) {
            fr.note = "a second read differs: " + fr.value;
            fr.value = second;
            fr.confidence = secondConfidence;
        } else {
            fr.note = "a second read differs: " + second;
        }
    }
    return second;
}

// 民族 is one of the 56 ethnic groups: of two differing reads, the one that is a group; a read that
// is none of them is read again with their characters only, and a group read that way is offered.
void ethnicityRule(const FieldContext& ctx, const RawField& f, const std::string& second, FieldResult& fr) {
    // Two reads that differ where exactly one is a group: the 56 groups confirm that one — if it has
    // two characters or more, or the other read is nothing (one character is too easily another
    // one-character group misread).
    const std::string a = comparable(f.text), b = comparable(second);
    const std::string group = isEthnicGroup(a) ? a : b, other = isEthnicGroup(a) ? b : a;
    if (fr.status == FieldStatus::kNeedsReview && isEthnicGroup(a) != isEthnicGroup(b) && (toU32(group).size() >= 2 || other.empty())) {
        fr.raw = fr.value;
        fr.value = group;
        fr.status = FieldStatus::kOk;
        fr.note.clear();
        return;
    }
    if (isEthnicGroup(fr.value)) return;
    static const std::string kChars = [] {
        std::set<char32_t> cs;
        for (auto& g : ethnicGroups())
            for (char32_t c : toU32(g)) cs.insert(c);
        return toU8(std::u32string(cs.begin(), cs.end()));
    }();
    const std::string again = comparable(cleanValue(readAgain(ctx, padded(ctx.image, f.box), kChars).text));
    if (isEthnicGroup(again)) {
        fr.raw = fr.value;
        fr.value = again;
        fr.status = FieldStatus::kCorrected;
        fr.note = "none of the 56 ethnic groups as read; read again with their characters only";
        fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    } else if (const std::string near = nearestEthnicGroup(fr.value); !near.empty()) {
        fr.raw = fr.value;
        fr.value = near;
        fr.status = FieldStatus::kCorrected;
        fr.note = "none of the 56 ethnic groups as read; one character from " + near;
        fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    } else {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "none of the 56 ethnic groups";
    }
}

// 类型 is one of the registered enterprise types: when both reads come nearest to the same one,
// that is the value (corrected unless both read it exactly).
void companyTypeRule(const FieldContext& ctx, const RawField& f, const std::string& second, FieldResult& fr) {
    const std::string a = registeredEnterpriseType(f.text), b = registeredEnterpriseType(second);
    if (!a.empty() && (a == b || b.empty())) {
        if (comparable(f.text) != comparable(a) || comparable(second) != comparable(a)) {
            fr.raw = f.text;
            fr.value = a;
            fr.status = b.empty() ? FieldStatus::kNeedsReview : FieldStatus::kCorrected;
            fr.note = b.empty() ? "the nearest registered enterprise type to one of two reads"
                                : "the nearest registered enterprise type to both reads";
            if (!b.empty()) fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
        }
    } else if (a.empty() && !b.empty()) {
        fr.raw = f.text;
        fr.value = b;
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "the nearest registered enterprise type to one of two reads";
    }
}

// 注册资本 has a grammar (amounts.hpp). Reads that parse and agree stand. Otherwise the value is read
// again restricted to the grammar's characters: that read, when it parses, is the value if it
// agrees with one of the two free reads (ok), or if one of them is a single character from it and
// no other capital is (corrected, the free read kept as raw); else it is offered for review.
void capitalRule(const FieldContext& ctx, const RawField& f, const std::string& second, FieldResult& fr) {
    if (fr.status == FieldStatus::kOk && capitalYuan(fr.value)) return;  // the two reads agreed, and it parses
    const std::string grammar = comparable(cleanValue(readAgain(ctx, padded(ctx.image, f.box), capitalCharacters()).text));
    if (!capitalYuan(grammar)) {
        if (capitalYuan(fr.value)) return;
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "not a registered capital as read (" + fr.value + ")";
        // Financial numerals OCR reads as look-alikes (参 for 叁, 什 for 仟): offered, never passed.
        for (const std::string* read : {&f.text, &second, &grammar})
            if (const std::string offer = capitalLookAlikes(*read); !offer.empty()) {
                fr.raw = fr.value;
                fr.value = offer;
                fr.note = "read as " + *read + "; with the financial numerals its look-alikes stand for, " + offer;
                break;
            }
        return;
    }
    const std::string page = comparable(f.text), region = comparable(second);
    if (grammar == page || grammar == region) {
        if (comparable(fr.value) != grammar) fr.raw = fr.value;
        fr.value = grammar;
        fr.status = FieldStatus::kOk;
        fr.note.clear();
        fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    } else if (!capitalOneAway(page, grammar).empty() || !capitalOneAway(region, grammar).empty()) {
        fr.raw = f.text;
        fr.value = grammar;
        fr.status = FieldStatus::kCorrected;
        fr.note = "one character from the only registered capital a read within its characters gives";
        fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    } else {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "a read within the capital's characters gives " + grammar;
        if (!capitalYuan(fr.value)) {
            fr.raw = fr.value;
            fr.value = grammar;
        }
    }
}

// 登记机关 and 签发机关 follow a grammar of fixed words round the place names (vocabulary.hpp): two
// reads that agree once those words are restored agree (corrected, the first read kept as raw).
void issuerRule(const FieldContext& ctx, const RawField& f, const std::string& second, FieldResult& fr) {
    const std::string a = comparable(issuerGrammar(f.text)), b = second.empty() ? a : comparable(issuerGrammar(second));
    // The place before 市场监督管理局 or 公安局 names a city (市, 州, 盟) or a province: 济南韦历下区 lost its 市.
    for (std::string_view word : {"市场监督管理局", "公安局"})
        if (const auto at = a.find(word); at != std::string::npos && at > 0) {
            const std::string place = a.substr(0, at);
            if (place.find("市") == std::string::npos && place.find("州") == std::string::npos && place.find("盟") == std::string::npos &&
                place.find("省") == std::string::npos && place.find("自治区") == std::string::npos) {
                fr.status = FieldStatus::kNeedsReview;
                fr.note = "the place " + place + " names no city (市, 州, 盟) or province";
                return;
            }
            break;
        }
    if (a == comparable(f.text) && fr.status == FieldStatus::kOk) return;
    if (fr.status == FieldStatus::kOk || (!second.empty() && a == b)) {
        fr.raw = f.text;
        fr.value = a;
        fr.status = FieldStatus::kCorrected;
        fr.note = "the issuing authority's fixed words (市场监督管理局, 公安局…分局) restored";
        fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    }
}

// 面积: the unit OCR reads as m2 is m² again (both reads do it alike); the cell is kept whole. A
// number followed by anything but a unit of area (9723.33m for ㎡) goes to a person.
void areaRule(FieldResult& fr) {
    const std::string restored = areaUnitRestored(fr.value);
    static const std::regex number(R"((\d+(?:\.\d+)?)(平方米|㎡|m²|m2|M2)?)");
    const std::string v = comparable(restored);
    for (auto it = std::sregex_iterator(v.begin(), v.end(), number); it != std::sregex_iterator(); ++it)
        if (!(*it)[2].matched) {
            fr.status = FieldStatus::kNeedsReview;
            fr.note = "the area " + (*it)[1].str() + " has no unit of area after it";
            // Offered: the unit the form prints (㎡ in the shared-land form, m² alone), in place of
            // what was read after each number (m, mm, m:).
            static const std::regex unit(R"((\d+\.\d+)(?:m[m:;.]?|M)?(?=/|$))");
            const std::string offer = std::regex_replace(v, unit, v.find('/') != std::string::npos ? "$1㎡" : "$1m²");
            if (offer != v && buildingAreaM2(offer)) {
                fr.raw = fr.value;
                fr.value = offer;
            }
            return;
        }
    if (restored == fr.value) return;
    fr.raw = fr.value;
    fr.value = restored;
    if (fr.status == FieldStatus::kOk) {
        fr.status = FieldStatus::kCorrected;
        fr.note = "m2 read for m²";
    }
}

// 用途: its land-use class (vocabulary.hpp), a misread character of it put right.
void usageRule(const FieldContext& ctx, FieldResult& fr) {
    std::string doubt;
    const std::string checked = landUseChecked(fr.value, doubt);
    if (!doubt.empty()) {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = doubt;
    } else if (checked != fr.value) {
        fr.raw = fr.value;
        fr.value = checked;
        fr.status = FieldStatus::kCorrected;
        fr.note = "one character from the land use class " + checked.substr(0, checked.find('/'));
        fr.confidence = std::max(fr.confidence, ctx.reviewBelow);
    }
}

void textField(const FieldContext& ctx, const std::string& field, const RawField& f, FieldResult& fr) {
    if (field == "unit_number") {
        unitNumberField(ctx, f, fr);
        return;
    }
    if (f.wholeLine || !f.restored.empty() || fr.status != FieldStatus::kOk) return;
    const std::string second = secondRead(ctx, f, fr);
    if (field == "ethnicity") ethnicityRule(ctx, f, second, fr);
    if (field == "company_type") companyTypeRule(ctx, f, second, fr);
    if (field == "registered_capital") capitalRule(ctx, f, second, fr);
    if (field == "issuer") issuerRule(ctx, f, second, fr);
    if (field == "area") areaRule(fr);
    if (field == "usage") usageRule(ctx, fr);
}

// Misreads both reads share: an address whose house number follows no road, lane or village
// (测试埠 for 测试巷), and an address or issuing authority that begins with the word ending a
// place's name (市西城区…: 北京 lost at the start).
void placeDoubts(const std::string& field, FieldResult& fr) {
    if ((field != "address" && field != "location" && field != "issuer") || fr.status == FieldStatus::kNeedsReview) return;
    const std::string doubt = field == "issuer" ? placeStartDoubt(fr.value) : addressDoubt(fr.value);
    if (!doubt.empty()) {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = doubt;
    }
}

// A name is two characters at least (男 read as the name when the label's row was lost had passed
// as ok); a legal representative's — a person's — holds no digits or Latin letters. (A company's
// name, under 名称 or as a property's owner, may.)
void nameDoubt(const std::string& field, FieldResult& fr) {
    if ((field != "name" && field != "legal_representative" && field != "owner") || fr.status == FieldStatus::kNeedsReview) return;
    const std::u32string v = toU32(comparable(fr.value));
    const bool latin = field == "legal_representative" &&
                       std::any_of(v.begin(), v.end(), [](char32_t c) { return c < 0x80 && std::isalnum(static_cast<int>(c)); });
    if (v.size() >= 2 && !latin) return;
    fr.status = FieldStatus::kNeedsReview;
    fr.note = v.size() < 2 ? "a name has two characters at least" : "a name holds no digits or Latin letters";
}

// Tesseract's confidence is a threshold; what a value may be is knowledge. A value a rule confirms
// passes however unsure the engine was: a code whose check character holds, one of the 56 ethnic
// groups both reads agree on, a unit number of GB/T 37346's shape that a read restricted to its
// characters gives again. (Sex and birth date are confirmed by the ID number in cross_checks.)
bool confirmedByRule(const FieldContext& ctx, const FieldSpec& spec, const RawField& f, const FieldResult& fr) {
    if (spec.kind == Kind::kCreditCode || spec.kind == Kind::kIdNumber) return true;  // status ok: the check held
    const std::string_view field = spec.name;
    if (field == "ethnicity") return isEthnicGroup(fr.value);
    if (field == "unit_number" && std::regex_match(comparable(fr.value), unitShape()) && !f.wholeLine) {
        const LineRead again = readAgain(ctx, padded(ctx.image, f.box), kUnitNumberCharacters);
        return comparable(cleanValue(again.text)) == comparable(fr.value);
    }
    // (Unsure free text that a third read, binarised the other way, also agreed with was tried:
    // names misread alike in all three — 霞 as 起, 上官 as 士官 — passed as ok three times as often.)
    return false;
}

// No number a certificate prints is all zeros — a house, a room, an area, a year, a serial: a run
// of 0s is a face whose digits the engine cannot read (every digit read as 0), and passed as ok.
void zeroDoubt(const std::string& field, FieldResult& fr) {
    if (fr.status == FieldStatus::kNeedsReview || field == "credit_code" || field == "id_number") return;
    static const std::regex zeros(R"((^|[^0-9.])0+([^0-9.]|$))");
    if (std::regex_search(comparable(fr.value), zeros)) {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "a number of zeros alone: its digits were not read";
    }
}

}  // namespace

FieldResult finishField(const FieldContext& ctx, const FieldSpec& spec, const RawField& f, std::vector<Check>& checks) {
    const std::string field = spec.name;
    FieldResult fr;
    fr.box = f.box;
    fr.confidence = f.confidence / 100.0f;
    fr.value = f.text;
    fr.status = FieldStatus::kOk;
    if (!f.restored.empty()) {
        fr.status = FieldStatus::kCorrected;
        fr.raw = f.restoredFrom;
        fr.note = f.restored;
    }
    switch (spec.kind) {
        case Kind::kCreditCode:
        case Kind::kIdNumber: codeField(ctx, spec, f, fr, checks); break;
        case Kind::kDate:
        case Kind::kValidTo: dateField(ctx, spec, f, fr); break;
        case Kind::kSex: sexField(f, fr); break;
        default: textField(ctx, field, f, fr); break;
    }
    placeDoubts(field, fr);
    nameDoubt(field, fr);
    zeroDoubt(field, fr);
    if (field == "business_scope") {
        // Punctuation as the registration rules write it, whatever else a person is asked to check.
        if (const std::string p = businessScopePunctuation(fr.value); p != fr.value) {
            if (fr.raw.empty()) fr.raw = fr.value;
            fr.value = p;
        }
    }
    if (fr.status == FieldStatus::kOk && fr.confidence < ctx.reviewBelow && !confirmedByRule(ctx, spec, f, fr)) {
        fr.status = FieldStatus::kNeedsReview;
        fr.note = "low confidence";
    }
    return fr;
}

}  // namespace lgw::ocr
