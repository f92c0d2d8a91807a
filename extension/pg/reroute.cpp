// Manual actions (SPEC §4): reroute(order_id) and reroute_all().
#include <optional>
#include <string>
#include <vector>

#include "pg/event_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/manual_actions.hpp"
#include "pg/plan_routing.hpp"
#include "pg/retry_queue.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
#include "pg/unrouted_plan.hpp"
#include "pg/waiting_room.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace waitroom::pg {
namespace {

// Every WAITING and NOT_ROUTABLE plan (optionally of one order), in queue order.
spi::Statement unrouted_plans_sql{
    "SELECT u.routing_plan_id FROM waitroom.unrouted_plans($2, $1::uuid) u"
    " ORDER BY u.queue_rank",
    2};

// reroute_all() without a tenant: every tenant with unrouted plans or deferred work, one
// after another (the one statement that reads across tenants: no call of one tenant runs it).
spi::Statement unrouted_tenants_sql{
    // One entry of the partial index routing_plan_unrouted (tenant_id, status) per tenant (a
    // loose index scan), not every unrouted plan (the plain UNION reads each one: a seq scan
    // of routing_plan when most plans are unrouted, suite 25 phase B).
    "WITH RECURSIVE t (tenant_id) AS ("
    " (SELECT p.tenant_id FROM waitroom.routing_plan p"
    " WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') ORDER BY p.tenant_id LIMIT 1)"
    " UNION ALL SELECT (SELECT p.tenant_id FROM waitroom.routing_plan p"
    " WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') AND p.tenant_id > t.tenant_id"
    " ORDER BY p.tenant_id LIMIT 1) FROM t WHERE t.tenant_id IS NOT NULL)"
    " SELECT t.tenant_id FROM t WHERE t.tenant_id IS NOT NULL"
    " UNION SELECT q.tenant_id FROM waitroom.reroute_queue q ORDER BY 1",
    0};

// On Citus the loose index scan (a recursive CTE without the distribution column) is refused
// ("recursive CTEs are only supported when they contain a filter on the distribution
// column"); grouped by tenant_id, Citus runs the query on every shard and merges.
spi::Statement unrouted_tenants_sql_citus{
    "SELECT p.tenant_id FROM waitroom.routing_plan p WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') "
    "GROUP BY p.tenant_id"
    " UNION SELECT q.tenant_id FROM waitroom.reroute_queue q ORDER BY 1",
    0};

// Locks up front all that re-routing these plans can take: their order and plan rows, the
// waiting locks of their articles, every candidate stock row of those. Re-routing one plan after
// another then never waits while holding stock rows (nor order rows it took out of order).
void lock_ahead(const std::vector<std::string>& plan_ids) {
    if (plan_ids.empty()) return;
    // Every manual action takes order rows, plan rows, then article locks, then stock rows
    // (each set in its fixed order), as cancel_order takes order, plans, stock: no cycle
    // between them (issue 10, gap 4).
    lock_plans_and_orders(plan_ids);
    const std::vector<std::string> articles = articles_of(load_plans(plan_ids));
    lock_articles_shared(articles);
    lock_all_candidate_rows(articles, /*nowait=*/false);
}

int reroute_unrouted(const std::optional<std::string>& order_id, const char* run_type) {
    RouteOptions options;
    options.run_type = run_type;
    EventLog events;
    int changed = 0;
    const std::vector<std::string> plan_ids =
        first_column(spi::run(unrouted_plans_sql, {order_id, tenant()}));
    lock_ahead(plan_ids);
    for (const std::string& plan_id : plan_ids) {
        if (reroute_one(plan_id, options, events)) ++changed;
        events.flush();
    }
    return changed;
}

}  // namespace
}  // namespace waitroom::pg

using waitroom::pg::invoke;
namespace spi = waitroom::pg::spi;

extern "C" {

PG_FUNCTION_INFO_V1(waitroom_reroute);
Datum waitroom_reroute(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string order_id = waitroom::pg::text_arg(fc, 0);
        const std::optional<std::string> given = waitroom::pg::optional_text_arg(fc, 1);
        spi::connect();
        const std::string tenant_id = waitroom::pg::tenant_of_order(order_id, given);
        {
            const waitroom::pg::TenantScope scope(tenant_id);
            waitroom::pg::require_open_order(order_id);
            waitroom::pg::reroute_unrouted(order_id, "REROUTE");
        }
        return waitroom::pg::finish_with_order_json(order_id, tenant_id);
    });
}

PG_FUNCTION_INFO_V1(waitroom_reroute_all);
Datum waitroom_reroute_all(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::optional<std::string> given =
            waitroom::pg::checked_tenant(waitroom::pg::optional_text_arg(fc, 0));
        spi::connect();
        const std::vector<std::string> tenants =
            given ? std::vector<std::string>{*given}
                  : waitroom::pg::first_column(
                        spi::run(spi::on_citus() ? waitroom::pg::unrouted_tenants_sql_citus
                                                 : waitroom::pg::unrouted_tenants_sql,
                                 {}));
        int changed = 0;
        for (const std::string& tenant_id : tenants) {
            const waitroom::pg::TenantScope scope(tenant_id);
            changed += waitroom::pg::reroute_unrouted(std::nullopt, "REROUTE");
            // Then what earlier passes deferred, through a pass: it defers again the articles
            // a decision to wait still holds (not yet visible here; deleting their entries
            // lost them, issue 10 gap 2).
            changed += waitroom::pg::waiting_room_pass(waitroom::pg::claim_deferred_articles(),
                                                       nullptr, /*drain=*/false);
        }
        spi::finish();
        return Int32GetDatum(changed);
    });
}
}
