#include "dashboard.hpp"

#include <map>
#include <utility>
#include <vector>

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

// waitroom.stats is made to be polled (70_stats.sql).
constexpr const char* kStatsSql =
    "SELECT s.plans_waiting, s.plans_not_routable, s.waiting_lines,"
    "       extract(epoch FROM s.oldest_waiting_age)::float8, s.reroute_queue_depth,"
    "       s.deliveries_pending, s.deliveries_dead, extract(epoch FROM now())::float8"
    "  FROM waitroom.stats s";

// The oldest waiting plans by the partial index on waiting_since, then their lines in the
// waiting_room view, filtered by article (its queue's partition, which reaches the indexes):
// the cost follows those articles' queues, not the waiting room.
constexpr const char* kOldestSql =
    "WITH oldest AS ("
    "  SELECT p.routing_plan_id, p.waiting_since, p.plan_no FROM waitroom.routing_plan p"
    "   WHERE p.status = 'WAITING' ORDER BY p.waiting_since, p.plan_no LIMIT 10)"
    "SELECT w.order_id, w.tenant_order_id, w.tenant_article_id, w.quantity, w.reason,"
    "       w.queue_position,"
    "       (SELECT count(*) FROM waitroom.routing_plan_line l"
    "         WHERE l.waiting AND l.tenant_article_id = w.tenant_article_id),"
    "       extract(epoch FROM now() - w.waiting_since)::float8"
    "  FROM waitroom.waiting_room w"
    "  JOIN oldest o ON o.routing_plan_id = w.routing_plan_id"
    " WHERE w.tenant_article_id = ANY (ARRAY("
    "         SELECT l.tenant_article_id FROM waitroom.routing_plan_line l"
    "          WHERE l.waiting AND l.routing_plan_id IN (SELECT o.routing_plan_id FROM oldest o)))"
    " ORDER BY o.waiting_since, o.plan_no, w.line_id";

// Per subscription: outbox_backlog() for it alone (the pending partial index; the
// outbox_status view counts every delivered row: 2.9 s at 400,000 deliveries).
constexpr const char* kSubscriptionsSql =
    "SELECT s.subscription_id, s.kind, s.active,"
    "       CASE WHEN s.active THEN b.pending END, CASE WHEN s.active THEN b.oldest_pending_age "
    "END,"
    "       (SELECT count(*) FROM waitroom.dead_letter d"
    "         WHERE d.subscription_id = s.subscription_id)"
    "  FROM waitroom.subscription s"
    " CROSS JOIN LATERAL waitroom.outbox_backlog(false, s.subscription_id) b"
    " ORDER BY s.subscription_id LIMIT 50";

constexpr const char* kDeadLettersSql =
    "SELECT d.subscription_id, d.event_id, d.event, d.attempts, d.last_error, d.blocked_events,"
    "       extract(epoch FROM now() - d.created_at)::float8"
    "  FROM waitroom.dead_letter d ORDER BY d.event_id LIMIT 20";

// The articles with the most waiting lines: the waiting lines' partial index, whole.
constexpr const char* kLargestQueuesSql =
    "SELECT l.tenant_article_id, count(*), sum(l.quantity)"
    "  FROM waitroom.routing_plan_line l WHERE l.waiting"
    " GROUP BY l.tenant_article_id ORDER BY count(*) DESC, l.tenant_article_id LIMIT 12";

// Why they wait: the view filtered by those articles (a GROUP BY of the whole view computes
// every queue: 10 s at 105,000 waiting lines).
constexpr const char* kReasonsSql =
    "SELECT w.tenant_article_id, w.reason, count(*), sum(w.quantity)"
    "  FROM waitroom.waiting_room w WHERE w.tenant_article_id = ANY ($1::text[])"
    " GROUP BY 1, 2 ORDER BY 1, 2";

// Plans released from the waiting room (ROUTED by a REACTIVATION: a restock, a listing or
// facility change, release_due) and plans entering it, per minute of the last hour.
constexpr const char* kReleasesSql =
    "WITH recent AS MATERIALIZED ("
    "  SELECT e.event, e.created_at,"
    "         e.event = 'ROUTING_PLAN_ROUTED' AND e.payload->>'runType' = 'REACTIVATION' AS "
    "released"
    "    FROM waitroom.event e ORDER BY e.event_id DESC LIMIT $1::int)"
    "SELECT extract(epoch FROM date_trunc('minute', r.created_at))::bigint,"
    "       count(*) FILTER (WHERE r.released),"
    "       count(*) FILTER (WHERE r.event = 'ROUTING_PLAN_WAITING'),"
    "       (SELECT count(*) FROM recent),"
    "       (SELECT extract(epoch FROM min(x.created_at))::float8 FROM recent x)"
    "  FROM recent r"
    " WHERE r.created_at >= date_trunc('minute', now()) - interval '59 minutes'"
    " GROUP BY 1 ORDER BY 1";

json nullable_int(const PgResult& r, int row, int col) {
    return r.is_null(row, col) ? json(nullptr) : json(r.integer(row, col));
}

json nullable_number(const PgResult& r, int row, int col) {
    return r.is_null(row, col) ? json(nullptr) : json(r.number(row, col));
}

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
    json out = json::object();

    const PgResult s = db_.exec(kStatsSql);
    out["stats"] = {
        {"plansWaiting", s.integer(0, 0)},      {"plansNotRoutable", s.integer(0, 1)},
        {"waitingLines", s.integer(0, 2)},      {"oldestWaitSeconds", nullable_number(s, 0, 3)},
        {"rerouteQueueDepth", s.integer(0, 4)}, {"deliveriesPending", s.integer(0, 5)},
        {"deliveriesDead", s.integer(0, 6)}};
    out["serverTime"] = s.number(0, 7);

    const PgResult o = db_.exec(kOldestSql);
    json oldest = json::array();
    for (int i = 0; i < o.rows(); ++i)
        oldest.push_back({{"orderId", o.text(i, 0)},
                          {"tenantOrderId", o.text(i, 1)},
                          {"article", o.text(i, 2)},
                          {"quantity", o.integer(i, 3)},
                          {"reason", o.text(i, 4)},
                          {"queuePosition", o.integer(i, 5)},
                          {"queueLength", o.integer(i, 6)},
                          {"waitingSeconds", nullable_number(o, i, 7)}});
    out["oldest"] = oldest;

    const PgResult b = db_.exec(kSubscriptionsSql);
    json subscriptions = json::array();
    for (int i = 0; i < b.rows(); ++i)
        subscriptions.push_back({{"subscription", b.text(i, 0)},
                                 {"kind", b.text(i, 1)},
                                 {"active", b.text(i, 2) == "t"},
                                 {"pending", nullable_int(b, i, 3)},
                                 {"lagSeconds", nullable_number(b, i, 4)},
                                 {"dead", b.integer(i, 5)}});
    out["subscriptions"] = subscriptions;

    const PgResult d = db_.exec(kDeadLettersSql);
    json dead = json::array();
    for (int i = 0; i < d.rows(); ++i)
        dead.push_back({{"subscription", d.text(i, 0)},
                        {"eventId", d.integer(i, 1)},
                        {"event", d.text(i, 2)},
                        {"attempts", d.integer(i, 3)},
                        {"lastError", d.is_null(i, 4) ? json(nullptr) : json(d.text(i, 4))},
                        {"blockedEvents", d.integer(i, 5)},
                        {"ageSeconds", nullable_number(d, i, 6)}});
    out["deadLetters"] = dead;
    tx.commit();
    return out;
}

json Dashboard::read_queues() {
    PgTransaction tx(db_);
    json out = json::object();

    const PgResult q = db_.exec(kLargestQueuesSql);
    std::vector<std::string> articles;
    std::map<std::string, std::size_t> index;
    json largest = json::array();
    long long covered = 0;
    for (int i = 0; i < q.rows(); ++i) {
        articles.push_back(q.text(i, 0));
        index[q.text(i, 0)] = largest.size();
        covered += q.integer(i, 1);
        largest.push_back({{"article", q.text(i, 0)},
                           {"lines", q.integer(i, 1)},
                           {"quantity", q.integer(i, 2)},
                           {"reasons", json::object()}});
    }

    const PgResult r = db_.exec(kReasonsSql, {pg_text_array(articles)});
    std::map<std::string, std::pair<long long, long long>> by_reason;  // lines, quantity
    for (int i = 0; i < r.rows(); ++i) {
        const auto it = index.find(r.text(i, 0));
        if (it == index.end()) continue;
        largest[it->second]["reasons"][r.text(i, 1)] = r.integer(i, 2);
        auto& sums = by_reason[r.text(i, 1)];
        sums.first += r.integer(i, 2);
        sums.second += r.integer(i, 3);
    }
    json reasons = json::array();
    for (const auto& [reason, sums] : by_reason)
        reasons.push_back({{"reason", reason}, {"lines", sums.first}, {"quantity", sums.second}});
    out["articles"] = largest;
    out["reasons"] = reasons;
    out["reasonsCoverLines"] = covered;

    const PgResult e = db_.exec(kReleasesSql, {std::to_string(kRecentEvents)});
    json minutes = json::array();
    json releases = {{"limit", kRecentEvents}, {"scanned", 0}, {"since", nullptr}};
    for (int i = 0; i < e.rows(); ++i) {
        minutes.push_back({{"minute", e.integer(i, 0)},
                           {"released", e.integer(i, 1)},
                           {"entered", e.integer(i, 2)}});
        releases["scanned"] = e.integer(i, 3);
        releases["since"] = nullable_number(e, i, 4);
    }
    releases["minutes"] = minutes;
    out["releases"] = releases;
    tx.commit();
    return out;
}

}  // namespace waitroomd
