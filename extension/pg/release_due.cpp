// release_due(at): pre-orders whose release time has come, then the deferred work
// (waitroomd calls it on its timer and when NOTIFY waitroom_reroute wakes it).
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

// Articles of waiting lines whose pre-order is due by `at` (waitroom.due_preorder_articles).
spi::Statement due_articles_sql{
    "SELECT a FROM waitroom.due_preorder_articles($2, $1::timestamptz) a", 2};

// release_due() without a tenant: every tenant with waiting plans or deferred work, one after
// another (the one statement that reads across tenants: no call of one tenant runs it).
spi::Statement waiting_tenants_sql{
    // One entry of the partial index routing_plan_unrouted (tenant_id, status) per tenant (a
    // loose index scan), not every waiting plan (the plain UNION reads each one: a seq scan
    // of routing_plan when most plans are unrouted, suite 25 phase B).
    "WITH RECURSIVE t (tenant_id) AS ("
    " (SELECT p.tenant_id FROM waitroom.routing_plan p WHERE p.status = 'WAITING'"
    " ORDER BY p.tenant_id LIMIT 1)"
    " UNION ALL SELECT (SELECT p.tenant_id FROM waitroom.routing_plan p"
    " WHERE p.status = 'WAITING' AND p.tenant_id > t.tenant_id"
    " ORDER BY p.tenant_id LIMIT 1) FROM t WHERE t.tenant_id IS NOT NULL)"
    " SELECT t.tenant_id FROM t WHERE t.tenant_id IS NOT NULL"
    " UNION SELECT q.tenant_id FROM waitroom.reroute_queue q ORDER BY 1",
    0};

// On Citus the loose index scan (a recursive CTE without the distribution column) is refused
// ("recursive CTEs are only supported when they contain a filter on the distribution
// column"); grouped by tenant_id, Citus runs the query on every shard and merges.
spi::Statement waiting_tenants_sql_citus{
    "SELECT p.tenant_id FROM waitroom.routing_plan p WHERE p.status = 'WAITING' GROUP BY "
    "p.tenant_id"
    " UNION SELECT q.tenant_id FROM waitroom.reroute_queue q ORDER BY 1",
    0};

}  // namespace
}  // namespace waitroom::pg

using waitroom::pg::invoke;
namespace spi = waitroom::pg::spi;

extern "C" {

PG_FUNCTION_INFO_V1(waitroom_release_due);
Datum waitroom_release_due(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string at = waitroom::pg::text_arg(fc, 0);
        const std::optional<std::string> given =
            waitroom::pg::checked_tenant(waitroom::pg::optional_text_arg(fc, 1));
        spi::connect();
        const std::vector<std::string> tenants =
            given ? std::vector<std::string>{*given}
                  : waitroom::pg::first_column(
                        spi::run(spi::on_citus() ? waitroom::pg::waiting_tenants_sql_citus
                                                 : waitroom::pg::waiting_tenants_sql,
                                 {}));
        int changed = 0;
        for (const std::string& tenant_id : tenants) {
            const waitroom::pg::TenantScope scope(tenant_id);
            std::vector<std::string> due = waitroom::pg::first_column(
                spi::run(waitroom::pg::due_articles_sql, {at, tenant_id}));
            changed += waitroom::pg::reactivate_articles(due, &at);
            changed += waitroom::pg::drain_retry_queue(&at);
        }
        spi::finish();
        return Int32GetDatum(changed);
    });
}
}
