#include "http_endpoint.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "log.hpp"

namespace waitroomd {
namespace {

// A web page can make a browser call us under a name of its own that resolves to 127.0.0.1
// (DNS rebinding); the request then carries that name as Host. The dashboard answers only to
// an IP address, localhost or the --http-host name.
bool trusted_host(const std::string& host_header, const std::string& bind_host) {
    if (host_header.empty()) return true;         // not a browser (HTTP/1.0)
    if (host_header.front() == '[') return true;  // an IPv6 address
    std::string host = host_header;
    const auto colon = host.rfind(':');
    if (colon != std::string::npos) host.resize(colon);
    if (host == "localhost" || host == bind_host) return true;
    in_addr v4{};
    return inet_pton(AF_INET, host.c_str(), &v4) == 1;
}

// True (and a 403 answered) when the request's Host is not one the dashboard answers to.
bool refused(const httplib::Request& req, httplib::Response& res, const std::string& bind_host) {
    if (trusted_host(req.get_header_value("Host"), bind_host)) return false;
    res.status = 403;
    res.set_content("unexpected Host header\n", "text/plain");
    return true;
}

}  // namespace

HttpEndpoint::HttpEndpoint(const Metrics& metrics, Dashboard* dashboard)
    : metrics_(metrics), dashboard_(dashboard), server_(std::make_unique<httplib::Server>()) {}

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
    if (dashboard_ != nullptr) serve_dashboard(host);
    if (!server_->bind_to_port(host.c_str(), port)) {
        log::error("http_listen_failed", {{"host", host}, {"port", port}});
        return false;
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    log::info("http_listening", {{"host", host}, {"port", port}});
    return true;
}

void HttpEndpoint::serve_dashboard(const std::string& bind_host) {
    // The page loads its script and style from here and nothing else from anywhere: an
    // injected tag could neither run inline script nor load or send anything elsewhere.
    server_->set_default_headers(
        {{"Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
          "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
         {"X-Content-Type-Options", "nosniff"},
         {"X-Frame-Options", "DENY"},
         {"Referrer-Policy", "no-referrer"},
         {"Cache-Control", "no-store"}});
    const auto file = [bind_host](const char* body, const char* type) {
        return [body, type, bind_host](const httplib::Request& req, httplib::Response& res) {
            if (!refused(req, res, bind_host)) res.set_content(body, type);
        };
    };
    server_->Get("/", file(kDashboardHtml, "text/html; charset=utf-8"));
    server_->Get("/dashboard", file(kDashboardHtml, "text/html; charset=utf-8"));
    server_->Get("/dashboard.js", file(kDashboardJs, "text/javascript; charset=utf-8"));
    server_->Get("/dashboard.css", file(kDashboardCss, "text/css; charset=utf-8"));
    server_->Get("/dashboard.json",
                 [this, bind_host](const httplib::Request& req, httplib::Response& res) {
                     if (refused(req, res, bind_host)) return;
                     res.set_content(dashboard_->snapshot().dump(
                                         -1, ' ', false, nlohmann::json::error_handler_t::replace),
                                     "application/json");
                 });
}

void HttpEndpoint::stop() {
    if (thread_.joinable()) {
        server_->stop();
        thread_.join();
    }
}

}  // namespace waitroomd
