// The daemon's loop: keep a session (LISTEN, then scan, on every connect), claim batches of
// deliveries, hand them to the sinks in lane order, record the outcome, and run the timers
// (release_due, purge_delivered, lag). NOTIFY only wakes the loop; the backstop poll covers lost
// wake-ups. The database-wide gauges of /metrics are polled by a StatsPoller of its own.
#pragma once

#include <functional>
#include <string>

#include "backoff.hpp"
#include "metrics.hpp"
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
    BatchOutcome deliver_batch();
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
    StatsPoller stats_poller_;  // its own thread and session: never waited for
};

}  // namespace waitroomd
