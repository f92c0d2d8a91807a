#include "dispatcher.hpp"

#include <poll.h>

#include <algorithm>
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
// How often the list of Citus workers to LISTEN on is read again (a worker added, or removed).
const double kNodesInterval = 30.0;

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
      listeners_(options.conninfo, options.reconnect_base, options.reconnect_max,
                 {kChannel, kRerouteChannel}),
      nodes_timer_(kNodesInterval),
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
            if (nodes_timer_.due()) refresh_nodes();
            listeners_.connect_due();
            run_timers();
            const BatchOutcome batch = cluster_ ? deliver_per_tenant() : deliver_batch();
            if (batch.claimed == 0 || backlog_timer_.due()) refresh_backlog();
            // A tenant whose node failed it (and waits for its retry) is a failing delivery.
            if (tenant_retry_.empty()) {
                metrics_.task_succeeded(kDeliverTask);
            } else {
                metrics_.task_failed(kDeliverTask, last_tenant_error_);
            }
            if (batch.delivered > 0) continue;  // more may be waiting: drain before sleeping
            // Claimed but nothing delivered (failures): pause a little before the next try.
            const double floor = batch.claimed > 0 ? 0.05 : 0.0;
            wait_for_wakeup(std::max(
                floor, std::min({options_.poll_interval, seconds_until_retry(),
                                 release_due_timer_.remaining(), purge_timer_.remaining(),
                                 listeners_.seconds_until_reconnect(), nodes_timer_.remaining(),
                                 seconds_until_tenant_retry()})));
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
            nodes_timer_.expire_within(0);
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

// Citus: the workers to LISTEN on; none on one node, or on a database whose waitroom predates
// daemon_nodes() (42883: ALTER EXTENSION waitroom UPDATE brings it).
void Dispatcher::refresh_nodes() {
    nodes_timer_.restart();
    std::vector<ClusterNode> nodes;
    try {
        nodes = outbox_.daemon_nodes();
    } catch (const PgError& e) {
        if (e.connection_lost) throw;
        if (e.sqlstate != "42883") {
            log::warn("daemon_nodes_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
            return;  // keep what we had
        }
    }
    const bool was_cluster = cluster_;
    cluster_ = !nodes.empty();
    listeners_.set_nodes(nodes);
    if (cluster_ != was_cluster) {
        nlohmann::json names = nlohmann::json::array();
        for (const ClusterNode& n : nodes) names.push_back(n.name());
        log::info("cluster", {{"citus", cluster_}, {"listen_on", names}});
    }
    if (cluster_) refresh_known_tenants();
}

// Every tenant (tenant_ids()); on a failure (a worker down) the last list is kept.
void Dispatcher::refresh_known_tenants() {
    try {
        known_tenants_ = outbox_.tenant_ids();
    } catch (const PgError& e) {
        if (e.connection_lost) throw;
        log::warn("tenant_ids_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
    }
}

// Citus: a claim locks rows, so it names its tenant and runs on that tenant's node; each
// tenant's batch is its own transaction, committed on one node (no two-phase commit), and a
// worker that fails costs only the batches of its tenants, which are retried after a backoff.
Dispatcher::BatchOutcome Dispatcher::deliver_per_tenant() {
    BatchOutcome total;
    for (const std::string& tenant : tenants_to_serve()) {
        if (stop_signal::requested()) break;
        if (tenant_waiting(tenant)) continue;
        try {
            const BatchOutcome batch = deliver_batch(tenant);
            total.claimed += batch.claimed;
            total.delivered += batch.delivered;
            tenant_retry_.erase(tenant);
        } catch (const PgError& e) {
            if (e.connection_lost || !db_.connected()) throw;
            tenant_failed(tenant, "deliver", e);
        }
    }
    return total;
}

// The tenants with deliveries due (one read of every shard). While a worker is down that read
// fails: then every tenant known, each claim going to its own node.
std::vector<std::string> Dispatcher::tenants_to_serve() {
    try {
        std::vector<std::string> tenants = outbox_.pending_tenants();
        if (pending_tenants_failing_) log::info("pending_tenants_recovered");
        pending_tenants_failing_ = false;
        for (const std::string& t : tenants)
            if (std::find(known_tenants_.begin(), known_tenants_.end(), t) == known_tenants_.end())
                known_tenants_.push_back(t);
        return tenants;
    } catch (const PgError& e) {
        if (e.connection_lost) throw;
        if (!pending_tenants_failing_)
            log::warn("pending_tenants_failed", {{"sqlstate", e.sqlstate},
                                                 {"error", e.what()},
                                                 {"serving_known_tenants", known_tenants_.size()}});
        pending_tenants_failing_ = true;
        return known_tenants_;
    }
}

long long Dispatcher::release_due_per_tenant() {
    refresh_known_tenants();
    long long released = 0;
    size_t failed = 0;
    std::optional<PgError> first;
    for (const std::string& tenant : known_tenants_) {
        try {
            released += outbox_.release_due(tenant);
        } catch (const PgError& e) {
            if (e.connection_lost) throw;
            ++failed;
            if (!first) first = e;
            log::error("release_due_tenant_failed",
                       {{"tenant_id", tenant}, {"sqlstate", e.sqlstate}, {"error", e.what()}});
        }
    }
    if (first) {
        throw PgError(first->sqlstate,
                      std::to_string(failed) + " of " + std::to_string(known_tenants_.size()) +
                          " tenants failed, first: " + first->what(),
                      false);
    }
    return released;
}

bool Dispatcher::tenant_waiting(const std::string& tenant) const {
    const auto it = tenant_retry_.find(tenant);
    return it != tenant_retry_.end() && Timer::Clock::now() < it->second.at;
}

void Dispatcher::tenant_failed(const std::string& tenant, const char* task, const PgError& e) {
    TenantRetry& retry = tenant_retry_[tenant];
    ++retry.failures;
    const double delay = reconnect_backoff_.delay(retry.failures);
    retry.at = Timer::after(delay);
    last_tenant_error_ = "tenant " + tenant + ": " + e.sqlstate + ": " + e.what();
    log::warn("tenant_failed", {{"tenant_id", tenant},
                                {"task", task},
                                {"attempt", retry.failures},
                                {"retry_in_s", delay},
                                {"sqlstate", e.sqlstate},
                                {"error", e.what()}});
}

double Dispatcher::seconds_until_tenant_retry() const {
    double soonest = 1e9;
    for (const auto& [tenant, retry] : tenant_retry_)
        soonest = std::min(soonest, Timer::seconds_until(retry.at));
    return soonest;
}

// One transaction: claim, deliver lane by lane (each lane stops at its first failure or not-yet-due
// retry), flush stdout, acknowledge, commit. A crash anywhere before the commit means the
// deliveries are repeated later (at least once), never lost.
Dispatcher::BatchOutcome Dispatcher::deliver_batch(const std::optional<std::string>& tenant) {
    const auto started = std::chrono::steady_clock::now();
    PgTransaction tx(db_);
    // The commit need not wait for its WAL flush: an acknowledgement lost in a server crash
    // only repeats its deliveries (at least once), and WAL order keeps a later ack of a lane
    // from surviving an earlier one. This keeps the flush out of the delivery loop.
    db_.exec("SET LOCAL synchronous_commit = off");
    const std::vector<Delivery> claimed = outbox_.claim(tenant);
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
                 [this] { return cluster_ ? release_due_per_tenant() : outbox_.release_due(); });
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

// A backlog that cannot be read (on Citus while a worker is down) costs the gauges and the
// retry timing (the poll interval covers it), not the deliveries.
void Dispatcher::refresh_backlog() {
    Backlog b;
    try {
        b = outbox_.backlog();
        if (backlog_failing_) log::info("backlog_recovered");
        backlog_failing_ = false;
    } catch (const PgError& e) {
        if (e.connection_lost) throw;
        if (!backlog_failing_)
            log::warn("backlog_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
        backlog_failing_ = true;
        backlog_timer_.restart();
        return;
    }
    metrics_.set_backlog(b.pending, b.oldest_pending_age);
    backlog_timer_.restart();
    next_retry_at_ = b.next_due_in ? Timer::after(*b.next_due_in) : Timer::Clock::time_point::max();
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
    std::vector<pollfd> fds{{db_.socket(), POLLIN, 0}, {stop_signal::wake_fd(), POLLIN, 0}};
    listeners_.add_poll_fds(fds);
    const int timeout_ms = static_cast<int>(std::max(0.0, seconds) * 1000);
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready > 0) handle_notifications();
}

// Returns whether any notification was pending.
bool Dispatcher::handle_notifications() {
    auto notes = db_.take_notifications();                    // throws when the server went away
    const auto from_nodes = listeners_.take_notifications();  // a lost node only reconnects
    notes.insert(notes.end(), from_nodes.begin(), from_nodes.end());
    if (notes.empty()) return false;
    log::debug("notified", {{"count", notes.size()}, {"last", notes.back().payload}});
    for (const auto& note : notes)
        if (note.channel == kRerouteChannel && release_due_timer_.enabled())
            release_due_timer_.expire_within(0.2);
    return true;
}

}  // namespace waitroomd
