#include "metrics.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sstream>

#ifndef WAITROOMD_VERSION
#error "WAITROOMD_VERSION is defined by service/CMakeLists.txt from the Makefile's EXTVERSION"
#endif

namespace waitroomd {

const char* const kVersion = WAITROOMD_VERSION;

namespace {

double unix_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A sample or bucket bound: the shortest form that reads back the same value (0.005, not
// 0.0050000000000000001).
std::string number(double value) {
    std::array<char, 32> buffer{};
    for (int precision = 6; precision <= 17; ++precision) {
        std::snprintf(buffer.data(), buffer.size(), "%.*g", precision, value);
        if (std::strtod(buffer.data(), nullptr) == value) break;
    }
    return buffer.data();
}

// A label value: backslash, double quote and newline escaped (text format 0.0.4).
std::string label(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void header(std::ostream& out, const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

Metrics::Metrics() {
    for (const char* status : kPlanStatuses) waiting_room_.plans[status] = 0;
    for (const char* reason : kWaitingReasons) lines_by_reason_[reason] = 0;
}

void Metrics::Histogram::observe(double value) {
    size_t bucket = 0;
    while (bucket < kLatencyBuckets.size() && value > kLatencyBuckets[bucket]) ++bucket;
    if (bucket < kLatencyBuckets.size()) ++counts[bucket];
    ++count;
    sum += value;
}

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

void Metrics::delivery_latency(const std::string& subscription, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    subscriptions_[subscription].latency.observe(seconds);
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

void Metrics::set_waiting_room(const WaitingRoomStats& stats) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto plans = waiting_room_.plans;
    for (const auto& [status, n] : stats.plans) plans[status] = n;
    waiting_room_ = stats;
    waiting_room_.plans = std::move(plans);
    stats_last_success_ = unix_now();
}

void Metrics::set_waiting_lines_by_reason(const std::map<std::string, long long>& lines) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [reason, n] : lines_by_reason_) n = 0;  // a reason without lines is absent
    for (const auto& [reason, n] : lines) lines_by_reason_[reason] = n;
}

void Metrics::set_subscriptions(const std::vector<SubscriptionBacklog>& subscriptions) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, s] : subscriptions_) s.in_database = false;
    for (const SubscriptionBacklog& b : subscriptions) {
        PerSubscription& s = subscriptions_[b.subscription];
        s.in_database = true;
        s.backlog = b;
    }
}

void Metrics::stats_poll_failed() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_poll_failures_;
}

void Metrics::first_poll_done() {
    std::lock_guard<std::mutex> lock(mutex_);
    first_poll_done_ = true;
}

void Metrics::task_enabled(const std::string& task) {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_[task];
}

void Metrics::task_succeeded(const std::string& task) {
    const double now = unix_now();
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
    return connected_ && first_poll_done_;
}

std::string Metrics::prometheus() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    write_daemon(out);
    write_subscriptions(out);
    write_waiting_room(out);
    write_tasks(out);
    return out.str();
}

void Metrics::write_daemon(std::ostream& out) const {
    header(out, "waitroomd_build_info", "gauge",
           "The waitroom version this daemon was built with.");
    out << "waitroomd_build_info{version=\"" << label(kVersion) << "\"} 1\n";
    header(out, "waitroomd_duplicates_total", "counter",
           "Deliveries another daemon had already acknowledged.");
    out << "waitroomd_duplicates_total " << duplicates_ << '\n';
    header(out, "waitroomd_reconnects_total", "counter", "Database reconnections.");
    out << "waitroomd_reconnects_total " << reconnects_ << '\n';
    header(out, "waitroomd_pending_deliveries", "gauge",
           "Deliveries waiting for the sinks served here.");
    out << "waitroomd_pending_deliveries " << pending_ << '\n';
    header(out, "waitroomd_lag_seconds", "gauge", "Age of the oldest pending delivery's event.");
    out << "waitroomd_lag_seconds " << number(lag_seconds_) << '\n';
    header(out, "waitroomd_database_connected", "gauge", "1 while connected to the database.");
    out << "waitroomd_database_connected " << (connected_ && first_poll_done_ ? 1 : 0) << '\n';
    header(out, "waitroomd_stats_poll_failures_total", "counter",
           "Failed polls of the database-wide gauges (waitroom_*).");
    out << "waitroomd_stats_poll_failures_total " << stats_poll_failures_ << '\n';
    header(out, "waitroomd_stats_last_success_timestamp_seconds", "gauge",
           "Unix time of the last successful poll of waitroom.stats (0: none yet).");
    out << "waitroomd_stats_last_success_timestamp_seconds "
        << static_cast<long long>(stats_last_success_) << '\n';
}

void Metrics::write_subscriptions(std::ostream& out) const {
    auto per_subscription = [&](const char* name, const char* type, const char* help,
                                bool in_database_only, auto value) {
        header(out, name, type, help);
        for (const auto& [id, s] : subscriptions_) {
            if (in_database_only && !s.in_database) continue;
            out << name << "{subscription=\"" << label(id) << "\"} " << value(s) << '\n';
        }
    };
    per_subscription("waitroomd_delivered_total", "counter", "Events delivered to a sink.", false,
                     [](const PerSubscription& s) { return s.delivered; });
    per_subscription("waitroomd_failed_total", "counter", "Failed delivery attempts.", false,
                     [](const PerSubscription& s) { return s.failed; });
    per_subscription("waitroomd_dead_lettered_total", "counter",
                     "Deliveries given up after max attempts.", false,
                     [](const PerSubscription& s) { return s.dead_lettered; });

    const char* const latency = "waitroomd_delivery_latency_seconds";
    header(out, latency, "histogram",
           "Delivery latency by this daemon: event created until its acknowledgement committed.");
    for (const auto& [id, s] : subscriptions_) {
        const std::string sub = "subscription=\"" + label(id) + '"';
        long long cumulative = 0;
        for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
            cumulative += s.latency.counts[i];
            out << latency << "_bucket{" << sub << ",le=\"" << number(kLatencyBuckets[i]) << "\"} "
                << cumulative << '\n';
        }
        out << latency << "_bucket{" << sub << ",le=\"+Inf\"} " << s.latency.count << '\n'
            << latency << "_sum{" << sub << "} " << number(s.latency.sum) << '\n'
            << latency << "_count{" << sub << "} " << s.latency.count << '\n';
    }

    per_subscription("waitroom_subscription_pending_deliveries", "gauge",
                     "Pending deliveries of a subscription (0 while it is paused).", true,
                     [](const PerSubscription& s) { return s.backlog.pending; });
    per_subscription("waitroom_subscription_lag_seconds", "gauge",
                     "Age of a subscription's oldest pending event (0 while it is paused).", true,
                     [](const PerSubscription& s) { return number(s.backlog.lag_seconds); });
    per_subscription("waitroom_subscription_active", "gauge",
                     "1 for an active subscription, 0 for a paused one.", true,
                     [](const PerSubscription& s) { return s.backlog.active ? 1 : 0; });
}

void Metrics::write_waiting_room(std::ostream& out) const {
    header(out, "waitroom_plans", "gauge",
           "Routing plans by status (WAITING, NOT_ROUTABLE exact; ROUTED, CANCELLED estimated "
           "from the last ANALYZE, 0 before it).");
    for (const char* status : kPlanStatuses)
        out << "waitroom_plans{status=\"" << status << "\"} " << waiting_room_.plans.at(status)
            << '\n';
    header(out, "waitroom_waiting_lines", "gauge", "Plan lines in the waiting room.");
    out << "waitroom_waiting_lines " << waiting_room_.waiting_lines << '\n';
    header(out, "waitroom_waiting_lines_by_reason", "gauge",
           "Waiting lines by reason (waitroom.waiting_room; polled every 30 s or less often).");
    for (const auto& [reason, n] : lines_by_reason_)
        out << "waitroom_waiting_lines_by_reason{reason=\"" << label(reason) << "\"} " << n << '\n';
    header(out, "waitroom_oldest_wait_seconds", "gauge",
           "How long the oldest waiting plan has waited (0: none waits).");
    out << "waitroom_oldest_wait_seconds " << number(waiting_room_.oldest_wait_seconds) << '\n';
    header(out, "waitroom_reroute_queue_depth", "gauge",
           "Articles deferred to reroute_queue, waiting for release_due().");
    out << "waitroom_reroute_queue_depth " << waiting_room_.reroute_queue_depth << '\n';
    header(out, "waitroom_deliveries", "gauge",
           "Open deliveries of every subscription, by state (pending, dead).");
    out << "waitroom_deliveries{state=\"pending\"} " << waiting_room_.deliveries_pending << '\n'
        << "waitroom_deliveries{state=\"dead\"} " << waiting_room_.deliveries_dead << '\n';
}

void Metrics::write_tasks(std::ostream& out) const {
    auto per_task = [&](const char* name, const char* type, const char* help, auto value) {
        header(out, name, type, help);
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
}

}  // namespace waitroomd
