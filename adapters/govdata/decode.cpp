#include "adapters/govdata/gov_data_platform.hpp"

#include <boost/json/parse.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>

#include "adapters/error_category.hpp"
#include "adapters/govdata/jcs.hpp"
#include "security/crypto.hpp"

namespace lgw::adapters::govdata {

namespace json = boost::json;

const char* toString(GovErrorCode code) {
    switch (code) {
        case GovErrorCode::kUpstreamTimeout: return "upstream_timeout";
        case GovErrorCode::kUpstreamUnavailable: return "upstream_unavailable";
        case GovErrorCode::kUpstreamBadPayload: return "upstream_bad_payload";
        case GovErrorCode::kUpstreamRefused: return "upstream_refused";
        case GovErrorCode::kSubjectUnknown: return "subject_unknown";
    }
    return "upstream_unavailable";
}

const boost::system::error_category& govdataCategory() {
    static const CodeCategory<GovErrorCode> category("lgw.govdata", &toString);
    return category;
}

boost::system::error_code make_error_code(GovErrorCode code) { return {static_cast<int>(code), govdataCategory()}; }

void throw_exception_from_error(const GovError& e, const boost::source_location& where) {
    throw boost::system::system_error(e.error(), e.detail + " (at " + where.file_name() + ")");
}

namespace {

GovError bad(std::string detail) { return GovError{GovErrorCode::kUpstreamBadPayload, std::move(detail)}; }

// Reads a required string member; sets `err` (once) naming the path otherwise.
std::string str(const json::object& o, const char* key, const std::string& path, std::string& err, bool required = true) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) {
        if (required && err.empty()) err = path + "." + key + " is missing";
        return {};
    }
    if (!v->is_string()) {
        if (err.empty()) err = path + "." + key + " is not a string";
        return {};
    }
    return std::string(v->get_string());
}

bool hasFraction(const json::value& v) {
    if (v.is_double()) return true;
    if (v.is_array())
        return std::any_of(v.get_array().begin(), v.get_array().end(), [](auto& x) { return hasFraction(x); });
    if (v.is_object())
        return std::any_of(v.get_object().begin(), v.get_object().end(), [](auto& kv) { return hasFraction(kv.value()); });
    return false;
}

const json::object* obj(const json::object& o, const char* key, const std::string& path, std::string& err) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_object()) {
        if (err.empty()) err = path + "." + key + " is missing or not an object";
        return nullptr;
    }
    return &v->get_object();
}

}  // namespace

GovResult<std::vector<security::ELicence>> decodeLicences(const std::string& body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return bad("licence query answer is not JSON: " + ec.message());
    if (!v.is_object()) return bad("licence query answer is not an object");
    auto* list = v.get_object().if_contains("licences");
    if (!list || !list->is_array()) return bad("licences is missing or not an array");
    std::vector<security::ELicence> out;
    std::size_t i = 0;
    for (auto& item : list->get_array()) {
        std::string path = "licences[" + std::to_string(i++) + "]";
        if (!item.is_object()) return bad(path + " is not an object");
        auto& o = item.get_object();
        std::string err;
        security::ELicence l;
        l.identifier = str(o, "identifier", path, err);
        l.type = str(o, "type", path, err);
        l.typeCode = str(o, "type_code", path, err, false);
        l.name = str(o, "name", path, err, false);
        l.number = str(o, "number", path, err);
        l.holder = str(o, "holder", path, err);
        l.holderCode = str(o, "holder_code", path, err);
        l.holderCodeType = str(o, "holder_code_type", path, err, false);
        l.issuer = str(o, "issuer", path, err);
        l.issuerCode = str(o, "issuer_code", path, err, false);
        l.issuedOn = str(o, "issued_on", path, err, false);
        l.validFrom = str(o, "valid_from", path, err);
        if (auto* vt = o.if_contains("valid_to"); vt && !vt->is_null()) {
            if (!vt->is_string()) err = err.empty() ? path + ".valid_to is not a string or null" : err;
            else l.validTo = std::string(vt->get_string());
        } else if (!vt && err.empty()) {
            err = path + ".valid_to is missing (null for 长期)";
        }
        if (auto* data = o.if_contains("data"); data && data->is_object()) {
            for (auto& [k, dv] : data->get_object())
                if (dv.is_string()) l.data[std::string(k)] = std::string(dv.get_string());
        }
        if (auto* file = obj(o, "file", path, err)) {
            l.fileContentType = str(*file, "content_type", path + ".file", err);
            auto b64 = str(*file, "data_base64", path + ".file", err);
            auto bytes = security::base64Decode(b64);
            if (!bytes && err.empty()) err = path + ".file.data_base64 is not base64";
            if (bytes) l.fileBytes = std::move(*bytes);
        }
        if (auto* a = obj(o, "annotation", path, err)) {
            l.annotationPurpose = str(*a, "purpose", path + ".annotation", err);
            l.annotationRequester = str(*a, "requester", path + ".annotation", err, false);
            l.annotationCreatedAt = str(*a, "created_at", path + ".annotation", err, false);
            l.annotationExpiresAt = str(*a, "expires_at", path + ".annotation", err);
        }
        if (auto* s = obj(o, "signature", path, err)) {
            l.signatureAlg = str(*s, "alg", path + ".signature", err);
            l.signatureKeyId = str(*s, "key_id", path + ".signature", err);
            auto sig = security::base64Decode(str(*s, "value_base64", path + ".signature", err));
            if (!sig && err.empty()) err = path + ".signature.value_base64 is not base64";
            if (sig) l.signatureValue = std::move(*sig);
            l.signatureCovers = str(*s, "covers", path + ".signature", err, false);
        }
        // What the platform signed: the whole licence without its signature, canonical (RFC 8785).
        // A fractional number is refused: Boost.JSON 1.81 may read it one unit in the last place
        // off, and its canonical form would then not be the signer's (the contract has none).
        json::object unsigned_ = o;
        unsigned_.erase("signature");
        if (hasFraction(unsigned_)) {
            if (err.empty()) err = path + " holds a fractional number, which the contract's licences never carry";
        } else if (auto canonical = canonicalJson(unsigned_)) {
            l.signedText = std::move(*canonical);
        } else if (err.empty()) {
            err = path + " holds a number RFC 8785 cannot represent";
        }
        if (!err.empty()) return bad(err);
        out.push_back(std::move(l));
    }
    return out;
}

GovResult<std::string> decodeContact(const std::string& body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) return bad("contact answer is not a JSON object");
    auto* phone = v.get_object().if_contains("phone");
    if (!phone || !phone->is_string() || phone->get_string().size() < 7 || phone->get_string().size() > 20)
        return bad("contact answer has no phone");
    return std::string(phone->get_string());
}

}  // namespace lgw::adapters::govdata
