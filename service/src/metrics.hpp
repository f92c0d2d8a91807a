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

    bool connected() const;
    std::string prometheus() const;

private:
    struct PerSubscription {
        long long delivered = 0;
        long long failed = 0;
        long long dead_lettered = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::string, PerSubscription> subscriptions_;
    long long duplicates_ = 0;
    long long reconnects_ = 0;
    bool connected_ = false;
    long long pending_ = 0;
    double lag_seconds_ = 0;
};

}  // namespace waitroomd
