#pragma once
// POST /v1/scans and PATCH /v1/scans/{id}/fields (API.md section 2). Owns the OCR engine pool,
// made on the first scan.
#include <memory>

#include "gateway/http/router.hpp"
#include "gateway/services/services.hpp"

namespace lgw::adapters::blob {
class DocumentVault;
}

namespace lgw::gateway {

class Auditor;

class ScanService {
public:
    ScanService(Services& services, Auditor& auditor, adapters::blob::DocumentVault& vault);
    ~ScanService();
    void addRoutes(Router& router);
    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace lgw::gateway
