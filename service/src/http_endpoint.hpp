// /healthz and /metrics on a local port, served from a thread of its own.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "metrics.hpp"

namespace httplib {
class Server;
}

namespace waitroomd {

class HttpEndpoint {
public:
    explicit HttpEndpoint(const Metrics& metrics);
    ~HttpEndpoint();
    // Binds and starts serving; returns false (and logs) when the address is taken.
    bool start(const std::string& host, int port);
    void stop();

private:
    const Metrics& metrics_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
};

}  // namespace waitroomd
