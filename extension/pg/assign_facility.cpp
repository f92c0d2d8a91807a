// Manual action (SPEC §4): assign_facility(routing_plan_id, facility_ref, lines).
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/line_selection.hpp"
#include "pg/decision_writer.hpp"
#include "pg/event_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/manual_actions.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
#include "pg/unrouted_plan.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace waitroom::pg {
namespace {

// assign_facility: the whole plan, or the given lines split off into their own plan, routed
// to the facility without fences or stock checks (SPEC §4 manual actions).
// Returns the plan's order; *tenant_id receives its tenant.
std::string assign(const std::string& plan_id, const std::string& facility_ref,
                   const std::optional<std::string>& lines_json,
                   const std::optional<std::string>& given_tenant, std::string* tenant_id) {
    const std::optional<std::vector<core::LineQuantity>> wanted =
        core::parse_lines_argument(lines_json);
    *tenant_id = tenant_of_plan(plan_id, given_tenant);
    const TenantScope scope(*tenant_id);
    const auto plan_not_found = [&plan_id] {
        return core::UserError(core::sqlstate::kNoDataFound,
                               "routing_plan_id " + plan_id + " not found");
    };
    const std::optional<PlanToRoute> head = load_plan(plan_id);
    if (!head) throw plan_not_found();
    std::string order_id = head->order_id;
    require_open_order(order_id);
    const std::optional<std::string> current = lock_plan(plan_id, /*skip_locked=*/false);
    if (!current) throw plan_not_found();  // deleted since the first read
    if (*current != "WAITING" && *current != "NOT_ROUTABLE")
        throw core::UserError(core::sqlstate::kObjectNotInState,
                              "routing plan " + plan_id + " is " + *current +
                                  "; only WAITING or NOT_ROUTABLE plans can be assigned");
    if (!lock_facility_key(facility_ref))
        throw core::UserError(core::sqlstate::kNoDataFound,
                              "facility_ref \"" + facility_ref + "\" not found");
    PlanToRoute plan = *load_plan(plan_id);

    std::vector<core::SelectableLine> held;
    for (const auto& l : plan.lines) held.push_back({l.line_id, l.quantity, l.bundle_ref});
    std::map<std::string, std::int64_t> take = core::select_lines(wanted, held, "plan " + plan_id);
    core::require_whole_bundles(held, take);

    core::PlannedPart assigned{core::PlanStatus::Routed, facility_ref, {}};
    core::PlannedPart rest{
        *current == "WAITING" ? core::PlanStatus::Waiting : core::PlanStatus::NotRoutable,
        std::nullopt,
        {}};
    for (const auto& l : plan.lines) {
        const auto taken = take.find(l.line_id);
        const std::int64_t q = taken == take.end() ? 0 : taken->second;
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
        const std::optional<std::string> given = waitroom::pg::optional_text_arg(fc, 3);
        spi::connect();
        std::string tenant_id;
        const std::string order_id =
            waitroom::pg::assign(plan_id, facility, lines, given, &tenant_id);
        return waitroom::pg::finish_with_order_json(order_id, tenant_id);
    });
}
}
