#include "ofd/text.hpp"

#include "ofd/impl/xml.hpp"

namespace lgw::ofd {

namespace {

using impl::localName;

bool load(const OfdPackage& pkg, const std::string& path, pugi::xml_document& doc) { return impl::loadXml(pkg, path, doc).empty(); }

// Every element named `name` under `node`, at any depth.
template <class F>
void each(pugi::xml_node node, std::string_view name, F&& f) {
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        if (localName(c.name()) == name) f(c);
        each(c, name, f);
    }
}

void appendText(const OfdPackage& pkg, const std::string& path, std::string& out) {
    pugi::xml_document doc;
    if (!load(pkg, path, doc)) return;
    each(doc, "TextCode", [&](pugi::xml_node t) {
        out += t.child_value();
        out += '\n';
    });
}

}  // namespace

DocumentText documentText(const OfdPackage& pkg) {
    DocumentText text;
    pugi::xml_document ofd;
    if (!load(pkg, "OFD.xml", ofd)) return text;
    each(ofd, "DocRoot", [&](pugi::xml_node rootLoc) {
        auto docPath = OfdPackage::resolve("OFD.xml", rootLoc.child_value());
        pugi::xml_document doc;
        if (!docPath || !load(pkg, *docPath, doc)) return;
        each(doc, "Page", [&](pugi::xml_node page) {
            if (auto p = OfdPackage::resolve(*docPath, page.attribute("BaseLoc").value())) appendText(pkg, *p, text.pages);
        });
        each(doc, "Annotations", [&](pugi::xml_node annotsLoc) {
            auto listPath = OfdPackage::resolve(*docPath, annotsLoc.child_value());
            pugi::xml_document list;
            if (!listPath || !load(pkg, *listPath, list)) return;
            each(list, "FileLoc", [&](pugi::xml_node loc) {
                if (auto p = OfdPackage::resolve(*listPath, loc.child_value())) appendText(pkg, *p, text.annotations);
            });
        });
    });
    return text;
}

}  // namespace lgw::ofd
