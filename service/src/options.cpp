#include "options.hpp"

#include <unistd.h>
#include <CLI/CLI.hpp>
#include <array>
#include <cstdlib>

namespace waitroomd {
namespace {

std::string default_name() {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) != 0)
        return "waitroomd:" + std::to_string(getpid());
    return std::string(host.data()) + ":" + std::to_string(getpid());
}

}  // namespace

Options parse_options(int argc, char** argv) {
    Options o;
    o.name = default_name();
    bool no_stdout = false;
    bool no_webhooks = false;
    bool no_dashboard = false;

    CLI::App app{
        "waitroomd: publishes waitroom's outbox (waitroom.event) at least once, in order per "
        "order,\nto JSON lines on stdout and to signed HTTP webhooks (waitroom.subscription).\n"
        "Connects with libpq: --conninfo and/or PGHOST, PGPORT, PGUSER, PGDATABASE, "
        "PGPASSWORD, ...\nas a login granted the role waitroom_daemon (not the extension owner).\n"
        "Webhooks: https to public addresses only, unless the --webhook-allow-* options say "
        "otherwise.\nLogs one JSON line per action on stderr; /healthz answers 503 while the "
        "database is\nunreachable or the latest release_due, purge_delivered or delivery round "
        "failed."};
    app.option_defaults()->always_capture_default();

    app.add_option("-d,--conninfo", o.conninfo,
                   "libpq connection string or URI (empty: PG* environment)");
    app.add_option("--name", o.name, "instance name recorded in delivery.delivered_by");
    app.add_option("--stdout-subscription", o.stdout_subscription,
                   "subscription printed as JSON lines on stdout");
    app.add_flag("--no-stdout", no_stdout, "do not serve the stdout sink");
    app.add_flag("--no-webhooks", no_webhooks, "do not serve webhook subscriptions");
    app.add_option("--poll-interval", o.poll_interval,
                   "seconds between backstop scans when no NOTIFY arrives")
        ->check(CLI::PositiveNumber);
    app.add_option("--batch-lanes", o.batch_lanes, "orders (per sink) claimed per transaction")
        ->check(CLI::PositiveNumber);
    app.add_option("--batch-per-lane", o.batch_per_lane, "events per order per transaction")
        ->check(CLI::PositiveNumber);
    app.add_option("--batch-max-seconds", o.batch_max_seconds,
                   "commit delivered events at least this often (what a crash can repeat)")
        ->check(CLI::PositiveNumber);
    app.add_option(
           "--max-attempts", o.max_attempts,
           "attempts before a webhook delivery is dead-lettered (subscription may override)")
        ->check(CLI::PositiveNumber);
    app.add_option("--retry-base", o.retry_base,
                   "seconds before the first retry (doubles, jittered)")
        ->check(CLI::PositiveNumber);
    app.add_option("--retry-max", o.retry_max, "longest delay between retries, seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--http-timeout", o.http_timeout, "webhook request timeout, seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--webhook-allow-scheme", o.webhook_schemes,
                   "URL scheme webhooks may use (repeatable; anything else fails the delivery)")
        ->check(CLI::IsMember({"http", "https"}, CLI::ignore_case));
    app.add_option("--webhook-allow-host", o.webhook_hosts,
                   "host webhooks may call: a name or IP address, *.example.com for its "
                   "subdomains, * for any (repeatable)");
    app.add_flag(
        "--webhook-allow-internal", o.webhook_allow_internal,
        "let allowed host names resolve to loopback, private and link-local addresses "
        "(otherwise only an IP address listed exactly by --webhook-allow-host may be one)");
    app.add_option("--release-due-interval", o.release_due_interval,
                   "seconds between calls of waitroom.release_due() (0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--purge-interval", o.purge_interval,
                   "seconds between calls of waitroom.purge_delivered() (0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--reconnect-base", o.reconnect_base, "first reconnect delay, seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--reconnect-max", o.reconnect_max, "longest reconnect delay, seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--http-host", o.http_host, "address of /healthz, /metrics and the dashboard");
    app.add_option("--http-port", o.http_port,
                   "port of /healthz, /metrics and the dashboard (0: off)")
        ->check(CLI::Range(0, 65535));
    app.add_flag(
        "--no-dashboard", no_dashboard,
        "do not serve the dashboard (/ and /dashboard.json) nor open its database session");
    app.add_flag("-v,--verbose", o.verbose, "log one line per delivery");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    if (no_stdout) o.stdout_subscription.clear();
    if (no_webhooks) o.webhooks = false;
    if (no_dashboard) o.dashboard = false;
    return o;
}

}  // namespace waitroomd
