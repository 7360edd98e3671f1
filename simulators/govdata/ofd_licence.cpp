#include "simulators/govdata/ofd_licence.hpp"

#include <vector>

#include "text/markup.hpp"

namespace lgw::adapters::govdata {

namespace {

constexpr const char* kHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr const char* kNs = "xmlns:ofd=\"http://www.ofdspec.org/2016\"";

// A layer of text lines, each a TextObject in font 1 at (x, y) mm.
std::string textObjects(const std::vector<std::pair<double, std::string>>& lines, int& nextId, double x, double size) {
    std::string out;
    for (const auto& [y, text] : lines) {
        out += "<ofd:TextObject ID=\"" + std::to_string(nextId++) + "\" Boundary=\"" + std::to_string(x) + " " +
               std::to_string(y) + " 260 " + std::to_string(size * 1.4) + "\" Font=\"1\" Size=\"" + std::to_string(size) +
               "\"><ofd:TextCode X=\"0\" Y=\"" + std::to_string(size) + "\">" + text::escapeMarkup(text) + "</ofd:TextCode></ofd:TextObject>";
    }
    return out;
}

}  // namespace

std::string ofdLicenceFile(const security::ELicence& l, const std::map<std::string, std::string>& labels,
                           const ofd::SealSpec& seal, const OfdFaults& faults) {
    const bool person = l.holderCodeType == "ID";
    std::vector<std::pair<double, std::string>> lines;
    double y = 40;
    auto line = [&](const std::string& text) {
        lines.emplace_back(y, text);
        y += 9;
    };
    line(std::string(person ? "公民身份号码：" : "统一社会信用代码：") + l.holderCode);
    line(std::string(person ? "姓名：" : "名称：") + l.holder);
    line("证照编号：" + l.number);
    for (const auto& [key, value] : l.data)
        if (auto it = labels.find(key); it != labels.end()) line(it->second + "：" + value);
    line("有效期限：" + l.validFrom + " 至 " + l.validTo.value_or("长期"));
    line("发证机关：" + l.issuer);
    line("仿真数据 · 非真实证照");
    int id = 10;
    const std::string title = textObjects({{15, l.name}}, id, 110, 10);
    const std::string body = textObjects(lines, id, 20, 4.5);
    const std::string annot = textObjects({{170, "加注：本件仅用于" + l.annotationPurpose},
                                           {176, "使用单位：" + l.annotationRequester},
                                           {182, "有效期至：" + l.annotationExpiresAt}},
                                          id, 20, 3.5);

    ofd::OfdFiles files;
    files["OFD.xml"] = std::string(kHead) + "<ofd:OFD " + kNs +
                       " Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>" + text::escapeMarkup(l.identifier) +
                       "</ofd:DocID><ofd:Title>" + text::escapeMarkup(l.name) +
                       "</ofd:Title><ofd:Creator>licence-gateway govsim</ofd:Creator></ofd:DocInfo>"
                       "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
    files["Doc_0/Document.xml"] = std::string(kHead) + "<ofd:Document " + kNs +
                                  "><ofd:CommonData><ofd:MaxUnitID>" + std::to_string(id) +
                                  "</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 297 210</ofd:PhysicalBox></ofd:PageArea>"
                                  "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
                                  "<ofd:Page ID=\"2\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages>"
                                  "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations></ofd:Document>";
    files["Doc_0/PublicRes.xml"] = std::string(kHead) + "<ofd:Res " + kNs +
                                   " BaseLoc=\"Res\"><ofd:Fonts><ofd:Font ID=\"1\" FontName=\"宋体\" FamilyName=\"宋体\"/></ofd:Fonts></ofd:Res>";
    files["Doc_0/Pages/Page_0/Content.xml"] = std::string(kHead) + "<ofd:Page " + kNs +
                                              "><ofd:Content><ofd:Layer ID=\"3\">" + title + body +
                                              "</ofd:Layer></ofd:Content></ofd:Page>";
    files["Doc_0/Annots/Annotations.xml"] = std::string(kHead) + "<ofd:Annotations " + kNs +
                                            "><ofd:Page PageID=\"2\"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page>"
                                            "</ofd:Annotations>";
    files["Doc_0/Annots/Page_0/Annotation.xml"] = std::string(kHead) + "<ofd:PageAnnot " + kNs +
                                                  "><ofd:Annot ID=\"4\" Type=\"Watermark\" Creator=\"licence-gateway govsim\">"
                                                  "<ofd:Appearance Boundary=\"0 0 297 210\">" + annot +
                                                  "</ofd:Appearance></ofd:Annot></ofd:PageAnnot>";
    ofd::sealPackage(files, seal);

    if (faults.tamperedPage) {
        auto& page = files.at("Doc_0/Pages/Page_0/Content.xml");
        const auto at = page.find(text::escapeMarkup(l.holder));
        if (at != std::string::npos) page.replace(at, text::escapeMarkup(l.holder).size(), "篡改后的名称");
    }
    if (faults.brokenSeal) {
        auto& value = files.at("Doc_0/Signs/Sign_0/SignedValue.dat");
        value[value.size() - 3] = static_cast<char>(value[value.size() - 3] ^ 0x01);
    }
    if (faults.uncoveredFile) files["Doc_0/Pages/Page_1/Content.xml"] = std::string(kHead) + "<ofd:Page " + kNs + "/>";
    return ofd::zipPackage(files);
}

}  // namespace lgw::adapters::govdata
