#include "dashboard.hpp"

#include <string>

#include "log.hpp"

namespace waitroomd {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// However many pages poll, the database is read at most this often.
constexpr auto kRefreshEvery = 2s;
// The largest queues and the releases cost more (the queues of a dozen articles, the last
// kRecentEvents events): read less often.
constexpr auto kQueuesEvery = 20s;
// A request waits this long for a refresh in progress (a connect or statement_timeout).
constexpr auto kWaitForRefresh = 8s;
// Releases over time come from the newest events only (a backward scan of the primary key);
// at more events per hour the chart covers less than the hour and says so.
constexpr int kRecentEvents = 20000;

// A read-only session that cannot hold up the daemon's: no writes, no long statement, no wait
// on a lock for long, no JIT (whose compilation cost more than these queries; 1.4 s seen).
// REPEATABLE READ: the figures of one part come from one snapshot.
constexpr const char* kSessionSql =
    "SELECT pg_catalog.set_config('application_name', 'waitroomd dashboard', false),"
    "       pg_catalog.set_config('default_transaction_read_only', 'on', false),"
    "       pg_catalog.set_config('default_transaction_isolation', 'repeatable read', false),"
    "       pg_catalog.set_config('statement_timeout', '5s', false),"
    "       pg_catalog.set_config('lock_timeout', '1s', false),"
    "       pg_catalog.set_config('idle_in_transaction_session_timeout', '30s', false),"
    "       pg_catalog.set_config('jit', 'off', false)";

// What the page shows, by the SECURITY DEFINER functions of 74_dashboard.sql (the daemon's role
// reads no table for it), as the JSON the page polls.
constexpr const char* kSummarySql = "SELECT waitroom.dashboard_summary()";
constexpr const char* kQueuesSql = "SELECT waitroom.dashboard_queues($1::int, $2::int)";
// The largest queues shown, by article.
constexpr int kLargestQueues = 12;

// With a timeout of its own unless the conninfo is a URI (it would not parse prefixed): an
// unreachable host must not hold the dashboard for the kernel's TCP timeout. A value given in
// the conninfo comes later and wins.
std::string with_connect_timeout(const std::string& conninfo) {
    if (conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0)
        return conninfo;
    return "connect_timeout=5 " + conninfo;
}

}  // namespace

Dashboard::Dashboard(const std::string& conninfo, const Metrics& metrics)
    : db_(with_connect_timeout(conninfo)), metrics_(metrics) {}

json Dashboard::snapshot() {
    std::unique_lock lock(mutex_, std::defer_lock);
    json out = json::object();
    if (lock.try_lock_for(kWaitForRefresh)) {
        refresh();
        out = now_;
        out.update(queues_);
        out["database"] = {{"connected", db_.connected()},
                           {"error", error_.empty() ? json(nullptr) : json(error_)}};
        out["queuesAgeSeconds"] =
            queues_.empty()
                ? json(nullptr)
                : json(std::chrono::duration<double>(Clock::now() - queues_at_).count());
    } else {
        out["database"] = {{"connected", false},
                           {"error", "the previous refresh is still running (database slow?)"}};
    }
    out["daemon"] = {{"connected", metrics_.connected()}, {"failing", metrics_.failing_tasks()}};
    return out;
}

void Dashboard::refresh() {
    const auto now = Clock::now();
    if (now_at_ != Clock::time_point{} && now - now_at_ < kRefreshEvery) return;
    now_at_ = now;
    try {
        if (!db_.connected()) connect();
        now_ = read_now();
        error_.clear();
        if (queues_.empty() || now - queues_at_ >= kQueuesEvery) {
            queues_at_ = now;
            queues_ = read_queues();
        }
    } catch (const PgError& e) {
        error_ = e.sqlstate + ": " + e.what();
        if (e.connection_lost) {
            // Figures of a database we cannot see are not shown as current.
            db_.close();
            now_ = json::object();
            queues_ = json::object();
        }
        log::warn("dashboard_read_failed", {{"sqlstate", e.sqlstate}, {"error", e.what()}});
    }
}

void Dashboard::connect() {
    db_.connect();
    db_.exec(kSessionSql);
    log::info("dashboard_connected", {{"database", db_.describe()}});
}

json Dashboard::read_now() {
    PgTransaction tx(db_);
    json out = json::parse(db_.exec(kSummarySql).text(0, 0));
    tx.commit();
    return out;
}

json Dashboard::read_queues() {
    PgTransaction tx(db_);
    json out = json::parse(
        db_.exec(kQueuesSql, {std::to_string(kLargestQueues), std::to_string(kRecentEvents)})
            .text(0, 0));
    tx.commit();
    return out;
}

}  // namespace waitroomd
