#include "http_endpoint.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "log.hpp"

namespace waitroomd {

HttpEndpoint::HttpEndpoint(const Metrics& metrics)
    : metrics_(metrics), server_(std::make_unique<httplib::Server>()) {}

HttpEndpoint::~HttpEndpoint() { stop(); }

bool HttpEndpoint::start(const std::string& host, int port) {
    // Healthy = the process runs, holds a database session, and the latest call of each
    // housekeeping task succeeded. Otherwise 503 with the reason.
    server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
        const bool up = metrics_.connected();
        const auto failing = metrics_.failing_tasks();
        nlohmann::json body = {{"status", up && failing.empty() ? "ok" : "unhealthy"},
                               {"database", up ? "connected" : "disconnected"}};
        if (!failing.empty()) body["failing"] = failing;
        res.status = up && failing.empty() ? 200 : 503;
        res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
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
