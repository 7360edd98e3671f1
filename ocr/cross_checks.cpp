#include "ocr/cross_checks.hpp"

#include <algorithm>

namespace lgw::ocr {

void crossCheckIdCard(ScanResult& r) {
    auto& id = r.fields["id_number"];
    // A number whose check character holds (as read or repaired) carries them, even when its
    // read was too unsure to pass unreviewed.
    const bool checked = std::any_of(r.checks.begin(), r.checks.end(), [](const Check& c) {
        return c.name == "id_number_checksum" && c.result != "fail";
    });
    if (checked && id.value.size() == 18) {
        std::string born = id.value.substr(6, 4) + "-" + id.value.substr(10, 2) + "-" + id.value.substr(12, 2);
        auto& bd = r.fields["birth_date"];
        bool birthOk = bd.value == born;
        r.checks.push_back({"birth_date_matches_id", birthOk ? "pass" : "fail"});
        // On a mismatch the ID number's value is offered (its check character passed, so it is
        // the likelier one), the read kept as raw, and a person still confirms it.
        auto offer = [](FieldResult& f, const std::string& fromId) {
            f.note = (f.value.empty() ? std::string("not read") : "read as " + f.value) + "; the ID number says " + fromId;
            if (!f.value.empty()) f.raw = f.value;
            f.value = fromId;
            f.status = FieldStatus::kNeedsReview;
        };
        if (!birthOk) offer(bd, born);
        std::string sex = (id.value[16] - '0') % 2 ? "男" : "女";
        auto& sx = r.fields["sex"];
        bool sexOk = sx.value == sex;
        r.checks.push_back({"sex_matches_id", sexOk ? "pass" : "fail"});
        if (!sexOk) offer(sx, sex);
    } else {
        r.checks.push_back({"birth_date_matches_id", "skipped"});
        r.checks.push_back({"sex_matches_id", "skipped"});
    }
}

}  // namespace lgw::ocr
