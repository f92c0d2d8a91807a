// reroute_queue: the articles whose waiting plans a later drain re-routes afresh (deferred
// work). Deferring also notifies waitroom_reroute at commit: waitroomd then calls
// release_due(), which drains the queue at once instead of on its timer.
#include "pg/retry_queue.hpp"

#include "pg/spi.hpp"
#include "pg/tenant.hpp"

namespace waitroom::pg {
namespace {

spi::Statement defer_articles_sql{
    "WITH queued AS (INSERT INTO waitroom.reroute_queue (tenant_article_id, tenant_id)"
    "  SELECT DISTINCT a, $2 FROM unnest($1::text[]) AS a RETURNING 1)"
    "SELECT pg_notify('waitroom_reroute', '') WHERE EXISTS (SELECT 1 FROM queued)",
    2};

spi::Statement enqueue_plans_articles_sql{
    "WITH queued AS (INSERT INTO waitroom.reroute_queue (tenant_article_id, tenant_id)"
    "  SELECT DISTINCT l.tenant_article_id, $2 FROM unnest($1::uuid[]) AS x(id)"
    "   CROSS JOIN LATERAL (SELECT l.tenant_article_id FROM waitroom.routing_plan_line l"
    "                        WHERE l.tenant_id = $2 AND l.routing_plan_id = x.id AND l.waiting"
    "                       OFFSET 0) l"
    "  RETURNING 1)"
    "SELECT pg_notify('waitroom_reroute', '') WHERE EXISTS (SELECT 1 FROM queued)",
    2};

// Takes up to 1000 of the tenant's entries (SKIP LOCKED: two drains share the queue).
spi::Statement claim_retries_sql{
    "WITH claimed AS (DELETE FROM waitroom.reroute_queue q"
    "  WHERE q.tenant_id = $1"
    "    AND q.entry_id IN (SELECT entry_id FROM waitroom.reroute_queue WHERE tenant_id = $1"
    "                        ORDER BY entry_id LIMIT 1000 FOR UPDATE SKIP LOCKED)"
    "  RETURNING q.tenant_article_id)"
    "SELECT DISTINCT tenant_article_id FROM claimed",
    1};

}  // namespace

void defer_articles(const std::vector<std::string>& articles) {
    if (!articles.empty()) spi::run(defer_articles_sql, {spi::array_literal(articles), tenant()});
}

void defer_plan_articles(const std::string& plan_id) { defer_plans_articles({plan_id}); }

void defer_plans_articles(const std::vector<std::string>& plan_ids) {
    if (!plan_ids.empty())
        spi::run(enqueue_plans_articles_sql, {spi::array_literal(plan_ids), tenant()});
}

std::vector<std::string> claim_deferred_articles() {
    std::vector<std::string> out;
    for (const auto& r : spi::run(claim_retries_sql, {tenant()})) out.push_back(spi::text(r, 0));
    return out;
}

}  // namespace waitroom::pg
