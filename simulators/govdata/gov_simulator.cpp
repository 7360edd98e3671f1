#include "simulators/govdata/gov_simulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "gateway/http/embedded_server.hpp"
#include "gateway/http/logging.hpp"
#include "imaging/canvas.hpp"
#include "security/crypto.hpp"
#include "security/key_files.hpp"
#include "security/identity_codes.hpp"
#include "security/licence_verifier.hpp"
#include "security/request_signing.hpp"
#include "security/signature.hpp"
#include "ofd/test_pki.hpp"
#include "simulators/govdata/ofd_licence.hpp"

namespace lgw::adapters::govdata {

namespace asio = boost::asio;
namespace json = boost::json;
using gateway::HttpRequest;
using gateway::HttpResponse;

namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string isoDate(std::chrono::sys_days d) {
    std::chrono::year_month_day ymd{d};
    char b[32];
    std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return b;
}

// RFC 8785 as this platform needs it: its licences hold strings, null and objects only, and ASCII
// member names, so sorting by bytes is sorting by UTF-16 units. Written here, apart from the
// gateway's canonicaliser (adapters/govdata/jcs), so that the two check each other.
std::string sortedJson(const json::value& v) {
    switch (v.kind()) {
        case json::kind::object: {
            std::vector<std::string> keys;
            for (auto& kv : v.get_object()) keys.emplace_back(kv.key());
            std::sort(keys.begin(), keys.end());
            std::string out = "{";
            for (auto& k : keys) {
                if (out.size() > 1) out += ",";
                out += json::serialize(json::value(k)) + ":" + sortedJson(v.get_object().at(k));
            }
            return out + "}";
        }
        case json::kind::array: {
            std::string out = "[";
            for (auto& item : v.get_array()) out += (out.size() > 1 ? "," : "") + sortedJson(item);
            return out + "]";
        }
        default: return json::serialize(v);
    }
}

std::string rfc3339Now() {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[40];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

struct SimLicence {
    security::ELicence l;  // without file, annotation and signature: those are per request
    std::string png;       // rendered once, on first use
};

struct SimHolder {
    std::string code, codeType, name, phone;
    std::vector<SimLicence> licences;
};

const std::map<std::string, std::pair<std::string, std::string>> kTypeInfo = {
    {"business_licence", {"营业执照", "11100000000013338W"}},
    {"id_card", {"居民身份证", "11100000000013127D"}},
    {"property_certificate", {"不动产权证书", "11100000MB0143028R"}},
    {"electrical_permit", {"建设工程规划许可证", "11100000000019713D"}},
};

const std::map<std::string, std::string> kFieldLabels = {
    {"legal_representative", "法定代表人"}, {"registered_capital", "注册资本"}, {"address", "住所"},
    {"company_type", "类型"}, {"business_scope", "经营范围"}, {"established_on", "成立日期"},
    {"sex", "性别"}, {"ethnicity", "民族"}, {"birth_date", "出生"}, {"owner", "权利人"},
    {"owner_code", "证件号码"}, {"location", "坐落"}, {"unit_number", "不动产单元号"}, {"usage", "用途"},
    {"area", "面积"}, {"project", "建设项目名称"},
};

std::string makeIdentifier(const std::string& type, const std::string& issuerCode, const std::string& number, int seq) {
    std::string typeSeg = kTypeInfo.at(type).second + "011";
    std::string numSeg;
    for (char c : security::sha256Hex(number).substr(0, 11)) numSeg += static_cast<char>(std::toupper(c));
    char s[16];
    std::snprintf(s, sizeof s, "%03d", seq % 1000);
    std::string body = typeSeg + "." + issuerCode + "." + numSeg + "." + s;
    std::string flat;
    for (char c : body)
        if (c != '.') flat.push_back(c);
    return "1.2.156.3005.2." + body + "." + std::string(1, *security::mod37_36CheckChar(flat));
}

std::string renderLicence(const SimHolder& h, const security::ELicence& l) {
    static std::mutex fontMutex;
    static std::unique_ptr<imaging::Font> font;
    std::lock_guard lock(fontMutex);
    if (!font) {
        auto path = imaging::findCjkFont();
        if (path.empty()) throw std::runtime_error("no CJK font: install fonts-wqy-microhei");
        font = std::make_unique<imaging::Font>(path);
    }
    imaging::Canvas c(1000, 700, {252, 250, 242});
    imaging::Rgb red{178, 34, 34}, ink{30, 30, 30};
    c.strokeRect(20, 20, 960, 660, 6, red);
    c.strokeRect(34, 34, 932, 632, 2, red);
    std::string title = l.name;
    int tw = c.textWidth(*font, title, 56);
    c.drawText(*font, 500 - tw / 2, 120, title, 56, red);
    int y = 200;
    auto row = [&](const std::string& label, const std::string& value) {
        c.drawText(*font, 80, y, label, 26, ink);
        c.drawText(*font, 300, y, value.size() > 120 ? value.substr(0, 117) + "..." : value, 26, ink);
        y += 44;
    };
    row(h.codeType == "USCC" ? "统一社会信用代码" : "公民身份号码", l.holderCode);
    row(h.codeType == "USCC" ? "名称" : "姓名", l.holder);
    row("证照编号", l.number);
    for (auto& [k, v] : l.data) {
        auto it = kFieldLabels.find(k);
        if (it != kFieldLabels.end() && y < 560) row(it->second, v);
    }
    row("有效期限", l.validFrom + " 至 " + l.validTo.value_or("长期"));
    c.drawText(*font, 600, 620, l.issuer, 24, red);
    c.drawText(*font, 60, 650, "仿真数据 · 非真实证照", 18, {120, 120, 120});
    return c.encodePng();
}

HttpResponse jsonAnswer(int status, const json::value& v) {
    HttpResponse r;
    r.status = status;
    r.body = json::serialize(v);
    return r;
}

HttpResponse refuse(int status, const std::string& why) { return jsonAnswer(status, json::object{{"error", why}}); }

}  // namespace

struct GovSimulator::Impl {
    GovSimOptions opt;
    std::map<std::string, SimHolder> holders;
    std::mutex renderMutex;
    security::PrivateKey key;
    std::mutex faultMutex;
    SimFaults faults;
    std::mutex nonceMutex;
    std::map<std::string, std::int64_t> nonces;  // nonce -> seen at
    std::atomic<std::uint64_t> calls{0};

    ofd::TestPki pki;  // the seal's root, maker and signer

    gateway::EmbeddedServer http{"govsim"};

    void loadHolders();
    void loadKey();
    SimFaults currentFaults() {
        std::lock_guard lock(faultMutex);
        return faults;
    }
    std::optional<HttpResponse> checkSignature(const HttpRequest& req);
    std::string ofdFile(const security::ELicence& l, const SimFaults& f) const;
};

std::string GovSimulator::Impl::ofdFile(const security::ELicence& l, const SimFaults& f) const {
    ofd::SealSpec seal{pki.maker.identity(), pki.signer.identity()};
    seal.sealId = "LGWSIM-" + l.type;
    seal.sealName = "模拟政务数据平台电子证照专用章";
    seal.sealValidFrom = 1767225600;             // 2026-01-01, as the PKI
    seal.sealValidTo = 1767225600 + 10LL * 365 * 24 * 3600;
    seal.signedAt = nowMs() / 1000;
    return ofdLicenceFile(l, kFieldLabels, seal, OfdFaults{f.ofdTamperedPage, f.ofdBrokenSeal, f.ofdUncoveredFile});
}

void GovSimulator::Impl::loadHolders() {
    std::ifstream f(opt.holdersFile);
    if (!f) throw std::runtime_error("govsim: cannot read holders file " + opt.holdersFile);
    std::stringstream ss;
    ss << f.rdbuf();
    boost::system::error_code ec;
    auto doc = json::parse(ss.str(), ec);
    if (ec || !doc.is_object() || !doc.as_object().contains("holders"))
        throw std::runtime_error("govsim: " + opt.holdersFile + " is not a holders file");
    auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    for (auto& hv : doc.as_object().at("holders").as_array()) {
        auto& h = hv.as_object();
        SimHolder holder{std::string(h.at("holder_code").as_string()), std::string(h.at("holder_code_type").as_string()),
                         std::string(h.at("name").as_string()), std::string(h.at("phone").as_string()), {}};
        int seq = 1;
        for (auto& lv : h.at("licences").as_array()) {
            auto& lo = lv.as_object();
            SimLicence sl;
            auto& l = sl.l;
            l.type = std::string(lo.at("type").as_string());
            l.name = kTypeInfo.at(l.type).first;
            l.typeCode = kTypeInfo.at(l.type).second;
            l.number = std::string(lo.at("number").as_string());
            l.holder = holder.name;
            l.holderCode = holder.code;
            l.holderCodeType = holder.codeType;
            l.issuer = std::string(lo.at("issuer").as_string());
            l.issuerCode = "11" + holder.code.substr(2, 4) + "00000000000X";
            l.issuerCode = l.issuerCode.substr(0, 17) + security::creditCodeCheckChar(l.issuerCode.substr(0, 17));
            l.issuedOn = std::string(lo.at("issued_on").as_string());
            l.validFrom = std::string(lo.at("valid_from").as_string());
            auto& vt = lo.at("valid_to");
            if (vt.is_string()) {
                std::string s(vt.as_string());
                // "+Nd": N days after the day the file is loaded, so that some licences always expire soon.
                l.validTo = s.size() > 2 && s.front() == '+' && s.back() == 'd'
                                ? isoDate(today + std::chrono::days(std::stoi(s.substr(1, s.size() - 2))))
                                : s;
            }
            for (auto& [k, v] : lo.at("data").as_object()) l.data[std::string(k)] = std::string(v.as_string());
            l.identifier = makeIdentifier(l.type, l.issuerCode, l.number, seq++);
            holder.licences.push_back(std::move(sl));
        }
        holders.emplace(holder.code, std::move(holder));
    }
}

void GovSimulator::Impl::loadKey() {
    std::ifstream f(opt.keyFile);
    if (f) {
        std::stringstream ss;
        ss << f.rdbuf();
        auto k = security::PrivateKey::fromPem(ss.str());
        if (!k) throw std::runtime_error("govsim: " + opt.keyFile + " is not a PEM private key");
        key = *k;
        return;
    }
    key = security::PrivateKey::generate(security::SignatureAlg::kSm2Sm3);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(opt.keyFile).parent_path(), ec);
    if (auto err = security::writeNewKeyFile(opt.keyFile, key.pem())) throw std::runtime_error("govsim: " + *err);
}

std::optional<HttpResponse> GovSimulator::Impl::checkSignature(const HttpRequest& req) {
    auto* app = req.header("x-app-id");
    auto* ts = req.header("x-timestamp");
    auto* nonce = req.header("x-nonce");
    auto* sig = req.header("x-signature");
    if (!app || !ts || !nonce || !sig) return refuse(401, "missing X-App-Id, X-Timestamp, X-Nonce or X-Signature");
    if (*app != opt.appId) return refuse(401, "unknown app id");
    std::int64_t t = 0;
    try {
        t = std::stoll(*ts);
    } catch (...) {
        return refuse(401, "X-Timestamp is not Unix milliseconds");
    }
    std::int64_t now = nowMs();
    if (t < now - 5 * 60 * 1000 || t > now + 5 * 60 * 1000) return refuse(401, "timestamp outside the 5 minute window");
    std::string expect = security::requestSignature(opt.appSecret, req.method, req.path, *ts, *nonce, req.body);
    if (!security::constantTimeEquals(expect, *sig)) return refuse(401, "bad signature");
    std::lock_guard lock(nonceMutex);
    if (nonces.size() > 100000 || (nonces.size() % 1024) == 0)
        std::erase_if(nonces, [&](auto& kv) { return kv.second < now - 10 * 60 * 1000; });
    if (!nonces.emplace(*nonce, now).second) return refuse(401, "nonce replayed");
    return std::nullopt;
}

namespace {

using Sim = GovSimulator::Impl;

asio::awaitable<void> sleepMs(int ms) {
    if (ms <= 0) co_return;
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Applies latency, hang and the 5xx share; returns an answer when the fault replaces the real one.
asio::awaitable<std::optional<HttpResponse>> applyFaults(Sim* sim, SimFaults f) {
    ++sim->calls;
    co_await sleepMs(f.latencyMs);
    co_await sleepMs(f.hangMs);
    thread_local std::mt19937 rng{std::random_device{}()};
    if (f.errorRate > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < f.errorRate)
        co_return refuse(503, "simulated outage");
    if (f.malformedJson) {
        HttpResponse r;
        r.body = "{\"licences\": [ {\"identifier\": ";
        co_return r;
    }
    co_return std::nullopt;
}

asio::awaitable<HttpResponse> contact(Sim* sim, HttpRequest req) {
    SimFaults f = sim->currentFaults();
    if (auto bad = sim->checkSignature(req)) co_return *bad;
    if (auto faulted = co_await applyFaults(sim, f)) co_return *faulted;
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("holder_code")) co_return refuse(400, "holder_code is required");
    auto it = sim->holders.find(std::string(v.as_object().at("holder_code").as_string()));
    if (it == sim->holders.end()) co_return refuse(404, "unknown holder");
    co_return jsonAnswer(200, json::object{{"phone", it->second.phone}});
}

asio::awaitable<HttpResponse> query(Sim* sim, HttpRequest req) {
    SimFaults f = sim->currentFaults();
    if (auto bad = sim->checkSignature(req)) co_return *bad;
    if (auto faulted = co_await applyFaults(sim, f)) co_return *faulted;
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) co_return refuse(400, "body is not a JSON object");
    auto& o = v.as_object();
    auto* code = o.if_contains("holder_code");
    auto* types = o.if_contains("licence_types");
    auto* purpose = o.if_contains("purpose");
    auto* authz = o.if_contains("authorization");
    if (!code || !code->is_string() || !types || !types->is_array() || !purpose || !purpose->is_string() || !authz ||
        !authz->is_object() || !authz->as_object().contains("consent_id"))
        co_return refuse(400, "holder_code, licence_types, purpose and authorization.consent_id are required");
    auto it = sim->holders.find(std::string(code->as_string()));
    if (it == sim->holders.end()) co_return refuse(404, "unknown holder");
    std::string copyExpires = o.contains("copy_expires_at") && o.at("copy_expires_at").is_string()
                                  ? std::string(o.at("copy_expires_at").as_string())
                                  : std::string();
    std::string requester;
    if (auto* r = o.if_contains("requester"); r && r->is_object() && r->as_object().contains("org_code"))
        requester = json::value_to<std::string>(r->as_object().at("org_code"));
    json::array out;
    for (auto& sl : it->second.licences) {
        bool wanted = false;
        for (auto& t : types->as_array())
            if (t.is_string() && t.as_string() == sl.l.type) wanted = true;
        if (!wanted) continue;
        security::ELicence l = sl.l;
        l.annotationPurpose = std::string(purpose->as_string());
        l.annotationRequester = requester;
        l.annotationCreatedAt = rfc3339Now();
        l.annotationExpiresAt = copyExpires;
        if (f.expiredAnnotation) l.annotationExpiresAt = "2020-01-01T00:00:00Z";
        if (f.foreignRequester) l.annotationRequester = "91110000MA00OTHER0";
        if (sim->opt.licenceFiles == "ofd") {
            // The platform's 加注件 for this request: the annotation is part of what is sealed.
            l.fileContentType = "application/ofd";
            l.fileBytes = sim->ofdFile(l, f);
        } else {
            {
                std::lock_guard lock(sim->renderMutex);
                if (sl.png.empty()) sl.png = renderLicence(it->second, sl.l);
            }
            l.fileContentType = "image/png";
            l.fileBytes = sl.png;
        }
        json::object data;
        for (auto& [k, dv] : l.data) data[k] = dv;
        json::object licence{
            {"identifier", l.identifier},
            {"type", l.type},
            {"type_code", l.typeCode},
            {"name", l.name},
            {"number", l.number},
            {"holder", l.holder},
            {"holder_code", l.holderCode},
            {"holder_code_type", l.holderCodeType},
            {"issuer", l.issuer},
            {"issuer_code", l.issuerCode},
            {"issued_on", l.issuedOn},
            {"valid_from", l.validFrom},
            {"valid_to", l.validTo ? json::value(*l.validTo) : json::value(nullptr)},
            {"data", data},
            {"file", {{"content_type", l.fileContentType}, {"data_base64", security::base64Encode(l.fileBytes)}}},
            {"annotation",
             {{"purpose", l.annotationPurpose},
              {"requester", l.annotationRequester},
              {"created_at", l.annotationCreatedAt},
              {"expires_at", l.annotationExpiresAt}}}};
        // UPSTREAMS.md: the whole licence without its signature, RFC 8785; the first version signed
        // a field string (legacy_signature serves it, to see the gateway refuse it).
        std::string sig = sim->key.sign(security::SignatureAlg::kSm2Sm3,
                                        f.legacySignature ? security::canonicalString(l) : sortedJson(licence));
        if (f.badSignature) sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x5a);
        if (f.tamperAfterSigning) licence["data"].as_object()["address"] = "篡改后的地址";
        json::object signature{{"alg", "SM2-SM3"},
                               {"key_id", f.unknownKeyId ? std::string("gov-unknown") : sim->opt.keyId},
                               {"value_base64", security::base64Encode(sig)}};
        if (!f.legacySignature) signature["covers"] = "jcs";
        licence["signature"] = std::move(signature);
        out.push_back(std::move(licence));
    }
    co_return jsonAnswer(200, json::object{{"licences", out}});
}

asio::awaitable<HttpResponse> controlFaults(Sim* sim, HttpRequest req) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) co_return refuse(400, "faults must be a JSON object");
    auto& o = v.as_object();
    SimFaults f;
    auto num = [&](const char* k) { return o.contains(k) && o.at(k).is_number() ? o.at(k).to_number<double>() : 0.0; };
    auto flag = [&](const char* k) { return o.contains(k) && o.at(k).is_bool() && o.at(k).as_bool(); };
    f.latencyMs = static_cast<int>(num("latency_ms"));
    f.errorRate = num("error_rate");
    f.hangMs = static_cast<int>(num("hang_ms"));
    f.malformedJson = flag("malformed_json");
    f.badSignature = flag("bad_signature");
    f.unknownKeyId = flag("unknown_key_id");
    f.legacySignature = flag("legacy_signature");
    f.tamperAfterSigning = flag("tamper_after_signing");
    f.expiredAnnotation = flag("expired_annotation");
    f.foreignRequester = flag("foreign_requester");
    f.ofdTamperedPage = flag("ofd_tampered_page");
    f.ofdBrokenSeal = flag("ofd_broken_seal");
    f.ofdUncoveredFile = flag("ofd_uncovered_file");
    {
        std::lock_guard lock(sim->faultMutex);
        sim->faults = f;
    }
    co_return jsonAnswer(200, json::object{{"ok", true}});
}

asio::awaitable<HttpResponse> publicKey(Sim* sim, HttpRequest) {
    HttpResponse r;
    r.contentType = "application/x-pem-file";
    r.body = sim->key.publicKey().pem();
    co_return r;
}

}  // namespace

GovSimulator::GovSimulator(GovSimOptions options) : impl_(std::make_unique<Impl>()) {
    auto& im = *impl_;
    im.opt = std::move(options);
    im.faults = im.opt.faults;
    im.loadHolders();
    im.loadKey();
    if (im.opt.licenceFiles != "ofd" && im.opt.licenceFiles != "png")
        throw std::runtime_error("govsim: licence_files is \"" + im.opt.licenceFiles + "\"; it is \"ofd\" or \"png\"");
    im.pki = ofd::makeTestPki(im.opt.ofdPkiSeed);
    Sim* s = &im;
    im.http.router().add({"POST", "/api/v1/subjects/contact", {}, 0, {}, [s](HttpRequest r) { return contact(s, std::move(r)); }});
    im.http.router().add({"POST", "/api/v1/licences/query", {}, 0, {}, [s](HttpRequest r) { return query(s, std::move(r)); }});
    im.http.router().add({"GET", "/_sim/public-key", {}, 0, {}, [s](HttpRequest r) { return publicKey(s, std::move(r)); }});
    if (im.opt.testMode)
        im.http.router().add({"POST", "/_sim/faults", {}, 0, {}, [s](HttpRequest r) { return controlFaults(s, std::move(r)); }});
    auto sc = gateway::EmbeddedServer::listenerAt(im.opt.host, im.opt.port, im.opt.ioThreads, 10000);
    sc.idleTimeoutMs = im.opt.keepAliveMs;
    sc.tls.certFile = im.opt.tlsCertFile;
    sc.tls.keyFile = im.opt.tlsKeyFile;
    im.http.bind(sc);
}

GovSimulator::~GovSimulator() { stop(); }

void GovSimulator::start() { impl_->http.start(); }
void GovSimulator::stop() { impl_->http.stop(); }
void GovSimulator::run() { impl_->http.runHere(); }

std::uint16_t GovSimulator::port() const { return impl_->http.server().port(); }
std::string GovSimulator::baseUrl() const { return impl_->http.baseUrl(); }
std::uint64_t GovSimulator::connections() const { return impl_->http.server().acceptedConnections(); }
std::string GovSimulator::publicKeyPem() const { return impl_->key.publicKey().pem(); }
std::string GovSimulator::ofdRootPem() const { return impl_->pki.root.certPem; }
const std::string& GovSimulator::keyId() const { return impl_->opt.keyId; }
std::size_t GovSimulator::holderCount() const { return impl_->holders.size(); }
std::uint64_t GovSimulator::calls() const { return impl_->calls.load(); }

void GovSimulator::prerender() {
    for (auto& [code, h] : impl_->holders)
        for (auto& sl : h.licences) {
            std::lock_guard lock(impl_->renderMutex);
            if (sl.png.empty()) sl.png = renderLicence(h, sl.l);
        }
}

void GovSimulator::setFaults(const SimFaults& f) {
    std::lock_guard lock(impl_->faultMutex);
    impl_->faults = f;
}

}  // namespace lgw::adapters::govdata
