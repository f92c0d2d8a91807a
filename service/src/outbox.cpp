#include "outbox.hpp"

#include <cmath>
#include <cstdlib>

namespace waitroomd {

std::optional<std::string> Outbox::stdout_subscription() const {
    if (options_.stdout_subscription.empty()) return std::nullopt;
    return options_.stdout_subscription;
}

std::vector<Delivery> Outbox::claim(const std::optional<std::string>& tenant) {
    const auto r = db_.exec(
        "SELECT subscription_id, event_id, order_id, attempts, due, kind, url, headers, secret,"
        "       max_attempts, body, event_tenant_id"
        "  FROM waitroom.claim_deliveries($1::bool, $2::text, $3::int, $4::int, $5::text)",
        {options_.webhooks ? "true" : "false", stdout_subscription(),
         std::to_string(options_.batch_lanes), std::to_string(options_.batch_per_lane), tenant});
    std::vector<Delivery> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        Delivery d;
        d.subscription_id = r.text(i, 0);
        d.event_id = r.integer(i, 1);
        d.order_id = r.text(i, 2);
        d.attempts = static_cast<int>(r.integer(i, 3));
        d.due = r.text(i, 4) == "t";
        d.kind = r.text(i, 5);
        d.url = r.text(i, 6);
        d.headers_json = r.is_null(i, 7) ? "{}" : r.text(i, 7);
        d.secret = r.text(i, 8);
        if (!r.is_null(i, 9)) d.max_attempts = static_cast<int>(r.integer(i, 9));
        d.body = r.text(i, 10);
        d.tenant_id = r.text(i, 11);
        out.push_back(std::move(d));
    }
    return out;
}

int Outbox::ack(const std::vector<const Delivery*>& delivered) {
    if (delivered.empty()) return 0;
    std::vector<std::string> subscriptions;
    std::vector<std::string> tenants;
    std::string event_ids = "{";
    for (const Delivery* d : delivered) {
        subscriptions.push_back(d->subscription_id);
        tenants.push_back(d->tenant_id);
        if (event_ids.size() > 1) event_ids += ',';
        event_ids += std::to_string(d->event_id);
    }
    event_ids += '}';
    const auto r =
        db_.exec("SELECT waitroom.ack_deliveries($1::text[], $2::bigint[], $3, $4::text[])",
                 {pg_text_array(subscriptions), event_ids, options_.name, pg_text_array(tenants)});
    return static_cast<int>(r.integer(0, 0));
}

std::string Outbox::fail(const Delivery& delivery, const std::string& error, double retry_in) {
    const auto r = db_.exec(
        "SELECT waitroom.fail_delivery($1, $2::bigint, $3,"
        "                              pg_catalog.make_interval(secs => $4::float8), $5::int, $6,"
        "                              $7)",
        {delivery.subscription_id, std::to_string(delivery.event_id), error,
         std::to_string(retry_in), std::to_string(options_.max_attempts), options_.name,
         delivery.tenant_id});
    return r.rows() > 0 && !r.is_null(0, 0) ? r.text(0, 0) : "unknown";
}

Backlog Outbox::backlog() {
    const auto r = db_.exec("SELECT * FROM waitroom.outbox_backlog($1::bool, $2::text)",
                            {options_.webhooks ? "true" : "false", stdout_subscription()});
    Backlog b;
    b.pending = r.integer(0, 0);
    b.oldest_pending_age = r.number(0, 1);
    if (!r.is_null(0, 2)) b.next_due_in = r.number(0, 2);
    return b;
}

std::vector<double> Outbox::event_ages(const std::vector<const Delivery*>& delivered) {
    std::vector<double> ages;
    if (delivered.empty()) return ages;
    std::vector<std::string> tenants;
    std::string event_ids = "{";
    for (const Delivery* d : delivered) {
        tenants.push_back(d->tenant_id);
        if (event_ids.size() > 1) event_ids += ',';
        event_ids += std::to_string(d->event_id);
    }
    event_ids += '}';
    const auto r = db_.exec("SELECT waitroom.event_ages($1::bigint[], $2::text[])",
                            {event_ids, pg_text_array(tenants)});
    // A float8[] in text form: {0.01,0.02,NULL}
    const std::string text = r.is_null(0, 0) ? "{}" : r.text(0, 0);
    size_t start = 1;
    while (start < text.size()) {
        size_t end = text.find_first_of(",}", start);
        if (end == std::string::npos) end = text.size();
        const std::string item = text.substr(start, end - start);
        if (!item.empty())
            ages.push_back(item == "NULL" ? std::nan("") : std::strtod(item.c_str(), nullptr));
        start = end + 1;
    }
    return ages;
}

WaitingRoomStats Outbox::waiting_room_stats() {
    // date_part, not extract(epoch FROM ..): pg_stat_statements shows extract's field as $1,
    // which does not parse, and suite 26 analyzes the daemon's statements as recorded there.
    const auto r = db_.exec(
        "SELECT s.plans_waiting, s.plans_not_routable, s.plans_routed_estimate,"
        "       s.plans_cancelled_estimate, s.waiting_lines,"
        "       pg_catalog.date_part('epoch', s.oldest_waiting_age), s.reroute_queue_depth,"
        "       s.deliveries_pending, s.deliveries_dead"
        "  FROM waitroom.stats_gauges() s");
    auto count = [&r](int col) { return r.is_null(0, col) ? 0 : r.integer(0, col); };
    WaitingRoomStats stats;
    stats.plans = {{"WAITING", count(0)},
                   {"NOT_ROUTABLE", count(1)},
                   {"ROUTED", count(2)},
                   {"CANCELLED", count(3)}};
    stats.waiting_lines = count(4);
    stats.oldest_wait_seconds = r.is_null(0, 5) ? 0 : r.number(0, 5);
    stats.reroute_queue_depth = count(6);
    stats.deliveries_pending = count(7);
    stats.deliveries_dead = count(8);
    return stats;
}

// outbox_backlog() with one subscription as its "stdout" sink is that subscription's backlog,
// whatever its kind (0 while paused: outbox_backlog() counts what can be claimed).
std::vector<SubscriptionBacklog> Outbox::subscription_backlogs() {
    const auto r = db_.exec(
        "SELECT s.subscription_id, s.active, b.pending, b.oldest_pending_age"
        "  FROM waitroom.subscription s"
        " CROSS JOIN LATERAL waitroom.outbox_backlog(false, s.subscription_id) b");
    std::vector<SubscriptionBacklog> out;
    for (int i = 0; i < r.rows(); ++i) {
        SubscriptionBacklog b;
        b.subscription = r.text(i, 0);
        b.active = r.text(i, 1) == "t";
        b.pending = r.integer(i, 2);
        b.lag_seconds = r.number(i, 3);
        out.push_back(std::move(b));
    }
    return out;
}

std::map<std::string, long long> Outbox::waiting_lines_by_reason() {
    const auto r = db_.exec("SELECT reason, lines FROM waitroom.waiting_lines_by_reason()");
    std::map<std::string, long long> out;
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.integer(i, 1);
    return out;
}

// No tenant: every tenant's due pre-orders (SPEC §7), in one transaction.
long long Outbox::release_due(const std::optional<std::string>& tenant) {
    const auto r =
        tenant ? db_.exec("SELECT waitroom.release_due(pg_catalog.now(), $1::text)", {tenant})
               : db_.exec("SELECT waitroom.release_due()");
    return r.is_null(0, 0) ? 0 : r.integer(0, 0);
}

namespace {

std::vector<std::string> column(const PgResult& r) {
    std::vector<std::string> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

}  // namespace

std::vector<std::string> Outbox::pending_tenants() {
    return column(db_.exec("SELECT t FROM waitroom.pending_delivery_tenants($1::bool, $2::text) t",
                           {options_.webhooks ? "true" : "false", stdout_subscription()}));
}

std::vector<std::string> Outbox::tenant_ids() {
    return column(db_.exec("SELECT t FROM waitroom.tenant_ids() t"));
}

std::vector<ClusterNode> Outbox::daemon_nodes() {
    const auto r = db_.exec("SELECT node_name, node_port FROM waitroom.daemon_nodes()");
    std::vector<ClusterNode> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), static_cast<int>(r.integer(i, 1))});
    return out;
}

long long Outbox::purge_delivered() {
    const auto r = db_.exec("SELECT waitroom.purge_delivered()");
    return r.integer(0, 0);
}

}  // namespace waitroomd
