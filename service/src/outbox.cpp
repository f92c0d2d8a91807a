#include "outbox.hpp"

namespace waitroomd {

std::optional<std::string> Outbox::stdout_subscription() const {
    if (options_.stdout_subscription.empty()) return std::nullopt;
    return options_.stdout_subscription;
}

std::vector<Delivery> Outbox::claim() {
    const auto r = db_.exec(
        "SELECT subscription_id, event_id, order_id, attempts, due, kind, url, headers, secret,"
        "       max_attempts, body"
        "  FROM waitroom.claim_deliveries($1::bool, $2::text, $3::int, $4::int)",
        {options_.webhooks ? "true" : "false", stdout_subscription(),
         std::to_string(options_.batch_lanes), std::to_string(options_.batch_per_lane)});
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
        out.push_back(std::move(d));
    }
    return out;
}

int Outbox::ack(const std::vector<const Delivery*>& delivered) {
    if (delivered.empty()) return 0;
    std::vector<std::string> subscriptions;
    std::string event_ids = "{";
    for (const Delivery* d : delivered) {
        subscriptions.push_back(d->subscription_id);
        if (event_ids.size() > 1) event_ids += ',';
        event_ids += std::to_string(d->event_id);
    }
    event_ids += '}';
    const auto r = db_.exec("SELECT waitroom.ack_deliveries($1::text[], $2::bigint[], $3)",
                            {pg_text_array(subscriptions), event_ids, options_.name});
    return static_cast<int>(r.integer(0, 0));
}

std::string Outbox::fail(const Delivery& delivery, const std::string& error, double retry_in) {
    const auto r = db_.exec(
        "SELECT waitroom.fail_delivery($1, $2::bigint, $3,"
        "                              pg_catalog.make_interval(secs => $4::float8), $5::int, $6)",
        {delivery.subscription_id, std::to_string(delivery.event_id), error,
         std::to_string(retry_in), std::to_string(options_.max_attempts), options_.name});
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

long long Outbox::release_due() {
    const auto r = db_.exec("SELECT waitroom.release_due()");
    return r.is_null(0, 0) ? 0 : r.integer(0, 0);
}

long long Outbox::purge_delivered() {
    const auto r = db_.exec("SELECT waitroom.purge_delivered()");
    return r.integer(0, 0);
}

}  // namespace waitroomd
