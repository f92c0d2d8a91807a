#include "dispatcher.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>

#include "log.hpp"
#include "stop_signal.hpp"

namespace waitroomd {
namespace {

const char* const kChannel = "waitroom_event";
// The extension notifies this when a waiting-room pass deferred work to reroute_queue
// rather than wait into a lock cycle: release_due() drains the queue, so call it now.
const char* const kRerouteChannel = "waitroom_reroute";
// The delivery loop as a task for /healthz: a claim or acknowledgement that the database refuses
// (e.g. a login without waitroom_daemon) must not look healthy.
const char* const kDeliverTask = "deliver";

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
        .count();
}

}  // namespace

Dispatcher::Dispatcher(const Options& options, Metrics& metrics)
    : options_(options),
      metrics_(metrics),
      db_(options.conninfo),
      outbox_(db_, options),
      webhook_sink_(options.http_timeout, UrlPolicy(options.webhook_schemes, options.webhook_hosts,
                                                    options.webhook_allow_internal)),
      retry_backoff_(options.retry_base, options.retry_max),
      reconnect_backoff_(options.reconnect_base, options.reconnect_max),
      release_due_timer_(options.release_due_interval),
      purge_timer_(options.purge_interval),
      backlog_timer_(1.0),
      stats_poller_(options, metrics) {
    if (release_due_timer_.enabled()) metrics_.task_enabled("release_due");
    if (purge_timer_.enabled()) metrics_.task_enabled("purge_delivered");
    metrics_.task_enabled(kDeliverTask);
}

int Dispatcher::run() {
    log::info("started", {{"name", options_.name},
                          {"stdout_subscription", options_.stdout_subscription},
                          {"webhooks", options_.webhooks},
                          {"webhook_allow_scheme", options_.webhook_schemes},
                          {"webhook_allow_host", options_.webhook_hosts},
                          {"webhook_allow_internal", options_.webhook_allow_internal}});
    stats_poller_.start();
    int exit_code = 0;
    while (!stop_signal::requested()) {
        if (!db_.connected() && !connect()) break;
        try {
            run_timers();
            const BatchOutcome batch = deliver_batch();
            if (batch.claimed == 0 || backlog_timer_.due()) refresh_backlog();
            metrics_.task_succeeded(kDeliverTask);
            if (batch.delivered > 0) continue;  // more may be waiting: drain before sleeping
            // Claimed but nothing delivered (failures): pause a little before the next try.
            const double floor = batch.claimed > 0 ? 0.05 : 0.0;
            wait_for_wakeup(std::max(
                floor, std::min({options_.poll_interval, seconds_until_retry(),
                                 release_due_timer_.remaining(), purge_timer_.remaining()})));
        } catch (const PgError& e) {
            if (e.connection_lost || !db_.connected()) {
                log::warn("db_connection_lost", {{"error", e.what()}});
                db_.close();
                metrics_.set_connected(false);
            } else {
                log::error("db_error", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
                metrics_.task_failed(kDeliverTask, e.sqlstate + ": " + e.what());
                stop_signal::sleep_for(options_.poll_interval);
            }
        } catch (const StdoutClosed& e) {
            log::error("stdout_closed", {{"error", e.what()}});
            exit_code = 1;
            break;
        } catch (const std::exception& e) {
            // A bug or a surprise from the database (e.g. an unparsable value): keep serving.
            log::error("unexpected_error", {{"error", e.what()}});
            metrics_.task_failed(kDeliverTask, e.what());
            stop_signal::sleep_for(options_.poll_interval);
        }
    }
    db_.close();
    metrics_.set_connected(false);
    stats_poller_.stop();
    log::info("stopped", {{"name", options_.name}, {"exit_code", exit_code}});
    return exit_code;
}

// LISTEN first, then scan: a NOTIFY sent between the scan and the LISTEN would otherwise be lost.
bool Dispatcher::connect() {
    for (int attempt = 1; !stop_signal::requested(); ++attempt) {
        try {
            db_.connect();
            db_.exec(std::string("LISTEN ") + kChannel);
            db_.exec(std::string("LISTEN ") + kRerouteChannel);
            latency_available_ = true;
            metrics_.set_connected(true);
            if (ever_connected_) metrics_.reconnected();
            ever_connected_ = true;
            log::info("db_connected",
                      {{"server", db_.describe()}, {"listen", kChannel}, {"attempt", attempt}});
            return true;
        } catch (const PgError& e) {
            db_.close();
            const double delay = reconnect_backoff_.delay(attempt);
            log::warn("db_connect_failed",
                      {{"attempt", attempt}, {"retry_in_s", delay}, {"error", e.what()}});
            stop_signal::sleep_for(delay);
        }
    }
    return false;
}

// One transaction: claim, deliver lane by lane (each lane stops at its first failure or not-yet-due
// retry), flush stdout, acknowledge, commit. A crash anywhere before the commit means the
// deliveries are repeated later (at least once), never lost.
Dispatcher::BatchOutcome Dispatcher::deliver_batch() {
    const auto started = std::chrono::steady_clock::now();
    PgTransaction tx(db_);
    // The commit need not wait for its WAL flush: an acknowledgement lost in a server crash
    // only repeats its deliveries (at least once), and WAL order keeps a later ack of a lane
    // from surviving an earlier one. This keeps the flush out of the delivery loop.
    db_.exec("SET LOCAL synchronous_commit = off");
    const std::vector<Delivery> claimed = outbox_.claim();
    BatchOutcome outcome{claimed.size(), 0};
    if (claimed.empty()) {
        tx.commit();
        return outcome;
    }

    std::vector<const Delivery*> delivered;
    std::set<std::string> failing;  // a subscription that just failed is not called again now
    size_t failures = 0;
    const Delivery* lane_stopped = nullptr;
    for (const Delivery& d : claimed) {
        if (lane_stopped && d.same_lane(*lane_stopped)) continue;
        lane_stopped = nullptr;
        if (stop_signal::requested()) break;  // finish the delivery in hand, take no more
        // Commit what is done; the rest of the claim is released and claimed again at once.
        if (elapsed_ms(started) > options_.batch_max_seconds * 1000) break;
        if (!d.due || failing.count(d.subscription_id)) {
            lane_stopped = &d;
            continue;
        }
        const SinkResult result = send(d);
        if (result.ok) {
            delivered.push_back(&d);
            log::debug("delivered", {{"subscription", d.subscription_id},
                                     {"event_id", d.event_id},
                                     {"order_id", d.order_id},
                                     {"tenant_id", d.tenant_id}});
            continue;
        }
        // Our own stdout being closed is not the event's fault: give up the whole batch instead
        // of spending the events' attempts, and let the supervisor restart us.
        if (d.kind == "stdout") throw StdoutClosed(result.error);
        ++failures;
        record_failure(d, result.error);
        if (d.kind == "webhook") failing.insert(d.subscription_id);
        lane_stopped = &d;
    }

    const SinkResult flushed = stdout_sink_.flush();
    if (!flushed.ok) throw StdoutClosed(flushed.error);  // rolled back: nothing counts
    const int acked = outbox_.ack(delivered);
    tx.commit();

    for (const Delivery* d : delivered) metrics_.delivered(d->subscription_id);
    record_latency(delivered);
    if (static_cast<size_t>(acked) < delivered.size()) {
        metrics_.duplicates(static_cast<long long>(delivered.size()) - acked);
        log::warn("duplicates", {{"count", delivered.size() - acked}});
    }
    outcome.delivered = delivered.size();
    log::info("batch", {{"claimed", claimed.size()},
                        {"delivered", delivered.size()},
                        {"failed", failures},
                        {"ms", elapsed_ms(started)}});
    return outcome;
}

SinkResult Dispatcher::send(const Delivery& delivery) {
    if (delivery.kind == "stdout") return stdout_sink_.deliver(delivery);
    return webhook_sink_.deliver(delivery);
}

void Dispatcher::record_failure(const Delivery& delivery, const std::string& error) {
    const double retry_in = retry_backoff_.delay(delivery.attempts + 1);
    const std::string state = outbox_.fail(delivery, error, retry_in);
    metrics_.failed(delivery.subscription_id);
    nlohmann::json fields = {{"subscription", delivery.subscription_id},
                             {"event_id", delivery.event_id},
                             {"order_id", delivery.order_id},
                             {"tenant_id", delivery.tenant_id},
                             {"attempt", delivery.attempts + 1},
                             {"error", error}};
    if (state == "dead") {
        metrics_.dead_lettered(delivery.subscription_id);
        log::error("dead_lettered", fields);
    } else {
        fields["retry_in_s"] = retry_in;
        log::warn("delivery_failed", fields);
    }
}

void Dispatcher::run_timers() {
    if (release_due_timer_.due()) {
        run_task("release_due", release_due_timer_, "plans_changed",
                 [this] { return outbox_.release_due(); });
    }
    if (purge_timer_.due()) {
        run_task("purge_delivered", purge_timer_, "events",
                 [this] { return outbox_.purge_delivered(); });
    }
}

// A failing housekeeping call is loud (error log, metric, /healthz): a release_due() that
// keeps failing means pre-orders are never released, a purge that fails means the outbox grows.
void Dispatcher::run_task(const std::string& task, Timer& timer, const char* count_field,
                          const std::function<long long()>& call) {
    timer.restart();
    try {
        const long long count = call();
        metrics_.task_succeeded(task);
        log::info(task, {{count_field, count}});
    } catch (const PgError& e) {
        if (e.connection_lost) throw;
        metrics_.task_failed(task, e.sqlstate + ": " + e.what());
        log::error(task + "_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
    }
}

void Dispatcher::refresh_backlog() {
    const Backlog b = outbox_.backlog();
    metrics_.set_backlog(b.pending, b.oldest_pending_age);
    backlog_timer_.restart();
    next_retry_at_ = b.next_due_in
                         ? Timer::Clock::now() + std::chrono::duration_cast<Timer::Clock::duration>(
                                                     std::chrono::duration<double>(*b.next_due_in))
                         : Timer::Clock::time_point::max();
}

// After the commit, so the latency ends at the acknowledgement; the ages come from the
// database's clock (the daemon's may differ). A database without event_ages() (waitroom not yet
// updated to this version) costs the histogram, not the delivery.
void Dispatcher::record_latency(const std::vector<const Delivery*>& delivered) {
    if (delivered.empty() || !latency_available_) return;
    try {
        const std::vector<double> ages = outbox_.event_ages(delivered);
        for (size_t i = 0; i < delivered.size() && i < ages.size(); ++i)
            if (!std::isnan(ages[i]))
                metrics_.delivery_latency(delivered[i]->subscription_id, ages[i]);
    } catch (const PgError& e) {
        if (e.connection_lost) throw;
        latency_available_ = false;
        metrics_.stats_poll_failed();
        log::warn("delivery_latency_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
    }
}

double Dispatcher::seconds_until_retry() const {
    if (next_retry_at_ == Timer::Clock::time_point::max()) return 1e9;
    const double s = std::chrono::duration<double>(next_retry_at_ - Timer::Clock::now()).count();
    return std::max(0.01, s);
}

// Notifications libpq already read while a query ran (for example the NOTIFY of a
// release_due() that deferred again, which reaches its own session) are off the socket, so
// poll() would not report them: take those first and skip the wait when there were any.
void Dispatcher::wait_for_wakeup(double seconds) {
    if (handle_notifications()) return;
    std::array<pollfd, 2> fds{{{db_.socket(), POLLIN, 0}, {stop_signal::wake_fd(), POLLIN, 0}}};
    const int timeout_ms = static_cast<int>(std::max(0.0, seconds) * 1000);
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) handle_notifications();
}

// Returns whether any notification was pending.
bool Dispatcher::handle_notifications() {
    const auto notes = db_.take_notifications();  // throws when the server went away
    if (notes.empty()) return false;
    log::debug("notified", {{"count", notes.size()}, {"last", notes.back().payload}});
    for (const auto& note : notes)
        if (note.channel == kRerouteChannel && release_due_timer_.enabled())
            release_due_timer_.expire_within(0.2);
    return true;
}

}  // namespace waitroomd
