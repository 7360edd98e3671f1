#pragma once
// A dependency is unavailable right now (the database restarting, a network cut): the request may
// succeed if repeated shortly. The dispatcher answers it with 503 and Retry-After instead of 500.
#include <stdexcept>

namespace lgw::adapters {

class TransientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An audit event could not be written (the database refusing, full or gone). The action it records
/// did not happen: an audited action commits with its event or not at all (X-Road refuses service
/// when its message log fails). The dispatcher answers 503 audit_unavailable with Retry-After.
class AuditUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace lgw::adapters
