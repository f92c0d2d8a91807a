// Routing one routing plan: decide (core), lock what the decision reserves in a fixed order
// and re-check it under the lock, then write plans, lines, pick jobs, reservations and events.
// Used for new orders and for every re-route (SPEC §3 rule 7: the part that stays WAITING or
// NOT_ROUTABLE keeps the plan's id; routed parts become its children).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "pg/event_log.hpp"

namespace waitroom::pg {

struct PlanToRoute {
    std::string routing_plan_id;
    bool is_new = false;
    std::optional<std::string> parent_routing_plan_id;
    std::string current_status;  // "" when new
    std::string order_id;
    std::string tenant_order_id;
    std::vector<core::Line> lines;  // what the plan holds, quantity > 0
    std::optional<core::Location> consumer;
};

struct RouteOptions {
    const char* run_type = "DEFAULT";
    const std::string* now_override = nullptr;  // release_due(at): timestamptz text
    // STRICT_FIFO: quantities waiting in plans ahead of this one. Empty = every waiting plan
    // but this one is ahead (a new order, or a plan at the end of the queue).
    bool strict_fifo_everything_ahead = true;
    const std::map<std::string, std::int64_t>* held_back = nullptr;
};

struct RouteResult {
    bool changed = false;
    core::RoutingDecision decision;
};

RouteResult route_plan(const PlanToRoute& plan, const RouteOptions& options, EventLog& events);

std::string new_uuid();

}  // namespace waitroom::pg
