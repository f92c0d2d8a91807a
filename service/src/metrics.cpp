#include "metrics.hpp"

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
    return out.str();
}

}  // namespace waitroomd
