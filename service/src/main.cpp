// waitroomd: publishes waitroom's outbox to stdout (JSON lines) and HTTP webhooks.
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
    HttpEndpoint http(metrics);
    if (options.http_port > 0 && !http.start(options.http_host, options.http_port)) return 2;

    Dispatcher dispatcher(options, metrics);
    const int code = dispatcher.run();
    http.stop();
    return code;
}
