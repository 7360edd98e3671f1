#pragma once
// A dependency is unavailable right now (the database restarting, a network cut): the request may
// succeed if repeated shortly. The dispatcher answers it with 503 and Retry-After instead of 500.
#include <stdexcept>

namespace lgw::adapters {

class TransientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace lgw::adapters
