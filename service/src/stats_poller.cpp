#include "stats_poller.hpp"

#include <algorithm>
#include <chrono>

#include "log.hpp"
#include "stop_signal.hpp"

namespace waitroomd {
namespace {

// waitroom.stats reads only the open work (~30 ms at 100,000 waiting plans) and each
// subscription's backlog its pending deliveries, every few seconds. Lines per reason compute
// every waiting article's queue (~3 s at 100,000 waiting plans): every 30 s, or 100 times as
// long as the last count took, so that they keep a backend busy at most 1% of the time.
constexpr double kStatsInterval = 5;
constexpr double kReasonsInterval = 30;
constexpr double kReasonsShare = 0.01;
// A signal handler cannot notify a condition variable: a wait looks at SIGTERM this often.
constexpr auto kStopCheck = std::chrono::milliseconds(200);

// Reads only; a statement that runs away (a count far above the ~3 s measured) or queues
// behind a lock is cut off and counted as a failed poll.
constexpr const char* kSessionSql =
    "SELECT pg_catalog.set_config('application_name', 'waitroomd stats', false),"
    "       pg_catalog.set_config('default_transaction_read_only', 'on', false),"
    "       pg_catalog.set_config('statement_timeout', '60s', false),"
    "       pg_catalog.set_config('lock_timeout', '5s', false)";

Timer::Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Timer::Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

StatsPoller::StatsPoller(const Options& options, Metrics& metrics)
    : metrics_(metrics),
      db_(options.conninfo),
      outbox_(db_, options),
      reconnect_backoff_(options.reconnect_base, options.reconnect_max),
      stats_timer_(kStatsInterval),
      reasons_due_(Timer::Clock::now()) {}

StatsPoller::~StatsPoller() { stop(); }

void StatsPoller::start() {
    thread_ = std::thread([this] { run(); });
}

void StatsPoller::stop() {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool StatsPoller::stopping() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return stopping_ || stop_signal::requested();
}

void StatsPoller::wait(double seconds_to_wait) {
    const auto until = Timer::Clock::now() + seconds(seconds_to_wait);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_ && !stop_signal::requested() && Timer::Clock::now() < until)
        wake_.wait_for(lock,
                       std::min<Timer::Clock::duration>(kStopCheck, until - Timer::Clock::now()));
}

void StatsPoller::run() {
    while (!stopping()) {
        if (!db_.connected() && !connect()) break;
        if (stats_timer_.due()) poll(Timer::Clock::now() >= reasons_due_);
        wait(stats_timer_.remaining());
    }
    db_.close();
}

bool StatsPoller::connect() {
    for (int attempt = 1; !stopping(); ++attempt) {
        try {
            db_.connect();
            db_.exec(kSessionSql);
            stats_timer_.expire_within(0);  // fresh figures at once after a (re)connect
            log::info("stats_db_connected", {{"server", db_.describe()}, {"attempt", attempt}});
            return true;
        } catch (const PgError& e) {
            db_.close();
            // The daemon does not wait for gauges it cannot read to report itself connected.
            metrics_.first_poll_done();
            const double delay = reconnect_backoff_.delay(attempt);
            log::warn("stats_db_connect_failed",
                      {{"attempt", attempt}, {"retry_in_s", delay}, {"error", e.what()}});
            wait(delay);
        }
    }
    return false;
}

// A failed poll (e.g. a login without the grants of this version) only leaves the gauges as
// they were: it is counted and logged.
void StatsPoller::poll(bool with_reasons) {
    stats_timer_.restart();
    const auto started = Timer::Clock::now();
    try {
        metrics_.set_subscriptions(outbox_.subscription_backlogs());
        metrics_.set_waiting_room(outbox_.waiting_room_stats());
        if (with_reasons) metrics_.set_waiting_lines_by_reason(outbox_.waiting_lines_by_reason());
    } catch (const PgError& e) {
        metrics_.stats_poll_failed();
        log::warn("stats_poll_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
        if (e.connection_lost || !db_.connected()) db_.close();  // reconnected with backoff
    } catch (const std::exception& e) {
        // A surprise from the database (e.g. an unparsable value): the next poll tries again.
        metrics_.stats_poll_failed();
        log::error("stats_poll_failed", {{"error", e.what()}});
    }
    // Spaced by what this poll cost, failed or not: a count cut off by statement_timeout is
    // not tried again after 5 s.
    if (with_reasons) {
        const auto now = Timer::Clock::now();
        const double took = std::chrono::duration<double>(now - started).count();
        reasons_due_ = now + seconds(std::max(kReasonsInterval, took / kReasonsShare));
    }
    metrics_.first_poll_done();
}

}  // namespace waitroomd
