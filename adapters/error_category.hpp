#pragma once
// A project error category whose message is the API's stable code ("upstream_timeout",
// "consent_not_found"), so a log line, a metric and the problem name a failure alike: one per enum
// of failures (lgw.govdata, lgw.consent, lgw.package), each naming its codes in a function.
#include <boost/system/error_category.hpp>

#include <string>

namespace lgw::adapters {

// Boost's error_category has a protected non-virtual destructor by design (categories are static).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
template <class Enum>
class CodeCategory final : public boost::system::error_category {
public:
    using Words = const char* (*)(Enum);
    CodeCategory(const char* name, Words words) : name_(name), words_(words) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int ev) const override { return words_(static_cast<Enum>(ev)); }

private:
    const char* name_;
    Words words_;
};
#pragma GCC diagnostic pop

}  // namespace lgw::adapters
