// GET /checklists/{category} and /checklists/{category}/qr.png (../shared/API.md §6): the
// counter's material checklist, public (no key: a customer scans it off a poster), in zh-CN, built
// once from config/materials.toml at start-up, and the QR code of its public address
// (server.public_url). Nothing here touches the store or a person's data.
#include <boost/json.hpp>

#include <map>

#include "gateway/api/routes.hpp"
#include "gateway/http/conditional.hpp"
#include "gateway/http/problem.hpp"
#include "imaging/qr_code.hpp"
#include "security/crypto.hpp"
#include "text/markup.hpp"

namespace lgw::gateway {
namespace json = boost::json;

namespace {

constexpr const char* kPageCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'";
constexpr int kDefaultModulePixels = 8;

// What a customer calls each document type; a type the table does not know is shown as it is
// written in materials.toml.
std::string documentName(const std::string& type) {
    static const std::map<std::string, std::string> kNames = {
        {"business_licence", "营业执照"},       {"id_card", "居民身份证"},
        {"id_card_front", "居民身份证"},        {"id_card_back", "居民身份证"},
        {"property_certificate", "不动产权证书（房屋所有权证）"},
        {"application_form", "用电申请书"},     {"power_of_attorney", "授权委托书"},
        {"equipment_list", "用电设备清单"},     {"load_calculation", "负荷计算书"},
        {"project_approval", "项目批复文件"},
    };
    auto it = kNames.find(type);
    return it == kNames.end() ? type : it->second;
}

// How a document of this kind reaches us, in the customer's words.
std::string kindText(const config::DocumentKind& k) {
    const std::string name = documentName(k.docType);
    if (k.source == "e_licence") return name + "电子证照（经您短信验证码授权后由我们从政务数据平台调取，无需提交纸质件）";
    if (k.source == "scan") return name + "原件（窗口扫描，当场归还）";
    return name + "（电子证照或原件均可）";
}

std::string joinDays(const std::vector<int>& days) {
    std::string out;
    for (std::size_t i = 0; i < days.size(); ++i) out += (i ? "、" : "") + std::to_string(days[i]);
    return out;
}

json::object checklistJson(const config::Category& c, const std::string& url) {
    json::array materials;
    for (const auto& m : c.materials) {
        json::array kinds;
        for (const auto& k : m.satisfiedBy)
            kinds.push_back(json::object{{"source", k.source}, {"document_type", k.docType}, {"description", kindText(k)}});
        json::array remind;
        for (int d : m.remindDays) remind.push_back(d);
        materials.push_back(json::object{{"id", m.id},
                                         {"name", m.name},
                                         {"identity", m.identity},
                                         {"required", m.required},
                                         {"deferrable", m.deferrable},
                                         {"defer_days", m.deferrable ? json::value(m.deferDays) : json::value(nullptr)},
                                         {"remind_days", std::move(remind)},
                                         {"satisfied_by", std::move(kinds)}});
    }
    return {{"category", c.id}, {"name", c.name}, {"url", url}, {"materials", std::move(materials)}};
}

std::string materialHtml(const config::Material& m) {
    std::string tags;
    if (m.identity) tags += " <span class=\"tag start\">一证启动</span>";
    if (m.deferrable) tags += " <span class=\"tag later\">可容缺</span>";
    if (!m.required) tags += " <span class=\"tag\">如适用</span>";
    std::string html = "<li><h2>" + text::escapeMarkup(m.name) + tags + "</h2>\n<p>可提交以下任一：</p><ul>";
    for (const auto& k : m.satisfiedBy) html += "<li>" + text::escapeMarkup(kindText(k)) + "</li>";
    html += "</ul>\n";
    if (m.identity) html += "<p>凭此项即可受理申请，其余材料可随后补齐。</p>\n";
    if (m.deferrable) {
        html += "<p>可在受理后 " + std::to_string(m.deferDays) + " 天内补交";
        if (!m.remindDays.empty()) html += "，到期前 " + joinDays(m.remindDays) + " 天我们会短信提醒";
        html += "。</p>\n";
    }
    return html + "</li>\n";
}

std::string checklistHtml(const config::Category& c, const std::string& url) {
    std::string title = text::escapeMarkup(c.name) + "用电报装材料清单";
    std::string html =
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>" + title + "</title><style>"
        "body{font:20px/1.6 sans-serif;max-width:46em;margin:1em auto;padding:0 1em;color:#111}"
        "h1{font-size:1.6em}h2{font-size:1.15em;margin:.2em 0}ol>li{margin-bottom:1em}"
        ".tag{font-size:.75em;border:2px solid #333;border-radius:.3em;padding:0 .3em;margin-left:.3em;white-space:nowrap}"
        ".start{border-color:#05622c;color:#05622c}.later{border-color:#7a4b00;color:#7a4b00}"
        "figure{text-align:center}@media print{body{font-size:16pt}}"
        "</style></head><body>\n<h1>" + title + "</h1>\n"
        "<p>凭一项身份证明即可受理（一证启动）；标有“可容缺”的材料可在受理后按期补交。"
        "能以电子证照提交的，经您本人手机收到的短信验证码授权后，由我们从政务数据平台调取，您无需再带纸质件。</p>\n<ol>\n";
    for (const auto& m : c.materials) html += materialHtml(m);
    html += "</ol>\n<figure><img src=\"/checklists/" + text::escapeMarkup(c.id) +
            "/qr.png\" alt=\"本页二维码\" width=\"240\" height=\"240\"><figcaption>扫码查看最新材料要求：" +
            text::escapeMarkup(url) + "</figcaption></figure>\n</body></html>\n";
    return html;
}

struct Checklist {
    std::string url, html, json, qr, etag;
};

struct Ctx {
    Services* s;
    std::map<std::string, Checklist> lists;
    std::string known;  // the categories, for the 404's detail
};

const Checklist* find(const Ctx& c, const HttpRequest& req) {
    auto it = c.lists.find(req.pathParams.at("category"));
    return it == c.lists.end() ? nullptr : &it->second;
}

HttpResponse unknown(const Ctx& c, const HttpRequest& req) {
    return toResponse(makeProblem(404, "category_not_found",
                                  "there is no checklist for that customer category; it is one of " + c.known),
                      req.requestId);
}

// Public and the same for everyone until the next start: caches and the counter's screen may keep
// it five minutes.
constexpr const char* kCacheControl = "public, max-age=300";

HttpResponse cacheable(const HttpRequest& req, const Checklist& l, std::string contentType, std::string_view body) {
    return conditionalResponse(req, l.etag, kCacheControl, std::move(contentType), body);
}

asio::awaitable<HttpResponse> page(Ctx* c, HttpRequest req) {
    const Checklist* l = find(*c, req);
    if (!l) co_return unknown(*c, req);
    const std::string format = req.queryParam("format").value_or("html");
    if (format == "json") co_return cacheable(req, *l, "application/json", l->json);
    if (format != "html")
        co_return toResponse(makeProblem(400, "invalid_format", "format is html (the default) or json"), req.requestId);
    auto resp = cacheable(req, *l, "text/html; charset=utf-8", l->html);
    resp.headers.emplace_back("Content-Security-Policy", kPageCsp);
    co_return resp;
}

asio::awaitable<HttpResponse> qrCode(Ctx* c, HttpRequest req) {
    const Checklist* l = find(*c, req);
    if (!l) co_return unknown(*c, req);
    int scale = kDefaultModulePixels;
    if (auto v = req.queryParam("scale")) {
        char* end = nullptr;
        long n = std::strtol(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0' || n < 2 || n > 32)
            co_return toResponse(makeProblem(400, "invalid_scale",
                                             "scale is the size of one QR module in pixels, 2 to 32 (default 8; a "
                                             "poster printed at 300 DPI wants about 24)"),
                                 req.requestId);
        scale = static_cast<int>(n);
    }
    // A client that holds this code is answered before one is drawn.
    if (scale == kDefaultModulePixels || notModified(req, l->etag)) co_return cacheable(req, *l, "image/png", l->qr);
    std::function<std::string()> draw = [url = l->url, scale] { return imaging::qrPng(url, {scale}); };
    std::string png = co_await c->s->blocking.call(std::move(draw));
    co_return cacheable(req, *l, "image/png", png);
}

}  // namespace

void addChecklistRoutes(Router& router, Services& services, const config::Materials& materials,
                        std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();  // the config reader drops it too
    auto ctx = std::make_shared<Ctx>();
    ctx->s = &services;
    for (const auto& cat : materials.categories) {
        Checklist l;
        l.url = base + "/checklists/" + cat.id;
        l.html = checklistHtml(cat, l.url);
        l.json = json::serialize(checklistJson(cat, l.url));
        l.qr = imaging::qrPng(l.url, {kDefaultModulePixels});
        l.etag = "\"" + security::sha256Hex(l.html + l.json).substr(0, 16) + "\"";
        ctx->known += (ctx->known.empty() ? "" : ", ") + cat.id;
        ctx->lists.emplace(cat.id, std::move(l));
    }
    router.add({"GET", "/checklists/{category}", {}, 0, {}, [ctx](HttpRequest r) { return page(ctx.get(), std::move(r)); }});
    router.add({"GET", "/checklists/{category}/qr.png", {}, 0, {},
                [ctx](HttpRequest r) { return qrCode(ctx.get(), std::move(r)); }});
}

}  // namespace lgw::gateway
