#include "metrics.hpp"

#include <chrono>
#include <sstream>

namespace waitroomd {

void Metrics::delivered(const std::string& subscription, long long n) {
    std::lock_guard<std::mutex> lock(mutex_);
    subscriptions_[subscription].delivered += n;
}

void Metrics::failed(const std::string& subscription) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++subscriptions_[subscription].failed;
}

void Metrics::dead_lettered(const std::string& subscription) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++subscriptions_[subscription].dead_lettered;
}

void Metrics::duplicates(long long n) {
    std::lock_guard<std::mutex> lock(mutex_);
    duplicates_ += n;
}

void Metrics::reconnected() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++reconnects_;
}

void Metrics::set_connected(bool connected) {
    std::lock_guard<std::mutex> lock(mutex_);
    connected_ = connected;
}

void Metrics::set_backlog(long long pending, double lag_seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = pending;
    lag_seconds_ = lag_seconds;
}

void Metrics::task_enabled(const std::string& task) {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_[task];
}

void Metrics::task_succeeded(const std::string& task) {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::lock_guard<std::mutex> lock(mutex_);
    PerTask& t = tasks_[task];
    t.last_success = now;
    t.failing.clear();
}

void Metrics::task_failed(const std::string& task, const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    PerTask& t = tasks_[task];
    ++t.failures;
    t.failing = reason.empty() ? "failed" : reason;
}

std::map<std::string, std::string> Metrics::failing_tasks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, std::string> out;
    for (const auto& [task, t] : tasks_)
        if (!t.failing.empty()) out[task] = t.failing;
    return out;
}

bool Metrics::connected() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return connected_;
}

std::string Metrics::prometheus() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    auto per_subscription = [&](const char* name, const char* help, auto field) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n";
        for (const auto& [id, c] : subscriptions_) {
            out << name << "{subscription=\"" << id << "\"} " << c.*field << '\n';
        }
    };
    per_subscription("waitroomd_delivered_total", "Events delivered to a sink.",
                     &PerSubscription::delivered);
    per_subscription("waitroomd_failed_total", "Failed delivery attempts.",
                     &PerSubscription::failed);
    per_subscription("waitroomd_dead_lettered_total", "Deliveries given up after max attempts.",
                     &PerSubscription::dead_lettered);
    out << "# HELP waitroomd_duplicates_total Deliveries another daemon had already acknowledged.\n"
        << "# TYPE waitroomd_duplicates_total counter\nwaitroomd_duplicates_total " << duplicates_
        << "\n# HELP waitroomd_reconnects_total Database reconnections.\n"
        << "# TYPE waitroomd_reconnects_total counter\nwaitroomd_reconnects_total " << reconnects_
        << "\n# HELP waitroomd_pending_deliveries Deliveries waiting for the sinks served here.\n"
        << "# TYPE waitroomd_pending_deliveries gauge\nwaitroomd_pending_deliveries " << pending_
        << "\n# HELP waitroomd_lag_seconds Age of the oldest pending delivery's event.\n"
        << "# TYPE waitroomd_lag_seconds gauge\nwaitroomd_lag_seconds " << lag_seconds_
        << "\n# HELP waitroomd_database_connected 1 while connected to the database.\n"
        << "# TYPE waitroomd_database_connected gauge\nwaitroomd_database_connected "
        << (connected_ ? 1 : 0) << '\n';
    auto per_task = [&](const char* name, const char* type, const char* help, auto value) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
        for (const auto& [task, t] : tasks_) {
            out << name << "{task=\"" << task << "\"} " << value(t) << '\n';
        }
    };
    per_task("waitroomd_task_failures_total", "counter",
             "Failures of a task: release_due, purge_delivered (calls), deliver (rounds of "
             "claim, delivery and acknowledgement that failed with a database error).",
             [](const PerTask& t) { return t.failures; });
    per_task("waitroomd_task_failing", "gauge", "1 while the task's latest call or round failed.",
             [](const PerTask& t) { return t.failing.empty() ? 0 : 1; });
    per_task("waitroomd_task_last_success_timestamp_seconds", "gauge",
             "Unix time of the task's last success (0: none yet).",
             [](const PerTask& t) { return static_cast<long long>(t.last_success); });
    return out.str();
}

}  // namespace waitroomd
