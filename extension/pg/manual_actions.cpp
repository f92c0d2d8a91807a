// Manual actions (SPEC §4): reroute, reroute_all and assign_facility.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/order_input.hpp"
#include "core/router.hpp"
#include "pg/event_log.hpp"
#include "pg/plan_routing.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
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
    "SELECT p.routing_plan_id"
    "  FROM waitroom.routing_plan p"
    "  JOIN waitroom.orders o ON o.order_id = p.order_id"
    " WHERE p.status IN ('WAITING', 'NOT_ROUTABLE')"
    "   AND ($1::uuid IS NULL OR p.order_id = $1::uuid)"
    " ORDER BY CASE WHEN (SELECT waiting_room_priority FROM waitroom.routing_strategy)"
    "               = 'PRIORITY' THEN o.priority END DESC NULLS LAST,"
    "          o.order_date, p.plan_no",
    1};

// These plans with their orders, locked by order_id, each order's row before its plans'.
// Every manual action takes order rows, plan rows, then article locks, then stock rows (each
// set in its fixed order), as cancel_order takes order, plans, stock: no cycle between them
// (issue 10, gap 4).
spi::Statement lock_plans_and_orders_sql{
    "SELECT p.routing_plan_id FROM waitroom.routing_plan p"
    "  JOIN waitroom.orders o ON o.order_id = p.order_id"
    " WHERE p.routing_plan_id = ANY($1::uuid[])"
    " ORDER BY o.order_id, p.plan_no"
    "   FOR NO KEY UPDATE OF o, p",
    1};

spi::Statement articles_of_plans_sql{
    "SELECT DISTINCT l.tenant_article_id FROM waitroom.routing_plan_line l"
    " WHERE l.routing_plan_id = ANY($1::uuid[]) AND l.quantity > 0",
    1};

spi::Statement lock_order_sql{
    "SELECT status FROM waitroom.orders WHERE order_id = $1::uuid FOR NO KEY UPDATE", 1};

spi::Statement facility_exists_sql{
    "SELECT 1 FROM waitroom.facility WHERE facility_ref = $1 FOR KEY SHARE", 1};

// Locks up front all that re-routing these plans can take: their order and plan rows, the
// waiting locks of their articles, every candidate stock row of those. Re-routing one plan after
// another then never waits while holding stock rows (nor order rows it took out of order).
void lock_ahead(const std::vector<std::string>& plan_ids) {
    if (plan_ids.empty()) return;
    const std::string ids = spi::array_literal(plan_ids);
    spi::run(lock_plans_and_orders_sql, {ids});
    const std::vector<std::string> articles = first_column(spi::run(articles_of_plans_sql, {ids}));
    lock_articles_shared(articles);
    lock_all_candidate_rows(articles, /*nowait=*/false);
}

int reroute_unrouted(const std::optional<std::string>& order_id, const char* run_type) {
    RouteOptions options;
    options.run_type = run_type;
    EventLog events;
    int changed = 0;
    const std::vector<std::string> plan_ids =
        first_column(spi::run(unrouted_plans_sql, {order_id}));
    lock_ahead(plan_ids);
    for (const std::string& plan_id : plan_ids) {
        if (reroute_one(plan_id, options, events)) ++changed;
        events.flush();
    }
    return changed;
}

void require_open_order(const std::string& order_id) {
    spi::Rows rows = spi::run(lock_order_sql, {order_id});
    if (rows.empty())
        throw core::UserError(core::sqlstate::kNoDataFound, "order_id " + order_id + " not found");
    if (spi::text(rows[0], 0) != "OPEN")
        throw core::UserError(core::sqlstate::kObjectNotInState,
                              "order " + order_id + " is " + spi::text(rows[0], 0));
}

// assign_facility: the whole plan, or the given lines split off into their own plan, routed
// to the facility without fences or stock checks (SPEC §4 manual actions).
std::string assign(const std::string& plan_id, const std::string& facility_ref,
                   const std::optional<std::string>& lines_json) {
    std::optional<std::vector<core::LineQuantity>> wanted;
    if (lines_json) wanted = core::parse_line_quantities(*lines_json);
    const auto plan_not_found = [&plan_id] {
        return core::UserError(core::sqlstate::kNoDataFound,
                               "routing_plan_id " + plan_id + " not found");
    };
    const std::optional<PlanToRoute> head = load_plan(plan_id);
    if (!head) throw plan_not_found();
    std::string order_id = head->order_id;
    require_open_order(order_id);
    spi::Rows status = spi::run(lock_plan_sql, {plan_id});
    if (status.empty()) throw plan_not_found();  // deleted since the first read
    const std::string& current = spi::text(status[0], 0);
    if (current != "WAITING" && current != "NOT_ROUTABLE")
        throw core::UserError(core::sqlstate::kObjectNotInState,
                              "routing plan " + plan_id + " is " + current +
                                  "; only WAITING or NOT_ROUTABLE plans can be assigned");
    if (spi::run(facility_exists_sql, {facility_ref}).empty())
        throw core::UserError(core::sqlstate::kNoDataFound,
                              "facility_ref \"" + facility_ref + "\" not found");
    PlanToRoute plan = *load_plan(plan_id);

    core::PlannedPart assigned{core::PlanStatus::Routed, facility_ref, {}};
    core::PlannedPart rest{
        current == "WAITING" ? core::PlanStatus::Waiting : core::PlanStatus::NotRoutable,
        std::nullopt,
        {}};
    std::map<std::string, std::int64_t> take;
    if (wanted) {
        for (const auto& w : *wanted) {
            auto it = std::find_if(plan.lines.begin(), plan.lines.end(),
                                   [&](const core::Line& l) { return l.line_id == w.line_id; });
            if (it == plan.lines.end())
                throw core::UserError(
                    core::sqlstate::kInvalidParameter,
                    "lines: lineId \"" + w.line_id + "\" is not in plan " + plan_id);
            if (w.quantity > it->quantity)
                throw core::UserError(core::sqlstate::kInvalidParameter,
                                      "lines: quantity " + std::to_string(w.quantity) +
                                          " of lineId \"" + w.line_id + "\" exceeds the " +
                                          std::to_string(it->quantity) + " in the plan");
            take[w.line_id] = w.quantity;
        }
        for (const auto& l : plan.lines) {  // a bundle goes whole or not at all
            if (!l.bundle_ref) continue;
            bool any = false, all = true;
            for (const auto& m : plan.lines)
                if (m.bundle_ref == l.bundle_ref) {
                    auto t = take.find(m.line_id);
                    any = any || t != take.end();
                    all = all && t != take.end() && t->second == m.quantity;
                }
            if (any && !all)
                throw core::UserError(core::sqlstate::kInvalidParameter,
                                      "lines: bundle \"" + *l.bundle_ref +
                                          "\" cannot be split; assign all of its lines");
        }
    } else {
        for (const auto& l : plan.lines) take[l.line_id] = l.quantity;
    }
    for (const auto& l : plan.lines) {
        std::int64_t q = take.count(l.line_id) ? take[l.line_id] : 0;
        if (q > 0) assigned.lines.push_back({l.line_id, l.article, q, 0, true});
        if (l.quantity - q > 0) rest.lines.push_back({l.line_id, l.article, l.quantity - q, 0});
    }
    core::RoutingDecision decision;
    decision.rule = "manual assignment";
    decision.parts.push_back(assigned);
    if (!rest.lines.empty()) decision.parts.push_back(rest);

    // No stock check, but reservations still lock their rows in the fixed order.
    std::set<StockKey> missing;
    for (const auto& l : assigned.lines) missing.emplace(facility_ref, l.article);
    lock_and_recheck(reservations_of(decision), {}, missing, /*nowait=*/false);

    RouteOptions options;
    options.run_type = "MANUAL_ASSIGNMENT";
    EventLog events;
    write_decision(plan, decision, options, events);
    events.flush();
    return order_id;
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
        spi::connect();
        waitroom::pg::require_open_order(order_id);
        waitroom::pg::reroute_unrouted(order_id, "REROUTE");
        return waitroom::pg::finish_with_order_json(order_id);
    });
}

PG_FUNCTION_INFO_V1(waitroom_reroute_all);
Datum waitroom_reroute_all(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo) -> Datum {
        spi::connect();
        int changed = waitroom::pg::reroute_unrouted(std::nullopt, "REROUTE");
        // Then what earlier passes deferred, through a pass: it defers again the articles a
        // decision to wait still holds (not yet visible here; deleting their entries lost
        // them, issue 10 gap 2).
        changed += waitroom::pg::waiting_room_pass(
            waitroom::pg::first_column(spi::run(waitroom::pg::claim_retries_sql, {})), nullptr,
            /*drain=*/false);
        spi::finish();
        return Int32GetDatum(changed);
    });
}

PG_FUNCTION_INFO_V1(waitroom_assign_facility);
Datum waitroom_assign_facility(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string plan_id = waitroom::pg::text_arg(fc, 0);
        const std::string facility = waitroom::pg::text_arg(fc, 1);
        std::optional<std::string> lines;
        if (!fc->args[2].isnull) lines = waitroom::pg::jsonb_arg_text(fc, 2);
        spi::connect();
        const std::string order_id = waitroom::pg::assign(plan_id, facility, lines);
        return waitroom::pg::finish_with_order_json(order_id);
    });
}
}
