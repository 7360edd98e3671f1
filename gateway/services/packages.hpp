#pragma once
// The package domain of API.md section 4, in C++ types: the checklist of the application's
// customer category (config/materials.toml) judged against its documents — each material present,
// expired, in disagreement between scan and e-licence, missing, or deferred (容缺) with its due
// date — built into a package only when a valid identity proof is there (一证启动), and pushed
// through the outbox (the push worker delivers). No HTTP: gateway/api/packages checks who may act
// and encodes; a failure is a PackageFailure that gateway/api/error_mapping turns into its problem.
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/store/package_body.hpp"
#include "config/materials.hpp"
#include "gateway/services/audit.hpp"
#include "gateway/services/actor.hpp"
#include "gateway/services/services.hpp"

namespace lgw::gateway {

/// The ways a package step fails; the category's message is the API's stable code.
enum class PackageErrc {
    kApplicationNotFound = 1,  ///< 404
    kUnknownCategory,          ///< the application's category has no checklist (422)
    kIdentityProofMissing,     ///< 一证启动: no valid identity proof, nothing built (422, with the items)
    kPackageNotFound,          ///< 404
    kPackageSuspended,         ///< a deferred material is past due: not pushable (409)
    kNotDeadLetter,            ///< only a dead letter is replayed (409)
};

const boost::system::error_category& packageCategory();
boost::system::error_code make_error_code(PackageErrc e);

}  // namespace lgw::gateway

namespace boost::system {
template <>
struct is_error_code_enum<lgw::gateway::PackageErrc> : std::true_type {};
}  // namespace boost::system

namespace lgw::gateway {

struct PackageFailure {
    boost::system::error_code code;
    std::string detail;
    std::vector<store::PackageItem> items;  ///< kIdentityProofMissing: the checklist as judged
};

[[noreturn]] void throw_exception_from_error(const PackageFailure& f, const boost::source_location& where);

template <class T>
using PackageResult = boost::system::result<T, PackageFailure>;

/// A checklist judged: the package it would be (or is), and whether it may start (一证启动).
struct Judgement {
    store::PackageBody package;
    bool identityPresent = false;
    std::vector<std::string> identityMaterials;  ///< the materials that would be an identity proof
};

/// Judges every material of `category` against the application's documents as of `now`. Blocking
/// (reads the store).
Judgement judgeMaterials(store::Store& store, const config::Category& category, const store::Application& app,
                         const std::string& packageId, std::int64_t now);

/// The checklist now, nothing stored, with the application's live documents.
struct Checklist {
    Judgement judgement;
    std::vector<store::DocumentMeta> documents;
};

struct Built {
    store::PackageBody package;
    store::Application application;
};

struct PushQueued {
    std::string applicationId;
    std::string status;  ///< queued, or the state of a push already under way
};

class PackageService {
public:
    struct Deps {
        Services& services;
        Auditor& auditor;
        const config::Materials& materials;
        std::function<void()> wakePusher = [] {};  ///< a push queued a row: deliver now, not at the next poll
    };
    explicit PackageService(Deps deps) : d_(std::move(deps)) {}

    /// Judges and stores a package, schedules the 容缺 reminders, audits. Errors:
    /// kApplicationNotFound, kUnknownCategory, kIdentityProofMissing.
    boost::asio::awaitable<PackageResult<Built>> build(Actor who, std::string applicationId);
    /// Judges without storing. Errors: kApplicationNotFound, kUnknownCategory.
    boost::asio::awaitable<PackageResult<Checklist>> checklist(std::string applicationId);
    /// Queues a package for the marketing system (once; a second push reports the state). A
    /// deferred material past due suspends it first. Errors: kPackageNotFound, kPackageSuspended.
    boost::asio::awaitable<PackageResult<PushQueued>> push(Actor who, std::string packageId);
    /// Queues a dead letter again. Errors: kPackageNotFound, kNotDeadLetter.
    boost::asio::awaitable<PackageResult<PushQueued>> replay(Actor who, std::string packageId);

private:
    Deps d_;
};

}  // namespace lgw::gateway
