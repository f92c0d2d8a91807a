// A routing plan as the glue routes and writes it (SPEC §3 rule 7: the part that stays
// WAITING or NOT_ROUTABLE keeps the plan's id; routed parts become its children).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/domain.hpp"

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
    // Inside a waiting-room pass (stock trigger): the pass holds the article locks, and stock
    // rows are locked NOWAIT, because the app's UPDATE already holds rows of its own.
    bool waiting_room_pass = false;
};

// A plan as a decision wrote it (what the order JSON shows of it), in creation order.
struct WrittenPlan {
    std::string routing_plan_id;
    std::optional<std::string> parent_routing_plan_id;
    core::PlanStatus status = core::PlanStatus::Waiting;
    std::optional<std::string> facility_ref;
    std::optional<std::string> pick_job_id;
    bool short_picked = false;
    std::vector<core::PlannedLine> lines;  // quantity = held or picked + short; only > 0
};

// The SQL name of a plan status (WAITING, ROUTED, NOT_ROUTABLE, CANCELLED).
const char* status_name(core::PlanStatus status);

}  // namespace waitroom::pg
