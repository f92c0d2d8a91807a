// The daemon's loop: keep a session (LISTEN, then scan, on every connect), claim batches of
// deliveries, hand them to the sinks in lane order, record the outcome, and run the timers
// (release_due, purge_delivered, lag). NOTIFY only wakes the loop; the backstop poll covers lost
// wake-ups. The database-wide gauges of /metrics are polled by a StatsPoller of its own.
// On Citus it claims tenant by tenant through the coordinator and LISTENs on every worker too.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "backoff.hpp"
#include "metrics.hpp"
#include "node_listeners.hpp"
#include "options.hpp"
#include "outbox.hpp"
#include "pg_connection.hpp"
#include "stats_poller.hpp"
#include "stdout_sink.hpp"
#include "timer.hpp"
#include "webhook_sink.hpp"

namespace waitroomd {

class Dispatcher {
public:
    Dispatcher(const Options& options, Metrics& metrics);
    // Runs until SIGTERM/SIGINT; returns the process exit code.
    int run();

private:
    struct BatchOutcome {
        size_t claimed = 0;
        size_t delivered = 0;
    };

    bool connect();  // false when a stop was requested while retrying
    // On Citus: which workers to LISTEN on (re-read on a timer: nodes come and go).
    void refresh_nodes();
    BatchOutcome deliver_batch(const std::optional<std::string>& tenant = std::nullopt);
    // On Citus: a batch per tenant with deliveries due, each its own transaction on one node.
    BatchOutcome deliver_per_tenant();
    long long release_due_per_tenant();
    std::vector<std::string> tenants_to_serve();
    void refresh_known_tenants();
    bool tenant_waiting(const std::string& tenant) const;  // after a failure, until its retry
    void tenant_failed(const std::string& tenant, const char* task, const PgError& e);
    double seconds_until_tenant_retry() const;
    SinkResult send(const Delivery& delivery);
    void record_failure(const Delivery& delivery, const std::string& error);
    void run_timers();
    void run_task(const std::string& task, Timer& timer, const char* count_field,
                  const std::function<long long()>& call);
    void refresh_backlog();  // metrics, and when the next retry falls due
    void record_latency(const std::vector<const Delivery*>& delivered);
    double seconds_until_retry() const;
    void wait_for_wakeup(double seconds);
    bool handle_notifications();

    const Options& options_;
    Metrics& metrics_;
    PgConnection db_;
    Outbox outbox_;
    StdoutSink stdout_sink_;
    WebhookSink webhook_sink_;
    Backoff retry_backoff_;
    Backoff reconnect_backoff_;
    Timer release_due_timer_;
    Timer purge_timer_;
    Timer backlog_timer_;
    bool latency_available_ = true;  // event_ages() answered (false until the next connect)
    Timer::Clock::time_point next_retry_at_ = Timer::Clock::time_point::max();
    bool ever_connected_ = false;
    // Citus (docs/scaling.md): set when daemon_nodes() names workers.
    bool cluster_ = false;
    NodeListeners listeners_;
    Timer nodes_timer_;
    std::vector<std::string> known_tenants_;  // tenant_ids() when it last answered
    struct TenantRetry {
        int failures = 0;
        Timer::Clock::time_point at;
    };
    std::map<std::string, TenantRetry> tenant_retry_;
    std::string last_tenant_error_;
    bool pending_tenants_failing_ = false;  // log the change, not every pass
    bool backlog_failing_ = false;
    StatsPoller stats_poller_;  // its own thread and session: never waited for
};

}  // namespace waitroomd
