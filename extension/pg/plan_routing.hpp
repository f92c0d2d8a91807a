// Routing one routing plan: decide (core), lock what the decision reserves in a fixed order
// and re-check it under the lock, then write plans, lines, pick jobs, reservations and events.
// Used for new orders and for every re-route.
#pragma once

#include <optional>

#include "core/decision_trace.hpp"
#include "core/domain.hpp"
#include "pg/decision_writer.hpp"
#include "pg/event_log.hpp"
#include "pg/routing_plan.hpp"

namespace waitroom::pg {

enum class RouteOutcome {
    Unchanged,  // the plan stays as it was: nothing written
    Changed,    // decision written
    Deferred    // a stock row was locked by another transaction: left for the retry queue
};

struct RouteResult {
    RouteOutcome outcome = RouteOutcome::Unchanged;
    core::RoutingDecision decision;
    std::optional<core::DecisionTrace> trace;  // the decision's, when written (explain's log)
    std::vector<WrittenPlan> written;          // when Changed
};

RouteResult route_plan(const PlanToRoute& plan, const RouteOptions& options, EventLog& events);

// Whether a decision would leave the plan as it is (a re-route that writes nothing).
bool leaves_plan_unchanged(const PlanToRoute& plan, const core::RoutingDecision& decision);

// A waiting-room pass re-routes a WAITING plan only to serve it (SPEC §4): what the decision
// cannot serve keeps waiting, in one WAITING part, instead of turning NOT_ROUTABLE (only
// reroute / reroute_all may). Lines keep the plan's order.
void keep_unserved_waiting(const PlanToRoute& plan, core::RoutingDecision& decision);

}  // namespace waitroom::pg
