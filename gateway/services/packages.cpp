#include "gateway/services/packages.hpp"

#include <boost/system/system_error.hpp>

#include <algorithm>

#include "adapters/error_category.hpp"
#include "adapters/sms/template_params.hpp"
#include "gateway/services/time_text.hpp"
#include "security/crypto.hpp"

namespace lgw::gateway {

namespace asio = boost::asio;
using Millis = std::int64_t;

namespace {

constexpr Millis kDay = 86400000;

const char* codeOf(PackageErrc e) {
    switch (e) {
        case PackageErrc::kApplicationNotFound: return "application_not_found";
        case PackageErrc::kUnknownCategory: return "unknown_customer_category";
        case PackageErrc::kIdentityProofMissing: return "identity_proof_missing";
        case PackageErrc::kPackageNotFound: return "package_not_found";
        case PackageErrc::kPackageSuspended: return "package_suspended";
        case PackageErrc::kNotDeadLetter: return "not_dead_letter";
    }
    return "package_error";
}

PackageFailure failure(PackageErrc code, std::string detail) { return PackageFailure{code, std::move(detail), {}}; }

bool satisfies(const config::Material& m, const store::DocumentMeta& d) {
    return std::any_of(m.satisfiedBy.begin(), m.satisfiedBy.end(), [&](const config::DocumentKind& k) {
        return k.docType == d.docType && (k.source == "any" || k.source == d.source);
    });
}

// The identifying number a document states, for comparing a scan with an e-licence.
std::string statedNumber(const store::DocumentMeta& d, const std::optional<store::LicenceRecord>& l) {
    if (l && !l->number.empty()) return l->number;
    return store::statedNumberOf(d.fieldsJson);
}

using Candidate = std::pair<store::DocumentMeta, std::optional<store::LicenceRecord>>;

// A material some valid document supplies: the e-licence first (verified at the source), then the
// newest; a mismatch when a document of the other source states another number.
void judgePresent(store::PackageItem& item, std::vector<Candidate> valid) {
    std::stable_sort(valid.begin(), valid.end(), [](auto& a, auto& b) {
        if ((a.first.source == "e_licence") != (b.first.source == "e_licence")) return a.first.source == "e_licence";
        return a.first.createdAt > b.first.createdAt;
    });
    auto& pick = valid.front();
    item.status = "present";
    for (auto& other : valid) {
        if (other.first.source == pick.first.source) continue;
        auto a = statedNumber(pick.first, pick.second), b = statedNumber(other.first, other.second);
        if (!a.empty() && !b.empty() && a != b) {
            item.status = "mismatch";
            item.mismatch = store::PackageMismatch{a, b, other.first.id, false};
        }
    }
    item.documentId = pick.first.id;
    item.source = pick.first.source;
    item.docType = pick.first.docType;
}

// 容缺 reminders: SMS materials_due remind_days before each deferred material's due date (09:00
// China Standard Time), package_suspended on the day; cancelled once the material is present.
// Dedupe keys make a rebuild schedule nothing twice; the scheduler sends each at most once.
void scheduleMaterialReminders(store::Store& st, const config::Category& cat, const store::Application& app,
                               const store::PackageBody& pkg, Millis now) {
    for (std::size_t i = 0; i < pkg.items.size() && i < cat.materials.size(); ++i) {
        const auto& item = pkg.items[i];
        const auto& m = cat.materials[i];
        const std::string prefix = "material:" + app.id + ":" + m.id + ":";
        if (item.status == "present" || item.status == "not_required") {
            st.cancelReminders(prefix);
            continue;
        }
        if (item.status != "deferred" || app.phone.empty()) continue;
        const Millis due = app.createdAt + static_cast<Millis>(m.deferDays) * kDay;
        const Millis dueMorning = due - due % kDay + 3600000;  // 01:00 UTC = 09:00 CST on the due day
        const std::string params =
            adapters::sms::encodeTemplateParams({{"application_id", app.id}, {"material", m.name}, {"due", item.due}});
        auto add = [&](const std::string& key, const char* tmpl, Millis at) {
            if (at <= now) return;
            store::Reminder r;
            r.dedupeKey = prefix + key;
            r.phone = app.phone;
            r.templateName = tmpl;
            r.paramsJson = params;
            r.dueAt = at;
            st.scheduleReminder(r);
        };
        for (int d : m.remindDays) add(std::to_string(d), "materials_due", dueMorning - d * kDay);
        add("due", "package_suspended", dueMorning + kDay);
    }
}

// Why an application's materials cannot be judged: it does not exist, or its category has no checklist.
std::optional<PackageFailure> unjudgeable(const std::string& appId, const std::optional<store::Application>& app,
                                          const config::Category* cat) {
    if (!app)
        return failure(PackageErrc::kApplicationNotFound,
                       "no application " + appId + "; create it with PUT /v1/applications/" + appId);
    if (!cat)
        return failure(PackageErrc::kUnknownCategory, "customer category \"" + app->customerCategory +
                                                          "\" has no checklist in the materials file");
    return std::nullopt;
}

// A package built before a deferred material's due date and pushed after it is suspended now.
void suspendIfPastDue(store::Store& st, const std::string& id, Millis now) {
    auto before = st.package(id);
    if (!before || before->status != "built") return;
    auto body = store::decodePackageBody(before->bodyJson);
    if (!body) return;
    const std::string today = dateUtc(now);
    for (auto& item : body->items)
        if (item.status == "deferred" && !item.due.empty() && item.due < today) {
            st.setPackageStatus(id, "suspended");
            return;
        }
}

}  // namespace

const boost::system::error_category& packageCategory() {
    static const adapters::CodeCategory<PackageErrc> category("lgw.package", &codeOf);
    return category;
}

boost::system::error_code make_error_code(PackageErrc e) { return {static_cast<int>(e), packageCategory()}; }

void throw_exception_from_error(const PackageFailure& f, const boost::source_location& where) {
    throw boost::system::system_error(f.code, f.detail + " (at " + where.file_name() + ")");
}

Judgement judgeMaterials(store::Store& st, const config::Category& cat, const store::Application& app,
                         const std::string& packageId, Millis now) {
    Judgement j;
    const std::string today = dateUtc(now);
    std::vector<store::DocumentMeta> docs;
    for (auto& d : st.documentsOf(app.id))
        if (d.purgedAt == 0) docs.push_back(d);
    bool complete = true, overdue = false;
    for (auto& m : cat.materials) {
        if (m.identity) j.identityMaterials.push_back(m.id);
        store::PackageItem item;
        item.material = m.id;
        item.name = m.name;
        std::vector<Candidate> valid, expired;
        for (auto& d : docs) {
            if (!satisfies(m, d)) continue;
            auto lic = d.source == "e_licence" ? st.licence(d.id) : std::nullopt;
            if (lic && !lic->validTo.empty() && lic->validTo < today) expired.emplace_back(d, lic);
            else valid.emplace_back(d, lic);
        }
        if (!valid.empty()) {
            judgePresent(item, std::move(valid));
            if (m.identity) j.identityPresent = true;
        } else if (!expired.empty()) {
            item.status = "expired";
            item.documentId = expired.front().first.id;
            item.validTo = expired.front().second->validTo;
        } else if (!m.required) {
            item.status = "not_required";
        } else if (m.deferrable) {
            const Millis due = app.createdAt + static_cast<Millis>(m.deferDays) * kDay;
            item.status = now > due ? "overdue" : "deferred";
            item.due = dateUtc(due);
            overdue = overdue || now > due;
        } else {
            item.status = "missing";
        }
        if (item.status != "present" && item.status != "not_required") {
            complete = false;
            j.package.deficiencies.push_back({m.id, item.status, item.due});
        }
        j.package.items.push_back(std::move(item));
    }
    j.package.packageId = packageId;
    j.package.applicationId = app.id;
    j.package.customerCategory = app.customerCategory;
    j.package.complete = complete;
    j.package.status = overdue ? "suspended" : "built";
    j.package.createdAt = rfc3339Utc(now);
    return j;
}

asio::awaitable<PackageResult<Built>> PackageService::build(Actor who, std::string appId) {
    const Millis now = d_.services.nowMs();
    const std::string packageId = "PKG-" + security::randomId128().substr(0, 20);
    struct Outcome {
        std::optional<store::Application> app;
        const config::Category* cat = nullptr;
        Judgement judged;
    };
    // The package, its reminders and its event (built, or denied without identity) commit together.
    auto out = std::make_shared<Outcome>();
    auto ev = actorEvent(who, "package.build", packageId, appId, "allowed");
    store::AuditedAction job = [this, appId, packageId, now, out](store::AuditEvent& e) {
        Outcome& o = *out;
        auto& st = d_.services.store;
        o.app = st.application(appId);
        if (!o.app) return false;
        o.cat = d_.materials.category(o.app->customerCategory);
        if (!o.cat) return false;
        o.judged = judgeMaterials(st, *o.cat, *o.app, packageId, now);
        if (!o.judged.identityPresent) {
            e.target.clear();
            e.outcome = "denied";
            e.detailJson = security::AuditDetail{{"reason", "identity_proof_missing"}}.json();
            return true;
        }
        e.detailJson = security::AuditDetail{{"complete", o.judged.package.complete},
                                             {"deficiencies", o.judged.package.deficiencies.size()}}
                           .json();
        store::Package p;
        p.id = packageId;
        p.applicationId = appId;
        p.status = o.judged.package.status;
        p.complete = o.judged.package.complete;
        p.bodyJson = store::encodePackageBody(o.judged.package);
        p.createdAt = now;
        st.insertPackage(p);
        scheduleMaterialReminders(st, *o.cat, *o.app, o.judged.package, now);
        return true;
    };
    auto building = d_.auditor.recordWith(std::move(ev), std::move(job));
    co_await std::move(building);
    Outcome& o = *out;
    if (auto f = unjudgeable(appId, o.app, o.cat)) co_return std::move(*f);
    if (!o.judged.identityPresent) {
        std::string names;
        for (auto& m : o.judged.identityMaterials) names += (names.empty() ? "" : " or ") + m;
        PackageFailure f = failure(PackageErrc::kIdentityProofMissing,
                                   "一证启动: a package starts with one valid identity proof (" + names +
                                       "); fetch it as an e-licence or scan it, then build again");
        f.items = std::move(o.judged.package.items);
        co_return f;
    }
    co_return Built{std::move(o.judged.package), std::move(*o.app)};
}

asio::awaitable<PackageResult<Checklist>> PackageService::checklist(std::string appId) {
    const Millis now = d_.services.nowMs();
    struct Outcome {
        std::optional<store::Application> app;
        const config::Category* cat = nullptr;
        Checklist list;
    };
    std::function<Outcome()> job = [this, appId, now] {
        Outcome o;
        auto& st = d_.services.store;
        o.app = st.application(appId);
        if (!o.app) return o;
        o.cat = d_.materials.category(o.app->customerCategory);
        if (o.cat) o.list.judgement = judgeMaterials(st, *o.cat, *o.app, "", now);
        for (auto& d : st.documentsOf(appId))
            if (d.purgedAt == 0) o.list.documents.push_back(d);
        return o;
    };
    auto o = co_await d_.services.blocking.call(std::move(job));
    if (auto f = unjudgeable(appId, o.app, o.cat)) co_return std::move(*f);
    co_return std::move(o.list);
}

asio::awaitable<PackageResult<PushQueued>> PackageService::push(Actor who, std::string id) {
    const Millis now = d_.services.nowMs();
    // Queued (or found suspended) with its event in one transaction.
    auto out = std::make_shared<std::pair<store::EnqueueOutcome, std::optional<store::Package>>>();
    auto ev = actorEvent(who, "package.push", id, "", "allowed");
    store::AuditedAction job = [this, id, now, out](store::AuditEvent& e) {
        auto& st = d_.services.store;
        suspendIfPastDue(st, id, now);
        out->first = st.enqueuePush(id, now);
        out->second = st.package(id);
        if (out->first == store::EnqueueOutcome::kNotFound) return false;
        if (out->second) e.applicationId = out->second->applicationId;
        if (out->first == store::EnqueueOutcome::kNotPushable) {
            e.outcome = "denied";
            e.detailJson = security::AuditDetail{{"reason", "suspended"}}.json();
        } else {
            e.detailJson = security::AuditDetail{{"already_queued", out->first == store::EnqueueOutcome::kAlreadyQueued}}.json();
        }
        return true;
    };
    auto pushing = d_.auditor.recordWith(std::move(ev), std::move(job));
    co_await std::move(pushing);
    const auto r = out->first;
    const auto& p = out->second;
    if (r == store::EnqueueOutcome::kNotFound) co_return failure(PackageErrc::kPackageNotFound, "no package " + id);
    const std::string app = p ? p->applicationId : "";
    if (r == store::EnqueueOutcome::kNotPushable) {
        co_return failure(PackageErrc::kPackageSuspended,
                          "a deferred material is past its due date; bring it, build a new package and push that");
    }
    if (r == store::EnqueueOutcome::kQueued) d_.wakePusher();
    co_return PushQueued{app, r == store::EnqueueOutcome::kQueued ? std::string("queued") : p->status};
}

asio::awaitable<PackageResult<PushQueued>> PackageService::replay(Actor who, std::string id) {
    const Millis now = d_.services.nowMs();
    // Requeued (or refused) with its event in one transaction.
    auto out = std::make_shared<std::pair<bool, std::optional<store::Package>>>();
    auto ev = actorEvent(who, "package.replay", id, "", "allowed");
    store::AuditedAction job = [this, id, now, out](store::AuditEvent& e) {
        out->first = d_.services.store.requeueDeadLetter(id, now);
        out->second = d_.services.store.package(id);
        if (!out->second) return false;
        e.applicationId = out->second->applicationId;
        if (!out->first) e.outcome = "denied";
        return true;
    };
    auto replaying = d_.auditor.recordWith(std::move(ev), std::move(job));
    co_await std::move(replaying);
    const bool ok = out->first;
    const auto& p = out->second;
    if (!p) co_return failure(PackageErrc::kPackageNotFound, "no package " + id);
    if (!ok)
        co_return failure(PackageErrc::kNotDeadLetter, "package " + id + " is " + p->status + ", not a dead letter");
    d_.wakePusher();
    co_return PushQueued{p->applicationId, "queued"};
}

}  // namespace lgw::gateway
