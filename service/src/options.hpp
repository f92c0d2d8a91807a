// Command line of waitroomd. Database connection: --conninfo plus the usual PG* environment.
#pragma once

#include <string>
#include <vector>

namespace waitroomd {

struct Options {
    std::string conninfo;  // libpq conninfo or URI; empty = PG* environment only
    std::string name;      // this instance, recorded in delivery.delivered_by
    std::string stdout_subscription = "stdout";  // empty = no stdout sink
    bool webhooks = true;
    double poll_interval = 5.0;      // backstop scan when no NOTIFY arrives
    int batch_lanes = 256;           // lanes (subscription x order) claimed per transaction
    int batch_per_lane = 100;        // events per lane per transaction
    double batch_max_seconds = 1.0;  // commit at least this often: bounds the replay after a crash
    int max_attempts = 10;           // then the delivery is dead-lettered
    double retry_base = 1.0;         // first retry delay; doubles per attempt, jittered
    double retry_max = 300.0;
    double http_timeout = 10.0;
    // Webhook URLs that may be requested (UrlPolicy): schemes, hosts ("*", "*.suffix", exact)
    // and whether allowed names may resolve to internal addresses.
    std::vector<std::string> webhook_schemes{"https"};
    std::vector<std::string> webhook_hosts{"*"};
    bool webhook_allow_internal = false;
    double release_due_interval = 60.0;  // 0 = never call waitroom.release_due()
    double purge_interval = 3600.0;      // 0 = never call waitroom.purge_delivered()
    double reconnect_base = 0.5;
    double reconnect_max = 30.0;
    std::string http_host = "127.0.0.1";  // /healthz, /metrics and the dashboard
    int http_port = 9187;                 // 0 = no HTTP endpoint
    bool dashboard = true;                // the page and /dashboard.json on the HTTP port
    bool verbose = false;                 // one log line per delivery
};

// Parses argv; on --help or a usage error prints and exits (CLI11 conventions).
Options parse_options(int argc, char** argv);

}  // namespace waitroomd
