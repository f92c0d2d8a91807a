#include "http_endpoint.hpp"

#include <httplib.h>

#include "log.hpp"

namespace waitroomd {

HttpEndpoint::HttpEndpoint(const Metrics& metrics)
    : metrics_(metrics), server_(std::make_unique<httplib::Server>()) {}

HttpEndpoint::~HttpEndpoint() { stop(); }

bool HttpEndpoint::start(const std::string& host, int port) {
    // Healthy = the process runs and holds a database session; 503 while reconnecting.
    server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
        const bool up = metrics_.connected();
        res.status = up ? 200 : 503;
        res.set_content(up ? "{\"status\":\"ok\",\"database\":\"connected\"}\n"
                           : "{\"status\":\"degraded\",\"database\":\"disconnected\"}\n",
                        "application/json");
    });
    server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics_.prometheus(), "text/plain; version=0.0.4");
    });
    if (!server_->bind_to_port(host.c_str(), port)) {
        log::error("http_listen_failed", {{"host", host}, {"port", port}});
        return false;
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    log::info("http_listening", {{"host", host}, {"port", port}});
    return true;
}

void HttpEndpoint::stop() {
    if (thread_.joinable()) {
        server_->stop();
        thread_.join();
    }
}

}  // namespace waitroomd
