// /healthz, /metrics and the dashboard (/, dashboard.json) on a local port, served from
// threads of their own.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "dashboard.hpp"
#include "metrics.hpp"

namespace httplib {
class Server;
}

namespace waitroomd {

class HttpEndpoint {
public:
    // dashboard: nullptr = no dashboard (its URLs answer 404).
    HttpEndpoint(const Metrics& metrics, Dashboard* dashboard);
    ~HttpEndpoint();
    // Binds and starts serving; returns false (and logs) when the address is taken.
    bool start(const std::string& host, int port);
    void stop();

private:
    void serve_dashboard(const std::string& bind_host);

    const Metrics& metrics_;
    Dashboard* dashboard_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
};

}  // namespace waitroomd
