// Counters and gauges for /metrics (Prometheus text format). Written by the dispatcher and the
// stats poller, read by the HTTP thread. Every series a dashboard or an alert names exists from the
// first scrape, at 0 (each plan status and waiting reason from the start, each subscription from
// the first poll of the database), so that absent() and rate() work before anything happens.
#pragma once

#include <array>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace waitroomd {

// The version of waitroom this daemon was built with (the Makefile's EXTVERSION, passed by CMake).
extern const char* const kVersion;

// Upper bounds (seconds) of the delivery latency histogram's buckets, 5 ms to 5 min.
inline constexpr std::array<double, 15> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                        2.5,   5,    10,    30,   60,  120,  300};
// routing_plan.status values (10_schema.sql); ROUTED and CANCELLED are estimates in stats.
inline constexpr std::array<const char*, 4> kPlanStatuses{"WAITING", "NOT_ROUTABLE", "ROUTED",
                                                          "CANCELLED"};
// The reasons of the waiting_room view (31_waiting_queue.sql); test/suites/61-metrics.sh
// checks this list against the view's definition.
inline constexpr std::array<const char*, 5> kWaitingReasons{
    "PREORDER_NOT_RELEASED", "BACKORDER_NO_STOCK", "QUEUED_BEHIND_EARLIER_ORDERS",
    "BUNDLE_INCOMPLETE", "WAITING_FOR_OTHER_ITEMS"};

// One row of waitroom.stats (70_stats.sql); estimates not yet available (no ANALYZE) are 0.
struct WaitingRoomStats {
    std::map<std::string, long long> plans;  // by status
    long long waiting_lines = 0;
    double oldest_wait_seconds = 0;
    long long reroute_queue_depth = 0;
    long long deliveries_pending = 0;
    long long deliveries_dead = 0;
};

// One subscription's backlog (outbox_backlog() for it alone).
struct SubscriptionBacklog {
    std::string subscription;
    bool active = true;
    long long pending = 0;
    double lag_seconds = 0;  // age of its oldest pending event
};

class Metrics {
public:
    Metrics();  // every plan status and waiting reason at 0
    void delivered(const std::string& subscription, long long n = 1);
    void failed(const std::string& subscription);
    void dead_lettered(const std::string& subscription);
    // The latency of one delivery: its event's creation until its acknowledgement committed.
    void delivery_latency(const std::string& subscription, double seconds);
    void duplicates(long long n);
    void reconnected();
    void set_connected(bool connected);
    void set_backlog(long long pending, double lag_seconds);
    // The database-wide gauges, polled every few seconds.
    void set_waiting_room(const WaitingRoomStats& stats);
    void set_waiting_lines_by_reason(const std::map<std::string, long long>& lines);
    // Every subscription of the database: their series start at 0; a deleted one's gauges go.
    void set_subscriptions(const std::vector<SubscriptionBacklog>& subscriptions);
    void stats_poll_failed();
    // The stats poller's first round ended (or its session could not be opened): until then
    // the daemon does not report itself connected, so that a scrape that sees it up sees every
    // subscription's series. Deliveries do not wait for it.
    void first_poll_done();
    // Tasks (release_due, purge_delivered, deliver): a task whose latest call failed makes the
    // daemon unhealthy until a call succeeds.
    void task_enabled(const std::string& task);
    void task_succeeded(const std::string& task);
    void task_failed(const std::string& task, const std::string& reason);

    bool connected() const;  // the dispatcher's session is up and the first poll ended
    // Task -> reason, for the tasks whose latest call failed.
    std::map<std::string, std::string> failing_tasks() const;
    std::string prometheus() const;

private:
    struct Histogram {
        std::array<long long, kLatencyBuckets.size()> counts{};  // per bucket, not cumulative
        long long count = 0;
        double sum = 0;
        void observe(double value);
    };
    struct PerSubscription {
        long long delivered = 0;
        long long failed = 0;
        long long dead_lettered = 0;
        Histogram latency;
        bool in_database = false;  // seen by the latest poll: its backlog gauges are shown
        SubscriptionBacklog backlog;
    };
    struct PerTask {
        long long failures = 0;
        double last_success = 0;  // Unix seconds; 0 = never
        std::string failing;      // the latest call's error; empty when it succeeded
    };
    void write_daemon(std::ostream& out) const;
    void write_subscriptions(std::ostream& out) const;
    void write_waiting_room(std::ostream& out) const;
    void write_tasks(std::ostream& out) const;

    mutable std::mutex mutex_;
    std::map<std::string, PerSubscription> subscriptions_;
    std::map<std::string, PerTask> tasks_;
    long long duplicates_ = 0;
    long long reconnects_ = 0;
    bool connected_ = false;
    bool first_poll_done_ = false;
    long long pending_ = 0;
    double lag_seconds_ = 0;
    WaitingRoomStats waiting_room_;
    std::map<std::string, long long> lines_by_reason_;
    long long stats_poll_failures_ = 0;
    double stats_last_success_ = 0;
};

}  // namespace waitroomd
