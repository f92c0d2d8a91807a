// Counters and gauges for /metrics (Prometheus text format). Written by the dispatcher,
// read by the HTTP thread.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace waitroomd {

class Metrics {
public:
    void delivered(const std::string& subscription, long long n = 1);
    void failed(const std::string& subscription);
    void dead_lettered(const std::string& subscription);
    void duplicates(long long n);
    void reconnected();
    void set_connected(bool connected);
    void set_backlog(long long pending, double lag_seconds);
    // Tasks (release_due, purge_delivered, deliver): a task whose latest call failed makes the
    // daemon unhealthy until a call succeeds.
    void task_enabled(const std::string& task);
    void task_succeeded(const std::string& task);
    void task_failed(const std::string& task, const std::string& reason);

    bool connected() const;
    // Task -> reason, for the tasks whose latest call failed.
    std::map<std::string, std::string> failing_tasks() const;
    std::string prometheus() const;

private:
    struct PerSubscription {
        long long delivered = 0;
        long long failed = 0;
        long long dead_lettered = 0;
    };
    struct PerTask {
        long long failures = 0;
        double last_success = 0;  // Unix seconds; 0 = never
        std::string failing;      // the latest call's error; empty when it succeeded
    };
    mutable std::mutex mutex_;
    std::map<std::string, PerSubscription> subscriptions_;
    std::map<std::string, PerTask> tasks_;
    long long duplicates_ = 0;
    long long reconnects_ = 0;
    bool connected_ = false;
    long long pending_ = 0;
    double lag_seconds_ = 0;
};

}  // namespace waitroomd
