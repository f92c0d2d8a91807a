// Manual action (SPEC §4): assign_facility(routing_plan_id, facility_ref, lines).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/order_input.hpp"
#include "pg/decision_writer.hpp"
#include "pg/event_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/manual_actions.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/unrouted_plan.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace waitroom::pg {
namespace {

spi::Statement facility_exists_sql{
    "SELECT 1 FROM waitroom.facility WHERE facility_ref = $1 FOR KEY SHARE", 1};

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
