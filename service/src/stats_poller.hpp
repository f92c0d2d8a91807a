// The database-wide gauges of /metrics (waitroom.stats, each subscription's backlog, lines per
// reason), polled on a thread and a read-only session of their own: a slow count costs a
// backend, never a delivery. libpq sessions are not shared across threads, so this one is used by
// the poller's thread only; the figures reach the dispatcher and the HTTP thread through Metrics.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "backoff.hpp"
#include "metrics.hpp"
#include "options.hpp"
#include "outbox.hpp"
#include "pg_connection.hpp"
#include "timer.hpp"

namespace waitroomd {

class StatsPoller {
public:
    StatsPoller(const Options& options, Metrics& metrics);
    ~StatsPoller();
    StatsPoller(const StatsPoller&) = delete;
    StatsPoller& operator=(const StatsPoller&) = delete;
    StatsPoller(StatsPoller&&) = delete;
    StatsPoller& operator=(StatsPoller&&) = delete;

    void start();
    // Ends the thread; waits at most for the statement in progress (statement_timeout).
    void stop();

private:
    void run();
    bool connect();  // false when asked to stop while retrying
    void poll(bool with_reasons);
    void wait(double seconds);
    bool stopping();

    Metrics& metrics_;
    PgConnection db_;
    Outbox outbox_;
    Backoff reconnect_backoff_;
    Timer stats_timer_;
    Timer::Clock::time_point reasons_due_;  // lines per reason: next poll (spaced by its cost)
    std::mutex mutex_;                      // guards stopping_ only, never held over a query
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace waitroomd
