// Loading WAITING and NOT_ROUTABLE plans, and re-routing one of them under its order and
// plan row locks (the waiting-room pass and the manual actions both come through here).
#include "pg/unrouted_plan.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pg/lock_protocol.hpp"
#include "pg/plan_routing.hpp"
#include "pg/retry_queue.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"

namespace waitroom::pg {

namespace {

// A plan's order and lines (quantity > 0, in line order), for many plans at once.
spi::Statement plans_lines_sql{
    "SELECT p.routing_plan_id, p.order_id, o.tenant_order_id, p.parent_routing_plan_id,"
    "       p.status, o.consumer_lat, o.consumer_lon, l.line_id, l.tenant_article_id,"
    "       l.quantity, ol.bundle_ref"
    "  FROM unnest($1::uuid[]) AS x(id)"
    "  JOIN waitroom.routing_plan p ON p.tenant_id = $2 AND p.routing_plan_id = x.id"
    "  JOIN waitroom.orders o ON o.tenant_id = $2 AND o.order_id = p.order_id"
    "  LEFT JOIN waitroom.routing_plan_line l"
    "         ON l.tenant_id = $2 AND l.routing_plan_id = p.routing_plan_id AND l.quantity > 0"
    "  LEFT JOIN waitroom.order_line ol"
    "         ON ol.tenant_id = $2 AND ol.order_id = l.order_id AND ol.line_id = l.line_id"
    " ORDER BY p.routing_plan_id, ol.position",
    2};

}  // namespace

std::map<std::string, PlanToRoute> load_plans(const std::vector<std::string>& plan_ids) {
    std::map<std::string, PlanToRoute> plans;
    for (const auto& r : spi::run(plans_lines_sql, {spi::array_literal(plan_ids), tenant()})) {
        const std::string& id = spi::text(r, 0);
        auto [it, fresh] = plans.try_emplace(id);
        PlanToRoute& plan = it->second;
        if (fresh) {
            plan.routing_plan_id = id;
            plan.order_id = spi::text(r, 1);
            plan.tenant_order_id = spi::text(r, 2);
            if (r[3]) plan.parent_routing_plan_id = *r[3];
            plan.current_status = spi::text(r, 4);
            if (r[5] && r[6]) plan.consumer = core::Location{spi::real(r, 5), spi::real(r, 6)};
        }
        if (!r[7]) continue;
        core::Line line;
        line.line_id = spi::text(r, 7);
        line.article = spi::text(r, 8);
        line.quantity = spi::integer(r, 9);
        if (r[10]) line.bundle_ref = *r[10];
        plan.lines.push_back(std::move(line));
    }
    return plans;
}

std::vector<std::string> articles_of(const std::map<std::string, PlanToRoute>& plans) {
    std::vector<core::Line> lines;
    for (const auto& entry : plans)
        lines.insert(lines.end(), entry.second.lines.begin(), entry.second.lines.end());
    return articles_of(lines);
}

std::optional<PlanToRoute> load_plan(const std::string& plan_id) {
    std::map<std::string, PlanToRoute> plans = load_plans({plan_id});
    if (plans.empty()) return std::nullopt;
    return std::move(plans.begin()->second);
}

std::vector<std::string> first_column(const spi::Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(spi::text(r, 0));
    return out;
}

// Re-routes one plan if it is still unrouted; returns whether it changed.
bool reroute_one(const std::string& plan_id, const RouteOptions& options, EventLog& events) {
    // SKIP LOCKED in a waiting-room pass: whoever holds the rows decides.
    const std::optional<std::string> status = lock_plan(plan_id, options.waiting_room_pass);
    if (!status) {  // no such plan, or locked by another transaction: it decides, or the retry
        if (options.waiting_room_pass) defer_plan_articles(plan_id);
        return false;
    }
    if (*status != "WAITING" && *status != "NOT_ROUTABLE") return false;
    std::optional<PlanToRoute> plan = load_plan(plan_id);
    if (!plan || plan->lines.empty()) return false;
    RouteResult result = route_plan(*plan, options, events);
    if (result.outcome == RouteOutcome::Deferred) defer_plan_articles(plan_id);
    return result.outcome == RouteOutcome::Changed;
}

}  // namespace waitroom::pg
