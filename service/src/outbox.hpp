// The outbox as waitroomd sees it: the SQL API of sql/src/50_outbox.sql (claim, ack, fail,
// backlog), what /metrics polls, and the housekeeping calls made on timers (release_due,
// purge_delivered).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metrics.hpp"
#include "node_listeners.hpp"
#include "options.hpp"
#include "pg_connection.hpp"

namespace waitroomd {

// One event for one subscription, claimed (row-locked) until the transaction ends.
struct Delivery {
    std::string subscription_id;
    long long event_id = 0;
    std::string order_id;  // the lane key, nil uuid for events without an order
    int attempts = 0;      // failed attempts so far
    bool due = true;       // false: a retry not yet due, so its lane stops here
    std::string kind;      // "stdout" or "webhook"
    std::string url;
    std::string headers_json;
    std::string secret;
    std::optional<int> max_attempts;
    std::string body;       // the envelope {"event", "eventId", "payload"}
    std::string tenant_id;  // the event's tenant (SPEC §7): part of the lane key

    bool same_lane(const Delivery& other) const {
        return subscription_id == other.subscription_id && tenant_id == other.tenant_id &&
               order_id == other.order_id;
    }
};

struct Backlog {
    long long pending = 0;
    double oldest_pending_age = 0;      // seconds: the lag
    std::optional<double> next_due_in;  // seconds until the earliest pending delivery is due
};

class Outbox {
public:
    Outbox(PgConnection& db, const Options& options) : db_(db), options_(options) {}

    // Lane heads not held by another daemon, each followed by the rest of its lane in order;
    // tenant: that tenant's only (on Citus a claim must stay on one node), nullopt: every one's.
    std::vector<Delivery> claim(const std::optional<std::string>& tenant = std::nullopt);
    // On Citus (docs/scaling.md): the tenants with a delivery due for our sinks, every tenant,
    // and the workers to LISTEN on (none on one node).
    std::vector<std::string> pending_tenants();
    std::vector<std::string> tenant_ids();
    std::vector<ClusterNode> daemon_nodes();
    // Returns how many were still pending (the rest were delivered by someone else meanwhile).
    int ack(const std::vector<const Delivery*>& delivered);
    // Returns the new state: "pending" (retry later) or "dead".
    std::string fail(const Delivery& delivery, const std::string& error, double retry_in);
    Backlog backlog();
    // For /metrics: seconds since each delivered event was created (NaN when unknown), in order.
    std::vector<double> event_ages(const std::vector<const Delivery*>& delivered);
    // The database-wide gauges: waitroom.stats, every subscription's backlog, lines per reason.
    WaitingRoomStats waiting_room_stats();
    std::vector<SubscriptionBacklog> subscription_backlogs();
    std::map<std::string, long long> waiting_lines_by_reason();
    long long release_due(const std::optional<std::string>& tenant = std::nullopt);
    long long purge_delivered();

private:
    std::optional<std::string> stdout_subscription() const;

    PgConnection& db_;
    const Options& options_;
};

}  // namespace waitroomd
