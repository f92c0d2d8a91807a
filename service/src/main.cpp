// waitroomd: publishes waitroom's outbox to stdout (JSON lines) and HTTP webhooks.
#include <memory>

#include "dashboard.hpp"
#include "dispatcher.hpp"
#include "http_endpoint.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "options.hpp"
#include "stop_signal.hpp"

int main(int argc, char** argv) {
    using namespace waitroomd;
    const Options options = parse_options(argc, argv);
    log::set_verbose(options.verbose);
    stop_signal::install();

    Metrics metrics;
    // The dashboard reads over a session of its own, from the HTTP threads only.
    std::unique_ptr<Dashboard> dashboard;
    if (options.dashboard && options.http_port > 0)
        dashboard = std::make_unique<Dashboard>(options.conninfo, metrics);
    HttpEndpoint http(metrics, dashboard.get());
    if (options.http_port > 0 && !http.start(options.http_host, options.http_port)) return 2;

    Dispatcher dispatcher(options, metrics);
    const int code = dispatcher.run();
    http.stop();
    return code;
}
