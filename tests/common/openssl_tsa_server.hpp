#pragma once
// OpensslTsaPki over HTTP as RFC 3161 section 3.4 has it: POST /tsr with a DER TimeStampReq
// (application/timestamp-query), the DER TimeStampResp back (application/timestamp-reply). Fails
// on demand: `httpStatus` answers that status instead, `rogue` signs with the untrusted TSA.
#include <atomic>

#include "gateway/http/embedded_server.hpp"
#include "tests/common/openssl_tsa.hpp"

namespace lgw::testing {

class OpensslTsaServer {
public:
    explicit OpensslTsaServer(std::filesystem::path dir) : pki_(std::move(dir)), http_("openssl-tsa") {
        http_.router().add({"POST", "/tsr", {}, 0, {"application/timestamp-query"},
                            [this](gateway::HttpRequest r) { return handle(std::move(r)); }});
        http_.bind(gateway::EmbeddedServer::listenerAt("127.0.0.1", 0, 1, 64));
        http_.start();
    }
    std::string url() const { return http_.baseUrl() + "/tsr"; }
    OpensslTsaPki& pki() { return pki_; }

    std::atomic<int> httpStatus{0};
    std::atomic<bool> rogue{false};
    std::atomic<int> requests{0};
    std::atomic<int> granted{0};

private:
    boost::asio::awaitable<gateway::HttpResponse> handle(gateway::HttpRequest r) {
        ++requests;
        gateway::HttpResponse out;
        if (const int status = httpStatus.load()) {
            out.status = status;
            out.contentType = "text/plain";
            out.body = "fake TSA: failing on purpose";
            co_return out;
        }
        out.contentType = "application/timestamp-reply";
        out.body = pki_.reply(r.body, rogue.load());
        ++granted;
        co_return out;
    }

    OpensslTsaPki pki_;
    gateway::EmbeddedServer http_;
};

}  // namespace lgw::testing
